//===- Hadamard.h - Hadamard matrices of the supported sizes -*- C++ -*-===//
//
// H_n = H_K (x) H_(2^m) for n = K * 2^m (HadamardSize.h). Every K x K factor
// is a true Hadamard matrix (entries +-1, H H^T = K I): Paley I (12, 20, 28,
// 60, 108, 140), Paley II (36, 52), Sylvester doubling (40) and Williamson
// matrices from published sequences (156, 172), so no random fallback exists.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_NUMERICS_HADAMARD_H
#define RESQ_NUMERICS_HADAMARD_H

#include <Eigen/Core>

#include <cstdint>

namespace resq::numerics {

/// The K x K factor for `k` in kHadamardFactors (k = 1 gives [1]).
Eigen::MatrixXd hadamardFactor(int64_t k);

/// The Sylvester matrix H_(2^m): entry (i, j) is (-1)^popcount(i & j).
Eigen::MatrixXd sylvesterHadamard(int64_t log2Size);

/// H_n = hadamardFactor(K) (x) sylvesterHadamard(m), unnormalized; `n` must
/// satisfy factorHadamardSize(n).
Eigen::MatrixXd hadamardMatrix(int64_t n);

/// The orthogonal Q = diag(s) * H_n / sqrt(n), s_j = randomSign(seed, j).
Eigen::MatrixXd randomizedHadamard(int64_t n, int64_t seed);

} // namespace resq::numerics

#endif // RESQ_NUMERICS_HADAMARD_H
