//===- NumericsTest.cpp - lib/numerics against its definitions ------------===//

#include "resq/numerics/Fwht.h"
#include "resq/numerics/Gptq.h"
#include "resq/numerics/Hadamard.h"
#include "resq/numerics/HadamardSize.h"
#include "resq/numerics/PcaRotation.h"
#include "resq/numerics/RandomOrthogonal.h"
#include "resq/numerics/RandomSigns.h"
#include "resq/numerics/RoundToNearest.h"
#include "resq/numerics/SymmetricEigen.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace resq::numerics;

namespace {

/// Tolerance for "orthogonal": max |Q Q^T - I|.
constexpr double kOrthogonalTol = 1e-10;

double maxAbs(const Eigen::MatrixXd &m) { return m.cwiseAbs().maxCoeff(); }

double orthogonalityError(const Eigen::MatrixXd &q) {
  return maxAbs(q * q.transpose() -
                Eigen::MatrixXd::Identity(q.rows(), q.cols()));
}

/// Exact integer check of H H^T = n I with entries +-1.
bool isExactHadamard(const Eigen::MatrixXd &h) {
  using IntMatrix = Eigen::Matrix<int64_t, Eigen::Dynamic, Eigen::Dynamic>;
  IntMatrix hi = h.cast<int64_t>();
  if (hi.cast<double>() != h)
    return false;
  if ((hi.cwiseAbs().array() != 1).any())
    return false;
  int64_t n = h.rows();
  return hi * hi.transpose() == n * IntMatrix::Identity(n, n);
}

TEST(SymmetricEigen, ReconstructsDescending) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    Eigen::MatrixXd g = gaussianMatrix(24, seed);
    Eigen::MatrixXd a = g * g.transpose() - 5.0 * (g + g.transpose());
    SymmetricEigen eig = symmetricEigen(a);
    const Eigen::MatrixXd &v = eig.eigenvectors;
    EXPECT_LE(orthogonalityError(v.transpose()), kOrthogonalTol);
    Eigen::MatrixXd back = v * eig.eigenvalues.asDiagonal() * v.transpose();
    EXPECT_LE(maxAbs(back - a) / maxAbs(a), 1e-10);
    for (int64_t j = 1; j < a.rows(); ++j)
      EXPECT_GE(eig.eigenvalues[j - 1], eig.eigenvalues[j]);
    for (int64_t j = 0; j < a.cols(); ++j) {
      Eigen::Index largest = 0;
      v.col(j).cwiseAbs().maxCoeff(&largest);
      EXPECT_GT(v(largest, j), 0.0);
    }
  }
}

TEST(SymmetricEigen, DiagonalClosedForm) {
  Eigen::MatrixXd a = Eigen::Vector4d(1, 4, -2, 3).asDiagonal();
  SymmetricEigen eig = symmetricEigen(a);
  EXPECT_EQ(eig.eigenvalues, Eigen::Vector4d(4, 3, 1, -2));
  EXPECT_EQ(eig.eigenvectors.col(0), Eigen::Vector4d(0, 1, 0, 0));
  EXPECT_EQ(eig.eigenvectors.col(3), Eigen::Vector4d(0, 0, 1, 0));
}

TEST(RandomOrthogonal, OrthogonalWithPositiveR) {
  for (int64_t n : {1, 2, 7, 64, 172}) {
    Eigen::MatrixXd q = randomOrthogonal(n, 42);
    EXPECT_LE(orthogonalityError(q), kOrthogonalTol) << n;
    // G = Q R with R = Q^T G upper triangular and a positive diagonal.
    Eigen::MatrixXd r = q.transpose() * gaussianMatrix(n, 42);
    for (int64_t j = 0; j < n; ++j) {
      EXPECT_GT(r(j, j), 0.0) << n;
      for (int64_t i = j + 1; i < n; ++i)
        EXPECT_NEAR(r(i, j), 0.0, 1e-10) << n;
    }
  }
}

