//===- LowRank.cpp - Eigen Attention's subspaces and ranks ----------------===//

#include "resq/numerics/LowRank.h"

#include "resq/numerics/SymmetricEigen.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace resq::numerics {

Eigen::VectorXd normalizedSingularValues(const Eigen::VectorXd &eigenvalues) {
  Eigen::VectorXd sigma = eigenvalues.cwiseMax(0.0).cwiseSqrt();
  double total = sigma.sum();
  if (total > 0)
    sigma /= total;
  return sigma;
}

int64_t rankForThreshold(const Eigen::VectorXd &sigma, double threshold) {
  int64_t n = sigma.size();
  if (threshold >= 1.0)
    return n;
  int64_t rank = 0;
  double cumulative = 0;
  for (int64_t i = 0; i < n; ++i) {
    cumulative += sigma[i];
    if (!(cumulative < threshold))
      break;
    ++rank;
  }
  return std::clamp<int64_t>(rank, 1, n);
}

std::optional<double> searchThreshold(const std::function<bool(double)> &passes,
                                      double start, double step,
                                      double lowest) {
  std::optional<double> accepted;
  // Thresholds are counted in steps from `start`, so that t is exactly
  // start - k * step and no rounding drift accumulates.
  for (int64_t k = 0;; ++k) {
    double t = start - double(k) * step;
    if (t < lowest - 1e-12 || !passes(t))
      return accepted;
    accepted = t;
  }
}

Eigen::MatrixXd leadingDirections(const Eigen::MatrixXd &moment, int64_t rank) {
  assert(rank >= 1 && rank <= moment.rows() && "rank outside [1, n]");
  return symmetricEigen(moment).eigenvectors.leftCols(rank);
}

} // namespace resq::numerics
