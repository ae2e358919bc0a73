//===- Tokenizer.h - SentencePiece text <-> token ids ----------*- C++ -*-===//
//
// resq-run --tokenizer MODEL reads text for --perplexity and --prompt-text
// and prints generated text, through Debian's libsentencepiece. A build
// without it (libsentencepiece-dev missing at configure time) still has the
// class; load() then fails with a message saying so.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUN_TOKENIZER_H
#define RESQ_RUN_TOKENIZER_H

#include "resq/tensorio/TensorFile.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace resq::run {

class Tokenizer {
public:
  /// Loads a SentencePiece .model file; null with `error` set on failure.
  static std::unique_ptr<Tokenizer> load(const std::string &path,
                                         std::string &error);
  virtual ~Tokenizer() = default;

  /// Token ids of `text` (no BOS/EOS added).
  virtual bool encode(const std::string &text, std::vector<int64_t> &ids,
                      std::string &error) const = 0;
  virtual bool decode(const std::vector<int64_t> &ids, std::string &text,
                      std::string &error) const = 0;
  virtual int64_t vocabularySize() const = 0;
  /// The BOS id, or -1 if the model has none.
  virtual int64_t bosId() const = 0;
};

/// Token ids from `path`: a tensor file (.npy or .pb) as it is, or a text
/// file encoded with `tokenizer` as one stream of shape [N] (an error when
/// `tokenizer` is null).
bool readTokenFile(const std::string &path, const Tokenizer *tokenizer,
                   tensorio::Tensor &ids, std::string &error);

/// Whether this build can load SentencePiece models.
bool haveSentencePiece();

} // namespace resq::run

#endif // RESQ_RUN_TOKENIZER_H
