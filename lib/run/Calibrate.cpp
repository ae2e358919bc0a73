//===- Calibrate.cpp - second-moment statistics of a model's activations --===//

#include "resq/run/Calibrate.h"

#include "resq/params/Archive.h"
#include "resq/run/LanguageModel.h"

#include <Eigen/Core>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace resq::run {

namespace {
constexpr const char *kObservePrefix = "observe:";
} // namespace

SecondMoments::SecondMoments(int64_t groups, int64_t width)
    : groupCount(groups), groupWidth(width),
      sums(size_t(groups * width * width), 0.0) {}

void SecondMoments::add(const float *x, int64_t tokens) {
  using RowMajor =
      Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const RowMajor> rows(x, tokens, groupCount * groupWidth);
  for (int64_t g = 0; g < groupCount; ++g) {
    Eigen::MatrixXd block =
        rows.middleCols(g * groupWidth, groupWidth).cast<double>();
    Eigen::Map<Eigen::MatrixXd> sum(sums.data() + g * groupWidth * groupWidth,
                                    groupWidth, groupWidth);
    // Symmetric: the lower triangle is accumulated, then mirrored.
    sum.selfadjointView<Eigen::Lower>().rankUpdate(block.transpose());
    sum.triangularView<Eigen::StrictlyUpper>() = sum.transpose();
  }
}

bool calibrate(LoadedModel &model, const tensorio::Tensor &ids,
               const CalibrationOptions &options, CalibrationResult &result,
               std::string &error) {
  const auto &inputs = model.inputs();
  if (inputs.size() != 1 || inputs[0].shape.size() != 2 ||
      inputs[0].shape[0] != 1 ||
      (inputs[0].dtype != params::DType::I64 &&
       inputs[0].dtype != params::DType::I32)) {
    error = "calibration needs a model with one token-id input of shape "
            "[1, T]";
    return false;
  }
  int64_t window = inputs[0].shape[1];
  std::vector<int64_t> stream;
  int64_t rows = 0;
  if (!tokenIds(ids, stream, rows, error))
    return false;
  int64_t fromStream = window - (options.bosId ? 1 : 0);
  int64_t total = int64_t(stream.size()) / fromStream;
  if (options.maxTokens > 0)
    total = std::min(total, (options.maxTokens + window - 1) / window);
  if (total == 0) {
    error = "the calibration data has " + std::to_string(stream.size()) +
            " tokens, fewer than one window of " + std::to_string(window);
    return false;
  }

  // Output buffers, and the sites to accumulate.
  const auto &outputs = model.outputs();
  std::vector<std::vector<uint8_t>> buffers(outputs.size());
  std::vector<void *> outputPointers;
  for (size_t i = 0; i < outputs.size(); ++i) {
    buffers[i].resize(outputs[i].byteSize);
    outputPointers.push_back(buffers[i].data());
    const TensorSpec &spec = outputs[i];
    if (spec.name.rfind(kObservePrefix, 0) != 0)
      continue;
    if (spec.shape.size() != 3 || spec.dtype != params::DType::F32) {
      error = "observation '" + spec.name +
              "' is not [tokens, groups, width] "
              "float32";
      return false;
    }
    result.sites.emplace(spec.name.substr(std::strlen(kObservePrefix)),
                         SecondMoments(spec.shape[1], spec.shape[2]));
  }
  if (result.sites.empty()) {
    error = "the model has no observation outputs: run "
            "--resq-insert-observers first";
    return false;
  }

  // Ids outside the vocabulary would index the embedding table out of
  // bounds in the compiled model: refuse them, as perplexity does.
  for (const TensorSpec &spec : outputs) {
    if (spec.name.rfind(kObservePrefix, 0) == 0 || spec.shape.size() != 3)
      continue;
    int64_t vocab = spec.shape[2];
    auto outside = [&](int64_t id) { return id < 0 || id >= vocab; };
    std::optional<int64_t> bad;
    if (options.bosId && outside(*options.bosId))
      bad = *options.bosId;
    for (int64_t i = 0; !bad && i < total * fromStream; ++i)
      if (outside(stream[i]))
        bad = stream[i];
    if (bad) {
      error = "token id " + std::to_string(*bad) +
              " is outside the vocabulary [0, " + std::to_string(vocab) + ")";
      return false;
    }
    break;
  }

  auto start = std::chrono::steady_clock::now();
  std::vector<uint8_t> input(inputs[0].byteSize);
  for (int64_t w = 0; w < total; ++w) {
    const int64_t *source = stream.data() + w * fromStream;
    for (int64_t t = 0; t < window; ++t) {
      int64_t id =
          options.bosId ? (t == 0 ? *options.bosId : source[t - 1]) : source[t];
      if (inputs[0].dtype == params::DType::I64)
        std::memcpy(input.data() + 8 * t, &id, 8);
      else {
        int32_t narrow = int32_t(id);
        std::memcpy(input.data() + 4 * t, &narrow, 4);
      }
    }
    if (!model.runRaw({input.data()}, outputPointers, error))
      return false;
    for (size_t i = 0; i < outputs.size(); ++i) {
      const TensorSpec &spec = outputs[i];
      if (spec.name.rfind(kObservePrefix, 0) != 0)
        continue;
      result.sites.at(spec.name.substr(std::strlen(kObservePrefix)))
          .add(reinterpret_cast<const float *>(buffers[i].data()),
               spec.shape[0]);
    }
    result.windows = w + 1;
    result.tokens += window;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (options.progress)
      options.progress(w + 1, total, result.tokens / result.seconds);
  }
  return true;
}

