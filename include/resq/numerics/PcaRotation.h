//===- PcaRotation.h - ResQ's PCA-based rotations --------------*- C++ -*-===//
//
// The basis ResQ rotates a space into: principal components of calibration
// covariance, lowest variance first, with independent random rotations
// inside the low and the high block (ALGORITHMS.md §4).
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_NUMERICS_PCAROTATION_H
#define RESQ_NUMERICS_PCAROTATION_H

#include <Eigen/Core>

#include <cstdint>

namespace resq::numerics {

/// The PCA basis of covariance `c` (eigenvectors as columns, eigenvalues
/// ascending, so the last columns span the highest variance), damped by
/// `damp * mean(diag c)`, times blockdiag(R_low, R_high) of independent
/// random orthogonal rotations from `seed`; the high block has `high`
/// columns.
///
/// With `rank` < n (and >= high), the weakest n - rank components are
/// dropped first: the result is n x rank, the `rank` strongest components
/// times blockdiag(R_low, R_high) with R_low of size rank - high, so the
/// rotations never mix a dropped component into the kept ones. At rank n
/// (or -1) it is the full rotation above, bit for bit.
Eigen::MatrixXd pcaRotation(const Eigen::MatrixXd &c, int64_t high, double damp,
                            uint64_t seed, int64_t rank = -1);

/// The number of high-precision channels of a space of `n`: round(n * f),
/// at least 1 and at most n.
int64_t highChannels(int64_t n, double fraction);

} // namespace resq::numerics

#endif // RESQ_NUMERICS_PCAROTATION_H
