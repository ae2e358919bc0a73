//===- RoundToNearest.cpp - uniform round-to-nearest weight quantizer -----===//

#include "resq/numerics/RoundToNearest.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace resq::numerics {

namespace {

struct IntRange {
  double lo, hi;
};

IntRange intRange(const QuantizerConfig &config) {
  assert(config.bits >= 2 && config.bits <= 16 && "unsupported bit width");
  double levels = std::ldexp(1.0, int(config.bits));
  if (config.symmetric)
    return {-levels / 2, levels / 2 - 1};
  return {0, levels - 1};
}

} // namespace

QuantParams fitQuantParams(const QuantizerConfig &config,
                           const Eigen::Ref<const Eigen::MatrixXd> &w) {
  IntRange range = intRange(config);
  QuantParams params;
  if (config.symmetric) {
    double maxAbs = w.size() ? w.cwiseAbs().maxCoeff() : 0.0;
    // An all-zero set keeps scale 1: any scale represents it exactly.
    if (maxAbs > 0)
      params.scale = maxAbs / range.hi;
    return params;
  }
  // The range must contain 0 so that zero weights stay exactly zero.
  double lo = w.size() ? std::min(w.minCoeff(), 0.0) : 0.0;
  double hi = w.size() ? std::max(w.maxCoeff(), 0.0) : 0.0;
  if (hi > lo)
    params.scale = (hi - lo) / range.hi;
  params.zeroPoint = std::round(-lo / params.scale);
  return params;
}

double quantizeToInt(const QuantizerConfig &config, const QuantParams &params,
                     double w) {
  IntRange range = intRange(config);
  double q = std::nearbyint(w / params.scale) + params.zeroPoint;
  return std::clamp(q, range.lo, range.hi);
}

double fakeQuantize(const QuantizerConfig &config, const QuantParams &params,
                    double w) {
  return (quantizeToInt(config, params, w) - params.zeroPoint) * params.scale;
}

Eigen::MatrixXd roundToNearestPerColumn(const QuantizerConfig &config,
                                        const Eigen::MatrixXd &w) {
  Eigen::MatrixXd out(w.rows(), w.cols());
  for (Eigen::Index j = 0; j < w.cols(); ++j) {
    QuantParams params = fitQuantParams(config, w.col(j));
    for (Eigen::Index i = 0; i < w.rows(); ++i)
      out(i, j) = fakeQuantize(config, params, w(i, j));
  }
  return out;
}

Eigen::MatrixXd roundToNearestRows(const QuantizerConfig &config,
                                   const Eigen::MatrixXd &w,
                                   const std::vector<int64_t> &rowBits,
                                   int64_t groupSize) {
  const int64_t in = w.rows();
  const int64_t size = groupSize ? groupSize : in;
  Eigen::MatrixXd out(w.rows(), w.cols());
  for (int64_t g = 0; g < in; g += size) {
    int64_t end = std::min(in, g + size);
    std::vector<int64_t> widths(rowBits.begin() + g, rowBits.begin() + end);
    std::sort(widths.begin(), widths.end());
    widths.erase(std::unique(widths.begin(), widths.end()), widths.end());
    for (int64_t bits : widths) {
      std::vector<int64_t> rows;
      for (int64_t i = g; i < end; ++i)
        if (rowBits[i] == bits)
          rows.push_back(i);
      Eigen::MatrixXd part(rows.size(), w.cols());
      for (size_t r = 0; r < rows.size(); ++r)
        part.row(r) = w.row(rows[r]);
      QuantizerConfig widthConfig = config;
      widthConfig.bits = bits;
      Eigen::MatrixXd quantized = roundToNearestPerColumn(widthConfig, part);
      for (size_t r = 0; r < rows.size(); ++r)
        out.row(rows[r]) = quantized.row(r);
    }
  }
  return out;
}

} // namespace resq::numerics