TEST(RandomOrthogonal, Deterministic) {
  EXPECT_EQ(randomOrthogonal(33, 7), randomOrthogonal(33, 7));
  EXPECT_NE(randomOrthogonal(33, 7), randomOrthogonal(33, 8));
}

TEST(RandomOrthogonal, GaussianMoments) {
  // 256^2 samples: mean within ~5 sigma of 0, variance within ~5 sigma of 1.
  Eigen::MatrixXd g = gaussianMatrix(256, 3);
  double count = double(g.size());
  double mean = g.mean();
  double variance = (g.array() - mean).square().sum() / count;
  EXPECT_NEAR(mean, 0.0, 5.0 / std::sqrt(count));
  EXPECT_NEAR(variance, 1.0, 5.0 * std::sqrt(2.0 / count));
}

TEST(Hadamard, FactorsAreExactHadamard) {
  for (int64_t k : kHadamardFactors) {
    Eigen::MatrixXd h = hadamardFactor(k);
    ASSERT_EQ(h.rows(), k);
    EXPECT_TRUE(isExactHadamard(h)) << k;
  }
}

TEST(Hadamard, KroneckerSizesExact) {
  for (int64_t k : kHadamardFactors)
    for (int64_t p : {1, 2, 4}) {
      Eigen::MatrixXd h = hadamardMatrix(k * p);
      ASSERT_EQ(h.rows(), k * p);
      EXPECT_TRUE(isExactHadamard(h)) << k << " * " << p;
    }
  EXPECT_TRUE(isExactHadamard(hadamardMatrix(256)));
}

TEST(Hadamard, SylvesterIsKroneckerOfH2) {
  Eigen::MatrixXd h2(2, 2);
  h2 << 1, 1, 1, -1;
  Eigen::MatrixXd h4 = sylvesterHadamard(2);
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 4; ++j)
      EXPECT_EQ(h4(i, j), h2(i / 2, j / 2) * h2(i % 2, j % 2));
}

TEST(Hadamard, KroneckerOrdering) {
  // H_n(a p + b, c p + d) = H_K(a, c) H_p(b, d).
  int64_t n = 12 * 4;
  Eigen::MatrixXd h = hadamardMatrix(n);
  Eigen::MatrixXd hk = hadamardFactor(12);
  Eigen::MatrixXd hp = sylvesterHadamard(2);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      ASSERT_EQ(h(i, j), hk(i / 4, j / 4) * hp(i % 4, j % 4));
}

TEST(Hadamard, RandomizedIsOrthogonalWithSigns) {
  for (int64_t n : {64, 172, 11008 / 64 * 2, 28 * 4, 12}) {
    Eigen::MatrixXd q = randomizedHadamard(n, 5);
    EXPECT_LE(orthogonalityError(q), kOrthogonalTol) << n;
    Eigen::MatrixXd h = hadamardMatrix(n) / std::sqrt(double(n));
    for (int64_t j = 0; j < n; ++j)
      EXPECT_EQ(q.row(j), randomSign(5, j) * h.row(j)) << n << " row " << j;
  }
}

TEST(Hadamard, RandomizedDeterministic) {
  EXPECT_EQ(randomizedHadamard(40, 9), randomizedHadamard(40, 9));
  EXPECT_NE(randomizedHadamard(40, 9), randomizedHadamard(40, 10));
}

TEST(RandomSigns, SplitMix64Reference) {
  // First outputs of SplitMix64 seeded with 0 (Vigna's reference
  // implementation): state advances by the golden gamma before mixing.
  EXPECT_EQ(splitmix64(0), 0xe220a8397b1dcdafull);
  EXPECT_EQ(splitmix64(0x9e3779b97f4a7c15ull), 0x6e789e6aa1b965f4ull);
}

double relativeError(const Eigen::VectorXd &got, const Eigen::VectorXd &ref) {
  return (got - ref).cwiseAbs().maxCoeff() / ref.cwiseAbs().maxCoeff();
}

