//===- PcaRotation.cpp - ResQ's PCA-based rotations ----------------------===//

#include "resq/numerics/PcaRotation.h"

#include "resq/numerics/RandomOrthogonal.h"
#include "resq/numerics/SymmetricEigen.h"

#include <algorithm>
#include <cmath>

namespace resq::numerics {

Eigen::MatrixXd pcaRotation(const Eigen::MatrixXd &c, int64_t high, double damp,
                            uint64_t seed) {
  int64_t n = c.rows();
  Eigen::MatrixXd damped = c;
  damped.diagonal().array() += damp * c.diagonal().mean();
  SymmetricEigen eigen = symmetricEigen(damped);
  // symmetricEigen sorts descending; reverse to ascending.
  Eigen::MatrixXd basis = eigen.eigenvectors.rowwise().reverse();
  Eigen::MatrixXd blocks = Eigen::MatrixXd::Zero(n, n);
  int64_t low = n - high;
  if (low > 0)
    blocks.topLeftCorner(low, low) = randomOrthogonal(low, seed);
  blocks.bottomRightCorner(high, high) =
      randomOrthogonal(high, seed + 0x9e3779b97f4a7c15ull);
  return basis * blocks;
}

int64_t highChannels(int64_t n, double fraction) {
  return std::clamp<int64_t>(std::llround(double(n) * fraction), 1, n);
}

} // namespace resq::numerics
