//===- LanguageModel.h - perplexity and generation with a compiled LM -----===//
//
// A language model here is a compiled model with one integer input of shape
// [B, T] (token ids) and a float output of shape [B, T, V] (logits). Its
// sequence length T is fixed at compile time, which sets the protocol (see
// docs/compiling.md, "Language models and the perplexity protocol"):
//  * perplexity: the token stream is cut into non-overlapping windows of T
//    tokens (a trailing partial window is dropped); with --bos-id each window
//    is BOS followed by T-1 stream tokens. In every window, each token after
//    the first position is scored by the logits of the position before it,
//    so a window scores T-1 tokens. Perplexity = exp(mean NLL), in float64.
//  * generation: the context is the last T tokens; positions after it are
//    padded with token 0, which causal attention never lets earlier
//    positions see, and the next token comes from the last real position.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUN_LANGUAGEMODEL_H
#define RESQ_RUN_LANGUAGEMODEL_H

#include "resq/run/LoadedModel.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace resq::run {

struct LanguageModelShape {
  size_t idsInput = 0, logitsOutput = 0;
  int64_t batch = 1, sequence = 0, vocab = 0;
};

/// The model's token-id input and logits output, or nullopt with `error`
/// saying why the model is not a language model.
std::optional<LanguageModelShape> detectLanguageModel(const LoadedModel &model,
                                                      std::string &error);

/// Token ids from a tensor of shape [N] (one stream) or [N, T] (N windows
/// of the compiled length). Integer dtypes only.
bool tokenIds(const tensorio::Tensor &tensor, std::vector<int64_t> &ids,
              int64_t &rows, std::string &error);

struct PerplexityOptions {
  std::optional<int64_t> bosId;
  /// Called after each run with (windows done, windows total, tokens/s).
  std::function<void(int64_t, int64_t, double)> progress;
};

struct PerplexityResult {
  double totalNll = 0;
  int64_t scoredTokens = 0;
  int64_t windows = 0;
  int64_t droppedTokens = 0;
  double seconds = 0;
  double perplexity() const;
};

bool computePerplexity(LoadedModel &model, const tensorio::Tensor &ids,
                       const PerplexityOptions &options,
                       PerplexityResult &result, std::string &error);

struct GenerateOptions {
  int64_t count = 16;
  bool sample = false;
  double temperature = 1.0;
  uint64_t seed = 0;
};

/// Appends `options.count` tokens to `tokens` (the prompt, not empty),
/// calling `onToken` with each new one.
bool generateTokens(LoadedModel &model, std::vector<int64_t> &tokens,
                    const GenerateOptions &options,
                    const std::function<void(int64_t)> &onToken,
                    std::string &error);

} // namespace resq::run

#endif // RESQ_RUN_LANGUAGEMODEL_H