TEST(Fwht, MatchesDenseSylvester) {
  for (int64_t m : {0, 1, 3, 8}) {
    int64_t n = int64_t(1) << m;
    Eigen::VectorXd x = gaussianMatrix(n, 11).col(0);
    Eigen::VectorXd ref = sylvesterHadamard(m).transpose() * x;
    Eigen::VectorXd got = x;
    fwht(got.data(), n);
    EXPECT_LE(relativeError(got, ref), 1e-12) << n;
    Eigen::VectorXf gotF = x.cast<float>();
    fwht(gotF.data(), n);
    EXPECT_LE(relativeError(gotF.cast<double>(), ref), 1e-5) << n;
  }
}

TEST(Fwht, ApplyHadamardMatchesDense) {
  for (int64_t n : {12 * 16, 20, 28 * 8, 36 * 2, 172 * 4, 156, 128}) {
    auto size = factorHadamardSize(n);
    ASSERT_TRUE(size);
    Eigen::MatrixXd factor = hadamardFactor(size->factor);
    Eigen::VectorXd x = gaussianMatrix(n, 13).col(1);
    // Row vector times matrix: (x^T H)^T = H^T x.
    Eigen::VectorXd ref = hadamardMatrix(n).transpose() * x;
    Eigen::VectorXd got = x;
    applyHadamard(factor, got.data(), n);
    EXPECT_LE(relativeError(got, ref), 1e-12) << n;
    Eigen::VectorXf gotF = x.cast<float>();
    applyHadamard(factor, gotF.data(), n);
    EXPECT_LE(relativeError(gotF.cast<double>(), ref), 1e-5) << n;
  }
}

/// Calibration inputs [tokens, in] with correlated features of very
/// different scales, as in a trained model (GPTQ gains nothing on white X).
Eigen::MatrixXd correlatedInputs(int64_t tokens, int64_t in, uint64_t seed) {
  Eigen::MatrixXd z(tokens, in);
  for (int64_t t = 0; t < tokens; t += in)
    z.middleRows(t, std::min(in, tokens - t)) =
        gaussianMatrix(in, seed * 1000 + uint64_t(t))
            .topRows(std::min(in, tokens - t));
  Eigen::VectorXd featureScale(in);
  for (int64_t i = 0; i < in; ++i)
    featureScale[i] = std::exp(2.0 * std::sin(double(i)));
  Eigen::MatrixXd mix =
      Eigen::MatrixXd::Identity(in, in) + 0.3 * gaussianMatrix(in, seed + 77);
  return z * mix * featureScale.asDiagonal();
}

/// RTN of w [in, out] with one scale per group of `groupSize` input rows and
/// output column (groupSize 0: per output column).
Eigen::MatrixXd roundToNearestGrouped(const QuantizerConfig &config,
                                      const Eigen::MatrixXd &w,
                                      int64_t groupSize) {
  if (groupSize == 0)
    return roundToNearestPerColumn(config, w);
  Eigen::MatrixXd out(w.rows(), w.cols());
  for (int64_t g = 0; g < w.rows(); g += groupSize) {
    int64_t rows = std::min(groupSize, int64_t(w.rows()) - g);
    out.middleRows(g, rows) =
        roundToNearestPerColumn(config, w.middleRows(g, rows));
  }
  return out;
}

TEST(RoundToNearest, SymmetricAndAsymmetricGrid) {
  Eigen::MatrixXd w(4, 1);
  w << -1.0, 0.5, 0.26, 0.7;
  QuantizerConfig sym{4, true};
  QuantParams p = fitQuantParams(sym, w);
  EXPECT_DOUBLE_EQ(p.scale, 1.0 / 7.0);
  EXPECT_EQ(quantizeToInt(sym, p, -1.0), -7.0);
  EXPECT_EQ(quantizeToInt(sym, p, 0.26), 2.0);
  QuantizerConfig asym{2, false};
  QuantParams a = fitQuantParams(asym, w);
  EXPECT_DOUBLE_EQ(a.scale, 1.7 / 3.0);
  EXPECT_EQ(a.zeroPoint, 2.0);
  EXPECT_DOUBLE_EQ(fakeQuantize(asym, a, 0.0), 0.0);
  EXPECT_EQ(quantizeToInt(asym, a, 5.0), 3.0);
}

