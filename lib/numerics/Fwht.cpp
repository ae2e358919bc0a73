//===- Fwht.cpp - fast Walsh-Hadamard transform ---------------------------===//

#include "resq/numerics/Fwht.h"

#include <cassert>
#include <vector>

namespace resq::numerics {

namespace {

template <typename T> void fwhtImpl(T *x, int64_t n) {
  assert(n > 0 && (n & (n - 1)) == 0 && "fwht needs a power of two");
  // Butterflies in natural order: stage h combines entries h apart, which
  // multiplies by H_2 (x) ... (x) H_2 = the Sylvester matrix.
  for (int64_t h = 1; h < n; h *= 2)
    for (int64_t i = 0; i < n; i += 2 * h)
      for (int64_t j = i; j < i + h; ++j) {
        T a = x[j];
        T b = x[j + h];
        x[j] = a + b;
        x[j + h] = a - b;
      }
}

template <typename T>
void applyHadamardImpl(const Eigen::MatrixXd &factor, T *x, int64_t n) {
  const int64_t k = factor.rows();
  assert(factor.cols() == k && n % k == 0 && "size is not K * 2^m");
  const int64_t p = n / k;
  // Index i = a * p + b splits x into a K x p row-major block X, and
  // x (H_K (x) H_p) = vec(H_K^T X H_p): FWHT every row of X, then mix rows.
  for (int64_t a = 0; a < k; ++a)
    fwhtImpl(x + a * p, p);
  if (k == 1)
    return;
  std::vector<double> column(k);
  for (int64_t b = 0; b < p; ++b) {
    for (int64_t a = 0; a < k; ++a)
      column[a] = double(x[a * p + b]);
    for (int64_t c = 0; c < k; ++c) {
      double sum = 0;
      for (int64_t a = 0; a < k; ++a)
        sum += factor(a, c) * column[a];
      x[c * p + b] = T(sum);
    }
  }
}

} // namespace

void fwht(float *x, int64_t n) { fwhtImpl(x, n); }
void fwht(double *x, int64_t n) { fwhtImpl(x, n); }

void applyHadamard(const Eigen::MatrixXd &factor, double *x, int64_t n) {
  applyHadamardImpl(factor, x, n);
}
void applyHadamard(const Eigen::MatrixXd &factor, float *x, int64_t n) {
  applyHadamardImpl(factor, x, n);
}

} // namespace resq::numerics
