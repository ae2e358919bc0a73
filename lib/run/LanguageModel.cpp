//===- LanguageModel.cpp - perplexity and generation with a compiled LM ---===//

#include "resq/run/LanguageModel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>

using namespace resq;
using namespace resq::run;
using params::DType;

namespace {

bool isIntegerIds(DType dtype) {
  return dtype == DType::I64 || dtype == DType::I32;
}

/// Writes token ids into a model input buffer of dtype I64 or I32.
void storeIds(const std::vector<int64_t> &ids, DType dtype, uint8_t *out) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (dtype == DType::I64) {
      std::memcpy(out + 8 * i, &ids[i], 8);
    } else {
      int32_t v = int32_t(ids[i]);
      std::memcpy(out + 4 * i, &v, 4);
    }
  }
}

/// log-softmax(logits)[target], in float64.
double logProbability(const float *logits, int64_t vocab, int64_t target) {
  double maxLogit = logits[0];
  for (int64_t v = 1; v < vocab; ++v)
    maxLogit = std::max(maxLogit, double(logits[v]));
  double sum = 0;
  for (int64_t v = 0; v < vocab; ++v)
    sum += std::exp(double(logits[v]) - maxLogit);
  return double(logits[target]) - maxLogit - std::log(sum);
}

/// One run over `batch` windows; fills logits.
struct LmRunner {
  LoadedModel &model;
  const LanguageModelShape &shape;
  std::vector<tensorio::Tensor> inputs;
  std::vector<tensorio::Tensor> outputs;

  LmRunner(LoadedModel &model, const LanguageModelShape &shape)
      : model(model), shape(shape) {
    for (const TensorSpec &spec : model.inputs()) {
      tensorio::Tensor t;
      t.dtype = spec.dtype;
      t.shape = spec.shape;
      t.bytes.assign(spec.byteSize, 0);
      inputs.push_back(std::move(t));
    }
  }

  /// `ids` holds batch * sequence tokens.
  bool run(const std::vector<int64_t> &ids, std::string &error) {
    tensorio::Tensor &in = inputs[shape.idsInput];
    storeIds(ids, in.dtype, in.bytes.data());
    return model.run(inputs, outputs, error);
  }

  const float *logitsAt(int64_t row, int64_t position) const {
    const auto *base = reinterpret_cast<const float *>(
        outputs[shape.logitsOutput].bytes.data());
    return base + (row * shape.sequence + position) * shape.vocab;
  }
};

} // namespace

std::optional<LanguageModelShape>
resq::run::detectLanguageModel(const LoadedModel &model, std::string &error) {
  const auto &ins = model.inputs();
  const auto &outs = model.outputs();
  if (ins.size() != 1 || !isIntegerIds(ins[0].dtype) ||
      ins[0].shape.size() != 2) {
    error = "not a language model: expected one int64/int32 input of shape "
            "[batch, sequence]";
    return std::nullopt;
  }
  LanguageModelShape shape;
  shape.batch = ins[0].shape[0];
  shape.sequence = ins[0].shape[1];
  for (size_t i = 0; i < outs.size(); ++i) {
    const TensorSpec &out = outs[i];
    if (out.dtype == DType::F32 && out.shape.size() == 3 &&
        out.shape[0] == shape.batch && out.shape[1] == shape.sequence) {
      shape.logitsOutput = i;
      shape.vocab = out.shape[2];
      if (shape.batch < 1 || shape.sequence < 2 || shape.vocab < 1)
        break;
      return shape;
    }
  }
  error = "not a language model: expected an f32 output of shape [batch, "
          "sequence, vocab] with sequence >= 2";
  return std::nullopt;
}

bool resq::run::tokenIds(const tensorio::Tensor &tensor,
                         std::vector<int64_t> &ids, int64_t &rows,
                         std::string &error) {
  if (!isIntegerIds(tensor.dtype) || tensor.shape.empty() ||
      tensor.shape.size() > 2) {
    error = "token ids must be int32 or int64 of shape [N] or [N, T]";
    return false;
  }
  rows = tensor.shape.size() == 2 ? tensor.shape[0] : 0;
  ids.resize(tensor.numElements());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (tensor.dtype == DType::I64) {
      std::memcpy(&ids[i], tensor.bytes.data() + 8 * i, 8);
    } else {
      int32_t v;
      std::memcpy(&v, tensor.bytes.data() + 4 * i, 4);
      ids[i] = v;
    }
  }
  return true;
}

double PerplexityResult::perplexity() const {
  return scoredTokens ? std::exp(totalNll / double(scoredTokens)) : NAN;
}