namespace {

/// Checks `count` [w, w] blocks of second moments; `what` names them.
bool checkMoments(const double *values, int64_t count, int64_t w,
                  const std::string &what, std::string &error) {
  for (int64_t g = 0; g < count; ++g) {
    const double *m = values + g * w * w;
    for (int64_t i = 0; i < w; ++i)
      for (int64_t j = 0; j < w; ++j) {
        double x = m[i * w + j];
        if (!std::isfinite(x) || x != m[j * w + i] || (i == j && x < 0)) {
          error = what + " (group " + std::to_string(g) +
                  ") are not second moments: element (" + std::to_string(i) +
                  ", " + std::to_string(j) + ") is " + std::to_string(x);
          return false;
        }
      }
  }
  return true;
}

} // namespace

bool validateStatistics(const std::string &path, const std::string &model,
                        std::string &error) {
  std::unique_ptr<params::Archive> archive = params::Archive::open(path, error);
  if (!archive)
    return false;
  auto tokens = archive->metadata().find("tokens");
  if (tokens == archive->metadata().end() ||
      std::atoll(tokens->second.c_str()) <= 0) {
    error = "'" + path + "' has no token count: not a statistics archive";
    return false;
  }
  auto fingerprint = archive->metadata().find("model");
  if (fingerprint == archive->metadata().end() ||
      fingerprint->second != model) {
    error = "'" + path + "' was collected on another model";
    return false;
  }
  for (const params::TensorInfo &info : archive->tensors()) {
    if (info.dtype != params::DType::F64 || info.shape.size() != 3 ||
        info.shape[1] != info.shape[2]) {
      error =
          "'" + path + "': '" + info.name + "' is not float64 [groups, w, w]";
      return false;
    }
    if (!checkMoments(reinterpret_cast<const double *>(archive->data(info)),
                      info.shape[0], info.shape[1],
                      "'" + path + "': '" + info.name + "'", error))
      return false;
  }
  return true;
}

bool writeStatistics(const CalibrationResult &result, const std::string &path,
                     std::string &error) {
  for (const auto &[name, moments] : result.sites)
    if (!checkMoments(moments.values().data(), moments.groups(),
                      moments.width(), "the statistics of '" + name + "'",
                      error)) {
      error = "calibration produced unusable statistics (the model's "
              "activations overflow or are NaN): " +
              error;
      return false;
    }
  params::ArchiveWriter writer;
  for (const auto &[name, moments] : result.sites)
    if (!writer.addBorrowed(
            name, params::DType::F64,
            {moments.groups(), moments.width(), moments.width()},
            moments.values().data(), moments.values().size() * sizeof(double),
            error))
      return false;
  writer.setMetadata("tokens", std::to_string(result.tokens));
  writer.setMetadata("windows", std::to_string(result.windows));
  writer.setMetadata("model", result.model);
  writer.setMetadata("statistic", "sum over tokens of x^T x (uncentred)");
  return writer.write(path, error);
}

} // namespace resq::run
