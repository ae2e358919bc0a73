//===- Fwht.h - fast Walsh-Hadamard transform -*- C++ -*-===//
//
// O(n log n) products with Hadamard matrices, for the online rotations: never
// a dense n x n product.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_NUMERICS_FWHT_H
#define RESQ_NUMERICS_FWHT_H

#include <Eigen/Core>

#include <cstdint>

namespace resq::numerics {

/// x <- x * H_n in place, H_n the unnormalized Sylvester matrix
/// (sylvesterHadamard); `n` must be a power of two.
void fwht(float *x, int64_t n);
void fwht(double *x, int64_t n);

/// x <- x * (factor (x) H_(2^m)) in place, unnormalized, where `factor` is a
/// K x K matrix (e.g. hadamardFactor(K)) and n = K * 2^m. With
/// factor = hadamardFactor(K) this is x * hadamardMatrix(n). Costs
/// O(n log n + n K).
void applyHadamard(const Eigen::MatrixXd &factor, double *x, int64_t n);
void applyHadamard(const Eigen::MatrixXd &factor, float *x, int64_t n);

} // namespace resq::numerics

#endif // RESQ_NUMERICS_FWHT_H
