//===- Calibrate.h - second-moment statistics of a model's activations -*-
// C++ -*-===//
//
// Calibration runs a model instrumented by --resq-insert-observers on
// windows of calibration tokens and accumulates, per observation site and
// group (one per KV head for v_out and k_rope, else one), the uncentred
// second moment X^T X over every token, in float64 (ALGORITHMS.md §4). The
// statistics archive (safetensors, F64) has one tensor per site,
// "layers.L.SITE" of shape [groups, width, width], and the token count in
// its metadata ("tokens"); the rotation and quantization passes read it.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUN_CALIBRATE_H
#define RESQ_RUN_CALIBRATE_H

#include "resq/run/LoadedModel.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace resq::run {

/// X^T X of one site, per group, accumulated over calls.
class SecondMoments {
public:
  SecondMoments(int64_t groups, int64_t width);
  /// Adds the rows of `x`, [tokens, groups, width] row-major float32.
  void add(const float *x, int64_t tokens);
  int64_t groups() const { return groupCount; }
  int64_t width() const { return groupWidth; }
  /// [groups, width, width], row-major.
  const std::vector<double> &values() const { return sums; }

private:
  int64_t groupCount, groupWidth;
  std::vector<double> sums;
};

struct CalibrationOptions {
  /// Stop after this many tokens (rounded up to whole windows); 0: all.
  int64_t maxTokens = 0;
  /// Start every window with this token.
  std::optional<int64_t> bosId;
  /// Called after each window with (windows done, windows total, tokens/s).
  std::function<void(int64_t, int64_t, double)> progress;
};

struct CalibrationResult {
  int64_t windows = 0;
  int64_t tokens = 0;
  double seconds = 0;
  /// The fingerprint of the calibrated model's weights, stored as the
  /// metadata `model` (CalibrationStats::modelFingerprint).
  std::string model;
  std::map<std::string, SecondMoments> sites;
};

/// Runs `model` on windows of the token stream `ids` ([N] or [N, T] ids)
/// and accumulates every output named "observe:SITE".
bool calibrate(LoadedModel &model, const tensorio::Tensor &ids,
               const CalibrationOptions &options, CalibrationResult &result,
               std::string &error);

/// Writes the statistics archive: float64 [groups, w, w] tensors named by
/// site, the token count and the model's fingerprint in the metadata. Refuses
/// non-finite statistics (a model whose activations overflowed).
bool writeStatistics(const CalibrationResult &result, const std::string &path,
                     std::string &error);

/// Whether `path` holds statistics as writeStatistics() writes them: a
/// positive token count, the fingerprint `model`, float64 [groups, w, w]
/// tensors, finite, symmetric, with a non-negative diagonal. False with
/// `error` saying what is wrong.
bool validateStatistics(const std::string &path, const std::string &model,
                        std::string &error);

} // namespace resq::run

#endif // RESQ_RUN_CALIBRATE_H
