//===- SymmetricEigen.cpp - eigendecomposition of a symmetric matrix ------===//

#include "resq/numerics/SymmetricEigen.h"

#include <Eigen/Eigenvalues>

#include <cassert>

namespace resq::numerics {

SymmetricEigen symmetricEigen(const Eigen::MatrixXd &a) {
  assert(a.rows() == a.cols() && "symmetricEigen needs a square matrix");
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(
      a, Eigen::ComputeEigenvectors);
  const Eigen::Index n = a.rows();
  SymmetricEigen result{Eigen::VectorXd(n), Eigen::MatrixXd(n, n)};
  // Eigen returns ascending eigenvalues: reverse them.
  for (Eigen::Index j = 0; j < n; ++j) {
    result.eigenvalues[j] = solver.eigenvalues()[n - 1 - j];
    Eigen::VectorXd v = solver.eigenvectors().col(n - 1 - j);
    // An eigenvector is only defined up to sign; pin it so the result does
    // not depend on the solver's internals.
    Eigen::Index largest = 0;
    v.cwiseAbs().maxCoeff(&largest);
    if (v[largest] < 0)
      v = -v;
    result.eigenvectors.col(j) = v;
  }
  return result;
}

} // namespace resq::numerics