// roundToNearestRows returns the grid with the weights: each row's integer
// (QuantizedRows::integer) is in its width's range and times the scale
// gives the dequantized weight back, as resq.qlinear stores it.
TEST(RoundToNearest, RowsCarryTheirIntegers) {
  const int64_t in = 16, out = 5;
  Eigen::MatrixXd w = gaussianMatrix(in, 31).leftCols(out);
  std::vector<int64_t> bits(in, 4);
  for (int64_t i = in - 2; i < in; ++i)
    bits[i] = 8;
  QuantizedRows rows = roundToNearestRows({4, true}, w, bits, 0);
  ASSERT_EQ(rows.widths, (std::vector<int64_t>{4, 8}));
  ASSERT_EQ(rows.scales.rows(), 2);
  EXPECT_TRUE(rows.zeroPoints.isZero());
  for (int64_t i = 0; i < in; ++i) {
    int64_t c = bits[i] == 8 ? 1 : 0;
    int64_t limit = bits[i] == 8 ? 127 : 7;
    for (int64_t o = 0; o < out; ++o) {
      int64_t q = rows.integer(i, o, 0, bits[i]);
      EXPECT_LE(q, limit);
      EXPECT_GE(q, -limit - 1);
      EXPECT_DOUBLE_EQ(q * rows.scales(c, o), rows.weights(i, o));
    }
  }
  // The largest magnitude of each column and width is on the grid's end.
  for (int64_t o = 0; o < out; ++o)
    EXPECT_NEAR(rows.weights.col(o).head(in - 2).cwiseAbs().maxCoeff(),
                w.col(o).head(in - 2).cwiseAbs().maxCoeff(), 1e-12);
}

struct GptqCase {
  int64_t bits;
  bool symmetric;
  int64_t groupSize;
  bool actOrder;
};

TEST(Gptq, OutputErrorAtMostRtn) {
  const int64_t in = 96, out = 40, tokens = 400;
  const GptqCase cases[] = {{4, true, 0, false},
                            {4, true, 0, true},
                            {3, false, 32, false},
                            {3, false, 32, true},
                            {2, true, 0, true}};
  for (uint64_t seed : {1u, 2u, 3u, 4u}) {
    Eigen::MatrixXd x = correlatedInputs(tokens, in, seed);
    Eigen::MatrixXd w =
        gaussianMatrix(std::max(in, out), seed + 5).topLeftCorner(in, out);
    Eigen::MatrixXd hessian = x.transpose() * x;
    for (const GptqCase &c : cases) {
      GptqConfig config;
      config.quantizer = {c.bits, c.symmetric};
      config.groupSize = c.groupSize;
      config.actOrder = c.actOrder;
      // Smaller than `in` so that the lazy batch update is exercised.
      config.blockSize = 40;
      std::optional<GptqResult> result = gptq(w, hessian, config);
      ASSERT_TRUE(result);
      Eigen::MatrixXd rtn =
          roundToNearestGrouped(config.quantizer, w, c.groupSize);
      double gptqError = (x * (w - result->weights)).norm();
      double rtnError = (x * (w - rtn)).norm();
      EXPECT_LE(gptqError, rtnError)
          << "seed " << seed << " bits " << c.bits << " group " << c.groupSize
          << " act_order " << c.actOrder;
    }
  }
}

