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

} // namespace resq::numerics