bool resq::run::computePerplexity(LoadedModel &model,
                                  const tensorio::Tensor &idsTensor,
                                  const PerplexityOptions &options,
                                  PerplexityResult &result,
                                  std::string &error) {
  std::optional<LanguageModelShape> shape = detectLanguageModel(model, error);
  if (!shape)
    return false;
  std::vector<int64_t> stream;
  int64_t rows = 0;
  if (!tokenIds(idsTensor, stream, rows, error))
    return false;
  const int64_t T = shape->sequence;
  // Windows of T model positions; with a BOS each holds T-1 stream tokens.
  std::vector<std::vector<int64_t>> windows;
  int64_t perWindow = options.bosId ? T - 1 : T;
  if (rows) {
    if (idsTensor.shape[1] != perWindow) {
      error = "token windows have length " +
              std::to_string(idsTensor.shape[1]) + ", the model needs " +
              std::to_string(perWindow) +
              (options.bosId ? " (its sequence length minus the BOS)" : "");
      return false;
    }
  }
  for (int64_t start = 0; start + perWindow <= int64_t(stream.size());
       start += perWindow) {
    std::vector<int64_t> window;
    if (options.bosId)
      window.push_back(*options.bosId);
    window.insert(window.end(), stream.begin() + start,
                  stream.begin() + start + perWindow);
    windows.push_back(std::move(window));
  }
  result = PerplexityResult();
  result.droppedTokens =
      int64_t(stream.size()) - int64_t(windows.size()) * perWindow;
  if (windows.empty()) {
    error = "fewer token ids (" + std::to_string(stream.size()) +
            ") than one window (" + std::to_string(perWindow) + ")";
    return false;
  }
  for (const auto &window : windows)
    for (int64_t id : window)
      if (id < 0 || id >= shape->vocab) {
        error = "token id " + std::to_string(id) +
                " is outside the vocabulary [0, " +
                std::to_string(shape->vocab) + ")";
        return false;
      }

  LmRunner runner(model, *shape);
  auto start = std::chrono::steady_clock::now();
  int64_t total = int64_t(windows.size());
  for (int64_t first = 0; first < total; first += shape->batch) {
    int64_t count = std::min(shape->batch, total - first);
    std::vector<int64_t> ids(shape->batch * T, 0);
    for (int64_t b = 0; b < count; ++b)
      std::copy(windows[first + b].begin(), windows[first + b].end(),
                ids.begin() + b * T);
    if (!runner.run(ids, error))
      return false;
    for (int64_t b = 0; b < count; ++b)
      for (int64_t t = 0; t + 1 < T; ++t) {
        result.totalNll -= logProbability(runner.logitsAt(b, t), shape->vocab,
                                          windows[first + b][t + 1]);
        ++result.scoredTokens;
      }
    result.windows += count;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (options.progress)
      options.progress(result.windows, total,
                       double(result.windows * T) /
                           std::max(result.seconds, 1e-9));
  }
  return true;
}

bool resq::run::generateTokens(LoadedModel &model, std::vector<int64_t> &tokens,
                               const GenerateOptions &options,
                               const std::function<void(int64_t)> &onToken,
                               std::string &error) {
  std::optional<LanguageModelShape> shape = detectLanguageModel(model, error);
  if (!shape)
    return false;
  if (tokens.empty()) {
    error = "generation needs a prompt of at least one token";
    return false;
  }
  if (options.sample && !(options.temperature > 0)) {
    error = "--temperature must be positive";
    return false;
  }
  for (int64_t id : tokens)
    if (id < 0 || id >= shape->vocab) {
      error = "prompt token " + std::to_string(id) +
              " is outside the vocabulary [0, " + std::to_string(shape->vocab) +
              ")";
      return false;
    }
  LmRunner runner(model, *shape);
  std::mt19937_64 rng(options.seed);
  const int64_t T = shape->sequence;
  for (int64_t step = 0; step < options.count; ++step) {
    int64_t length = std::min<int64_t>(int64_t(tokens.size()), T);
    std::vector<int64_t> ids(shape->batch * T, 0);
    std::copy(tokens.end() - length, tokens.end(), ids.begin());
    if (!runner.run(ids, error))
      return false;
    const float *logits = runner.logitsAt(0, length - 1);
    int64_t next = 0;
    if (!options.sample) {
      next = std::max_element(logits, logits + shape->vocab) - logits;
    } else {
      double maxLogit = *std::max_element(logits, logits + shape->vocab);
      std::vector<double> weights(shape->vocab);
      for (int64_t v = 0; v < shape->vocab; ++v)
        weights[v] =
            std::exp((double(logits[v]) - maxLogit) / options.temperature);
      std::discrete_distribution<int64_t> pick(weights.begin(), weights.end());
      next = pick(rng);
    }
    tokens.push_back(next);
    if (onToken)
      onToken(next);
  }
  return true;
}