TEST(Gptq, WeightsOnTheReturnedGrid) {
  const int64_t in = 64, out = 8;
  Eigen::MatrixXd x = correlatedInputs(256, in, 9);
  Eigen::MatrixXd w = gaussianMatrix(in, 10).leftCols(out);
  GptqConfig config;
  config.quantizer = {4, false};
  config.groupSize = 16;
  config.actOrder = true;
  config.blockSize = 24;
  std::optional<GptqResult> result = gptq(w, x.transpose() * x, config);
  ASSERT_TRUE(result);
  // act_order visits features by descending H diagonal.
  std::vector<int64_t> sorted = result->permutation;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < in; ++i)
    EXPECT_EQ(sorted[i], i);
  Eigen::VectorXd diag = (x.transpose() * x).diagonal();
  for (int64_t i = 1; i < in; ++i)
    EXPECT_GE(diag[result->permutation[i - 1]], diag[result->permutation[i]]);
  // Each weight is (integer - zero point) * scale of its group.
  for (int64_t i = 0; i < in; ++i) {
    int64_t g = result->groupIndex[i];
    ASSERT_LT(g, result->scales.rows());
    for (int64_t o = 0; o < out; ++o) {
      double level = result->weights(i, o) / result->scales(g, o) +
                     result->zeroPoints(g, o);
      EXPECT_NEAR(level, std::round(level), 1e-9);
      EXPECT_GE(std::round(level), 0.0);
      EXPECT_LE(std::round(level), 15.0);
    }
  }
}

TEST(Gptq, BlockSizeDoesNotChangeResult) {
  // The lazy batch update is a reordering of the same arithmetic.
  Eigen::MatrixXd x = correlatedInputs(256, 48, 6);
  Eigen::MatrixXd w = gaussianMatrix(48, 7).leftCols(12);
  Eigen::MatrixXd hessian = x.transpose() * x;
  GptqConfig config;
  config.actOrder = true;
  config.blockSize = 48;
  Eigen::MatrixXd reference = gptq(w, hessian, config)->weights;
  for (int64_t block : {1, 7, 16}) {
    config.blockSize = block;
    EXPECT_LE(maxAbs(gptq(w, hessian, config)->weights - reference), 1e-9)
        << block;
  }
}

TEST(Gptq, DeadFeatureIsZero) {
  Eigen::MatrixXd x = correlatedInputs(128, 16, 3);
  x.col(5).setZero();
  Eigen::MatrixXd w = gaussianMatrix(16, 4).leftCols(4);
  std::optional<GptqResult> result = gptq(w, x.transpose() * x, GptqConfig());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->weights.row(5).cwiseAbs().maxCoeff(), 0.0);
}

} // namespace

// ResQ's basis: orthogonal, and the last `high` channels of the rotated space
// carry the largest variance: with a covariance whose variances are known,
// U^T C U restricted to the high block has exactly the top eigenvalues'
// sum as its trace (the random rotations only mix within blocks).
TEST(PcaRotation, HighBlockSpansTheTopEigenvectors) {
  const int64_t n = 24, high = 3;
  Eigen::MatrixXd basis = resq::numerics::randomOrthogonal(n, 11);
  Eigen::VectorXd variances(n);
  for (int64_t i = 0; i < n; ++i)
    variances[i] = 1.0 + double((i * 7) % n); // a permutation of 1..n
  Eigen::MatrixXd c = basis * variances.asDiagonal() * basis.transpose();
  Eigen::MatrixXd u = resq::numerics::pcaRotation(c, high, 0.0, 5);
  EXPECT_LT((u.transpose() * u - Eigen::MatrixXd::Identity(n, n)).norm(),
            1e-10);
  Eigen::MatrixXd rotated = u.transpose() * c * u;
  double top = double(n) + double(n - 1) + double(n - 2);
  EXPECT_NEAR(rotated.bottomRightCorner(high, high).trace(), top, 1e-9);
  // The blocks do not mix: the off-diagonal block vanishes.
  EXPECT_LT(rotated.topRightCorner(n - high, high).norm(), 1e-9);
  // Damping adds damp * mean(diag) to every eigenvalue, not the basis.
  Eigen::MatrixXd damped = resq::numerics::pcaRotation(c, high, 0.01, 5);
  EXPECT_LT((damped - u).norm(), 1e-8);
}

