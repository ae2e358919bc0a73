//===- LowRank.h - Eigen Attention's subspaces and ranks --------*- C++ -*-===//
//
// Low-rank attention (Eigen Attention, arXiv 2408.05646) keeps the leading
// principal directions of keys and values. Its rank rule works on the
// normalised singular values of the calibration activations X: with
// lambda_i the eigenvalues of X^T X (descending), sigma_i = sqrt(lambda_i) /
// sum_j sqrt(lambda_j), and a threshold t keeps r(t) = #{i : sum_{j<=i}
// sigma_j < t} directions. Each layer lowers t in steps while its output
// error stays under a budget (docs/notes/eigen-attention.md). Plain C++ on
// Eigen.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_NUMERICS_LOWRANK_H
#define RESQ_NUMERICS_LOWRANK_H

#include <Eigen/Core>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace resq::numerics {

/// sigma_i = sqrt(lambda_i) / sum_j sqrt(lambda_j) for eigenvalues in
/// descending order (negative rounding noise counts as 0). All zero if the
/// eigenvalues are.
Eigen::VectorXd normalizedSingularValues(const Eigen::VectorXd &eigenvalues);

/// r(t) = #{i : sum_{j<=i} sigma_j < t}, kept in [1, n]: t >= 1 keeps every
/// direction (the reference's strict comparison would drop the last one at
/// t = 1 through rounding), and at least one direction is always kept.
int64_t rankForThreshold(const Eigen::VectorXd &sigma, double threshold);

/// rankForThreshold of a second-moment matrix's normalised singular values.
int64_t rankForThreshold(const Eigen::MatrixXd &moment, double threshold);

/// The per-layer search of the reference implementation: thresholds
/// `start`, `start - step`, ... (down to `lowest`) are tried in turn while
/// `passes(t)` holds (the layer's relative output error under the budget,
/// its ranks above the floor); the last threshold that passed is returned,
/// nullopt when the first one fails (the layer keeps its full rank).
std::optional<double> searchThreshold(const std::function<bool(double)> &passes,
                                      double start = 1.0, double step = 0.02,
                                      double lowest = 0.0);

/// The first `rank` principal directions of the second-moment matrix
/// `moment` (symmetric, n x n) as the columns of an n x rank matrix with
/// orthonormal columns, in descending order of variance, with the sign
/// convention of symmetricEigen.
Eigen::MatrixXd leadingDirections(const Eigen::MatrixXd &moment, int64_t rank);

/// One space a KV-cache budget shrinks (a layer's keys, or its values):
/// the energy each of its components carries, strongest first (for values,
/// summed over the KV heads, which share one rank), and what the cache pays
/// per token for it at rank r: fixedBits + r * bitsPerComponent.
struct RankSpace {
  Eigen::VectorXd energies;
  int64_t minRank = 1;
  double fixedBits = 0;
  double bitsPerComponent = 16;
};

/// Ranks for `spaces` whose cache fits `budgetBits` per token and whose
/// predicted error is least: the error of dropping a component is its
/// share of its space's energy, and the weakest components of all spaces
/// are dropped first (optimal for the sum of those shares when each
/// component of a space costs the same, as here, since a space's shares
/// grow as it shrinks). nullopt when even every space at its minimum rank
/// exceeds the budget.
std::optional<std::vector<int64_t>>
allocateRanks(const std::vector<RankSpace> &spaces, double budgetBits);

/// Weights of the attention projections in resq's orientation (`y = x W`,
/// W is [in, out]): W_v is [d, kvHeads * hd] with KV head g in columns
/// [g hd, (g+1) hd); W_o is [heads * hd, d] with query head j in rows
/// [j hd, (j+1) hd). Query head j reads KV head j / (heads / kvHeads).
struct FoldedValueWeights {
  Eigen::MatrixXd valueWeight;  ///< [d, kvHeads * r]: block g is W_v,g U_g
  Eigen::MatrixXd outputWeight; ///< [heads * r, d]: block j is U_g(j)^T W_o,j
};

/// Folds one value basis per KV head (`bases[g]`, hd x r with orthonormal
/// columns, the same r for every head) into W_v and W_o, so that attention
/// computes with r-dimensional values and the cache holds r columns per KV
/// head. At r = hd with orthogonal bases the layer computes the same
/// function; below, each value is replaced by its projection V U U^T.
FoldedValueWeights foldValueBases(const Eigen::MatrixXd &valueWeight,
                                  const Eigen::MatrixXd &outputWeight,
                                  const std::vector<Eigen::MatrixXd> &bases,
                                  int64_t heads);

/// Eigen Attention's pre-RoPE keys: W_k ([d, kvHeads * hd]) with each KV
/// head's block multiplied by the layer's shared key basis `basis` (hd x
/// r): the cached keys are k U; `k U U^T` lifts them back before RoPE.
Eigen::MatrixXd foldKeyBasis(const Eigen::MatrixXd &keyWeight,
                             const Eigen::MatrixXd &basis, int64_t kvHeads);

} // namespace resq::numerics

#endif // RESQ_NUMERICS_LOWRANK_H
