//===- LowRank.cpp - Eigen Attention's subspaces and ranks ----------------===//

#include "resq/numerics/LowRank.h"

#include "resq/numerics/SymmetricEigen.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <queue>

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

int64_t rankForThreshold(const Eigen::MatrixXd &moment, double threshold) {
  return rankForThreshold(
      normalizedSingularValues(symmetricEigen(moment).eigenvalues), threshold);
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

FoldedValueWeights foldValueBases(const Eigen::MatrixXd &valueWeight,
                                  const Eigen::MatrixXd &outputWeight,
                                  const std::vector<Eigen::MatrixXd> &bases,
                                  int64_t heads) {
  int64_t kvHeads = int64_t(bases.size());
  assert(kvHeads > 0 && heads % kvHeads == 0 && "heads not a multiple");
  int64_t hd = bases.front().rows(), r = bases.front().cols();
  assert(valueWeight.cols() == kvHeads * hd && "W_v columns != kv heads x hd");
  assert(outputWeight.rows() == heads * hd && "W_o rows != heads x hd");
  int64_t group = heads / kvHeads;
  FoldedValueWeights folded;
  folded.valueWeight.resize(valueWeight.rows(), kvHeads * r);
  folded.outputWeight.resize(heads * r, outputWeight.cols());
  for (int64_t g = 0; g < kvHeads; ++g) {
    assert(bases[g].rows() == hd && bases[g].cols() == r && "ragged bases");
    folded.valueWeight.middleCols(g * r, r) =
        valueWeight.middleCols(g * hd, hd) * bases[g];
  }
  for (int64_t j = 0; j < heads; ++j)
    folded.outputWeight.middleRows(j * r, r) =
        bases[j / group].transpose() * outputWeight.middleRows(j * hd, hd);
  return folded;
}

Eigen::MatrixXd foldKeyBasis(const Eigen::MatrixXd &keyWeight,
                             const Eigen::MatrixXd &basis, int64_t kvHeads) {
  int64_t hd = basis.rows(), r = basis.cols();
  assert(keyWeight.cols() == kvHeads * hd && "W_k columns != kv heads x hd");
  Eigen::MatrixXd folded(keyWeight.rows(), kvHeads * r);
  for (int64_t g = 0; g < kvHeads; ++g)
    folded.middleCols(g * r, r) = keyWeight.middleCols(g * hd, hd) * basis;
  return folded;
}

std::optional<std::vector<int64_t>>
allocateRanks(const std::vector<RankSpace> &spaces, double budgetBits) {
  std::vector<int64_t> ranks;
  double bits = 0, floorBits = 0;
  for (const RankSpace &space : spaces) {
    int64_t full = space.energies.size();
    ranks.push_back(full);
    bits += space.fixedBits + double(full) * space.bitsPerComponent;
    floorBits += space.fixedBits +
                 double(std::min(space.minRank, full)) * space.bitsPerComponent;
  }
  if (floorBits > budgetBits)
    return std::nullopt;
  // The next component each space would drop, weakest share first.
  auto share = [&](size_t i) {
    double total = spaces[i].energies.sum();
    double e = spaces[i].energies[ranks[i] - 1];
    return total > 0 ? std::max(e, 0.0) / total : 0.0;
  };
  using Candidate = std::pair<double, size_t>;
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> next;
  for (size_t i = 0; i < spaces.size(); ++i)
    if (ranks[i] > spaces[i].minRank)
      next.push({share(i), i});
  while (bits > budgetBits && !next.empty()) {
    size_t i = next.top().second;
    next.pop();
    --ranks[i];
    bits -= spaces[i].bitsPerComponent;
    if (ranks[i] > spaces[i].minRank)
      next.push({share(i), i});
  }
  return ranks;
}

} // namespace resq::numerics
