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

namespace resq::numerics {

/// sigma_i = sqrt(lambda_i) / sum_j sqrt(lambda_j) for eigenvalues in
/// descending order (negative rounding noise counts as 0). All zero if the
/// eigenvalues are.
Eigen::VectorXd normalizedSingularValues(const Eigen::VectorXd &eigenvalues);

/// r(t) = #{i : sum_{j<=i} sigma_j < t}, kept in [1, n]: t >= 1 keeps every
/// direction (the reference's strict comparison would drop the last one at
/// t = 1 through rounding), and at least one direction is always kept.
int64_t rankForThreshold(const Eigen::VectorXd &sigma, double threshold);

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

} // namespace resq::numerics

#endif // RESQ_NUMERICS_LOWRANK_H