// Truncated to rank r (low-rank attention with ResQ): n x r with orthonormal
// columns spanning exactly the r strongest components; the high block is the
// full rotation's; nothing of the dropped components is mixed in; rank n is
// the full rotation bit for bit.
TEST(PcaRotation, TruncatedKeepsTheStrongestComponents) {
  const int64_t n = 24, high = 3, rank = 10;
  Eigen::MatrixXd basis = resq::numerics::randomOrthogonal(n, 11);
  Eigen::VectorXd variances(n);
  for (int64_t i = 0; i < n; ++i)
    variances[i] = 1.0 + double((i * 7) % n);
  Eigen::MatrixXd c = basis * variances.asDiagonal() * basis.transpose();
  Eigen::MatrixXd full = resq::numerics::pcaRotation(c, high, 0.0, 5);
  EXPECT_EQ(resq::numerics::pcaRotation(c, high, 0.0, 5, n), full);
  Eigen::MatrixXd u = resq::numerics::pcaRotation(c, high, 0.01, 5, rank);
  ASSERT_EQ(u.rows(), n);
  ASSERT_EQ(u.cols(), rank);
  EXPECT_LT((u.transpose() * u - Eigen::MatrixXd::Identity(rank, rank)).norm(),
            1e-10);
  // The kept variance is the sum of the top `rank` variances (n .. n-r+1).
  double kept = 0;
  for (int64_t i = 0; i < rank; ++i)
    kept += double(n - i);
  Eigen::MatrixXd rotated = u.transpose() * c * u;
  EXPECT_NEAR(rotated.trace(), kept, 1e-9);
  EXPECT_LT((u.rightCols(high) - full.rightCols(high)).norm(), 1e-8);
  EXPECT_LT(rotated.topRightCorner(rank - high, high).norm(), 1e-9);
}

TEST(PcaRotation, HighChannels) {
  EXPECT_EQ(resq::numerics::highChannels(64, 0.125), 8);
  EXPECT_EQ(resq::numerics::highChannels(8, 0.125), 1);
  EXPECT_EQ(resq::numerics::highChannels(4, 0.125), 1);
  EXPECT_EQ(resq::numerics::highChannels(172, 0.125), 22);
}

// ResQ's split: the last rows of a weight in 8 bits, the rest in 4. Every
// row keeps its width through act_order's permutation (its levels lie on
// its width's grid), and the split beats uniform 4-bit GPTQ.
TEST(Gptq, MixedWidthsFollowTheirRows) {
  const int64_t in = 64, out = 8, high = 8;
  Eigen::MatrixXd x = correlatedInputs(512, in, 21);
  Eigen::MatrixXd w = gaussianMatrix(in, 22).leftCols(out);
  Eigen::MatrixXd hessian = x.transpose() * x;
  GptqConfig config;
  config.quantizer = {4, true};
  config.actOrder = true;
  config.blockSize = 16;
  config.featureBits.assign(in, 4);
  for (int64_t i = in - high; i < in; ++i)
    config.featureBits[i] = 8;
  std::optional<GptqResult> mixed = gptq(w, hessian, config);
  ASSERT_TRUE(mixed);
  ASSERT_EQ(mixed->widths, (std::vector<int64_t>{4, 8}));
  for (int64_t i = 0; i < in; ++i) {
    int64_t c = config.featureBits[i] == 8 ? 1 : 0;
    double limit = c ? 127.0 : 7.0;
    for (int64_t o = 0; o < out; ++o) {
      double level = mixed->weights(i, o) / mixed->scales(c, o);
      EXPECT_NEAR(level, std::round(level), 1e-9) << i;
      EXPECT_LE(std::round(level), limit) << i;
      EXPECT_GE(std::round(level), -limit - 1) << i;
    }
  }
  config.featureBits.clear();
  std::optional<GptqResult> uniform = gptq(w, hessian, config);
  ASSERT_TRUE(uniform);
  EXPECT_LT((x * (w - mixed->weights)).norm(),
            (x * (w - uniform->weights)).norm());
}
