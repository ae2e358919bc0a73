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

int64_t QuantizedRows::integer(int64_t row, int64_t col, int64_t group,
                               int64_t width) const {
  int64_t c =
      std::lower_bound(widths.begin(), widths.end(), width) - widths.begin();
  int64_t at = group * int64_t(widths.size()) + c;
  return std::llround(weights(row, col) / scales(at, col) +
                      zeroPoints(at, col));
}

QuantizedRows roundToNearestRows(const QuantizerConfig &config,
                                 const Eigen::MatrixXd &w,
                                 const std::vector<int64_t> &rowBits,
                                 int64_t groupSize) {
  const int64_t in = w.rows();
  const int64_t size = groupSize ? groupSize : in;
  const int64_t numGroups = (in + size - 1) / size;
  QuantizedRows out;
  out.weights.resize(w.rows(), w.cols());
  out.widths = rowBits;
  std::sort(out.widths.begin(), out.widths.end());
  out.widths.erase(std::unique(out.widths.begin(), out.widths.end()),
                   out.widths.end());
  const int64_t numWidths = out.widths.size();
  out.scales.setZero(numGroups * numWidths, w.cols());
  out.zeroPoints.setZero(numGroups * numWidths, w.cols());
  for (int64_t g = 0; g < numGroups; ++g) {
    int64_t begin = g * size, end = std::min(in, begin + size);
    for (int64_t c = 0; c < numWidths; ++c) {
      std::vector<int64_t> rows;
      for (int64_t i = begin; i < end; ++i)
        if (rowBits[i] == out.widths[c])
          rows.push_back(i);
      if (rows.empty())
        continue;
      QuantizerConfig widthConfig = config;
      widthConfig.bits = out.widths[c];
      for (Eigen::Index j = 0; j < w.cols(); ++j) {
        Eigen::VectorXd column(rows.size());
        for (size_t r = 0; r < rows.size(); ++r)
          column(r) = w(rows[r], j);
        QuantParams params = fitQuantParams(widthConfig, column);
        out.scales(g * numWidths + c, j) = params.scale;
        out.zeroPoints(g * numWidths + c, j) = params.zeroPoint;
        for (size_t r = 0; r < rows.size(); ++r)
          out.weights(rows[r], j) =
              fakeQuantize(widthConfig, params, w(rows[r], j));
      }
    }
  }
  return out;
}

} // namespace resq::numerics
