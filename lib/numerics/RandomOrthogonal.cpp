//===- RandomOrthogonal.cpp - seeded random orthogonal matrices -----------===//

#include "resq/numerics/RandomOrthogonal.h"

#include <Eigen/QR>

#include <cmath>
#include <random>

namespace resq::numerics {

namespace {

/// A uniform double in (0, 1] from the top 53 bits; never 0 so log() is
/// finite.
double uniformOpenClosed(std::mt19937_64 &engine) {
  constexpr double kTwoToMinus53 = 1.0 / 9007199254740992.0;
  return (double(engine() >> 11) + 1.0) * kTwoToMinus53;
}

} // namespace

Eigen::MatrixXd gaussianMatrix(int64_t n, uint64_t seed) {
  std::mt19937_64 engine(seed);
  Eigen::MatrixXd g(n, n);
  constexpr double kPi = 3.14159265358979323846;
  const double twoPi = 2.0 * kPi;
  // Box-Muller: each pair of uniforms gives two independent normals, used
  // for consecutive entries in row-major order.
  int64_t count = n * n;
  for (int64_t k = 0; k < count; k += 2) {
    double radius = std::sqrt(-2.0 * std::log(uniformOpenClosed(engine)));
    double angle = twoPi * uniformOpenClosed(engine);
    g(k / n, k % n) = radius * std::cos(angle);
    if (k + 1 < count)
      g((k + 1) / n, (k + 1) % n) = radius * std::sin(angle);
  }
  return g;
}

Eigen::MatrixXd randomOrthogonal(int64_t n, uint64_t seed) {
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussianMatrix(n, seed));
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(n, n);
  // QR is unique only up to the signs of R's diagonal; fixing them makes Q
  // Haar-distributed (Mezzadri, "How to generate random matrices from the
  // classical compact groups").
  const Eigen::MatrixXd &r = qr.matrixQR();
  for (int64_t j = 0; j < n; ++j)
    if (r(j, j) < 0)
      q.col(j) = -q.col(j);
  return q;
}

} // namespace resq::numerics
