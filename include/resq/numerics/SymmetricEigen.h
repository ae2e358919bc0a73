//===- SymmetricEigen.h - symmetric eigendecomposition -*- C++ -*-===//
//
// Float64 eigendecomposition A = V diag(lambda) V^T of a symmetric matrix, in a
// canonical form (descending eigenvalues, fixed eigenvector signs) so that the
// PCA bases built from it are reproducible run to run.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_NUMERICS_SYMMETRICEIGEN_H
#define RESQ_NUMERICS_SYMMETRICEIGEN_H

#include <Eigen/Core>

namespace resq::numerics {

struct SymmetricEigen {
  /// Eigenvalues, descending.
  Eigen::VectorXd eigenvalues;
  /// Column j is the unit eigenvector of eigenvalues[j]; its component of
  /// largest magnitude (the first one on ties) is positive.
  Eigen::MatrixXd eigenvectors;
};

/// Decomposes the symmetric matrix `a`; only its lower triangle is read.
SymmetricEigen symmetricEigen(const Eigen::MatrixXd &a);

} // namespace resq::numerics

#endif // RESQ_NUMERICS_SYMMETRICEIGEN_H
