//===- RandomOrthogonal.h - seeded random orthogonal matrices -*- C++ -*-===//
//
// Q = qr(G) with G i.i.d. standard normal and the signs fixed so diag(R) > 0,
// which makes Q Haar-distributed and a function of the seed alone.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_NUMERICS_RANDOMORTHOGONAL_H
#define RESQ_NUMERICS_RANDOMORTHOGONAL_H

#include <Eigen/Core>

#include <cstdint>

namespace resq::numerics {

/// An n x n matrix of i.i.d. standard normal samples, filled row by row.
/// The samples come from std::mt19937_64(seed) (whose output the C++ standard
/// fixes) through a Box-Muller transform written here, because
/// std::normal_distribution differs between standard libraries.
Eigen::MatrixXd gaussianMatrix(int64_t n, uint64_t seed);

/// The seeded n x n random orthogonal matrix Q of gaussianMatrix(n, seed) = QR,
/// with diag(R) > 0.
Eigen::MatrixXd randomOrthogonal(int64_t n, uint64_t seed);

} // namespace resq::numerics

#endif // RESQ_NUMERICS_RANDOMORTHOGONAL_H
