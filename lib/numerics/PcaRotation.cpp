//===- PcaRotation.cpp - ResQ's PCA-based rotations ----------------------===//

#include "resq/numerics/PcaRotation.h"

#include "resq/numerics/RandomOrthogonal.h"
#include "resq/numerics/SymmetricEigen.h"

#include <algorithm>
#include <cmath>

namespace resq::numerics {

Eigen::MatrixXd pcaRotation(const Eigen::MatrixXd &c, int64_t high, double damp,
                            uint64_t seed, int64_t rank) {
  int64_t n = c.rows();
  if (rank < 0)
    rank = n;
  Eigen::MatrixXd damped = c;
  damped.diagonal().array() += damp * c.diagonal().mean();
  SymmetricEigen eigen = symmetricEigen(damped);
  // symmetricEigen sorts descending; reverse to ascending and keep the
  // strongest `rank`.
  Eigen::MatrixXd basis = eigen.eigenvectors.leftCols(rank).rowwise().reverse();
  Eigen::MatrixXd blocks = Eigen::MatrixXd::Zero(rank, rank);
  int64_t low = rank - high;
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
