//===- LowRankTest.cpp - Eigen Attention's ranks and subspaces ------------===//

#include "resq/numerics/LowRank.h"
#include "resq/numerics/RandomOrthogonal.h"

#include <gtest/gtest.h>

#include <vector>

using namespace resq::numerics;

TEST(LowRank, NormalizedSingularValues) {
  Eigen::VectorXd lambda(5);
  lambda << 16, 9, 4, 1, -1e-15; // the last is rounding noise
  Eigen::VectorXd sigma = normalizedSingularValues(lambda);
  Eigen::VectorXd expected(5);
  expected << 0.4, 0.3, 0.2, 0.1, 0.0;
  EXPECT_LE((sigma - expected).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_EQ(normalizedSingularValues(Eigen::VectorXd::Zero(3)),
            Eigen::VectorXd::Zero(3));
}

TEST(LowRank, RankForThreshold) {
  // Exact binary fractions: cumulative 0.5, 0.75, 0.875, 1.0, 1.0.
  Eigen::VectorXd sigma(5);
  sigma << 0.5, 0.25, 0.125, 0.125, 0.0;
  EXPECT_EQ(rankForThreshold(sigma, 0.6), 1);
  EXPECT_EQ(rankForThreshold(sigma, 0.8), 2);
  EXPECT_EQ(rankForThreshold(sigma, 0.9), 3);
  // Strictly below: a cumulative sum equal to t does not count.
  EXPECT_EQ(rankForThreshold(sigma, 0.75), 1);
  // t = 1 keeps everything; a tiny t still keeps one direction.
  EXPECT_EQ(rankForThreshold(sigma, 1.0), 5);
  EXPECT_EQ(rankForThreshold(sigma, 0.25), 1);
}

TEST(LowRank, SearchKeepsTheLastThresholdThatPassed) {
  std::vector<double> tried;
  auto passes = [&](double t) {
    tried.push_back(t);
    return t > 0.9 + 1e-9;
  };
  std::optional<double> t = searchThreshold(passes);
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(*t, 0.92, 1e-12);
  // 1.00, 0.98, ..., 0.92 pass; 0.90 fails and ends the search.
  EXPECT_EQ(tried.size(), 6u);
  EXPECT_NEAR(tried.back(), 0.90, 1e-12);
}

TEST(LowRank, SearchFailingAtOnceKeepsFullRank) {
  EXPECT_FALSE(searchThreshold([](double) { return false; }).has_value());
}

TEST(LowRank, SearchStopsAtTheLowestThreshold) {
  int calls = 0;
  std::optional<double> t = searchThreshold(
      [&](double) {
        ++calls;
        return true;
      },
      1.0, 0.02, 0.45);
  ASSERT_TRUE(t.has_value());
  // 1 - 27 * 0.02 = 0.46 is the last threshold not below 0.45.
  EXPECT_NEAR(*t, 0.46, 1e-12);
  EXPECT_EQ(calls, 28);
}

TEST(LowRank, LeadingDirectionsSpanTheTopEigenvectors) {
  const int64_t n = 12;
  Eigen::MatrixXd v = randomOrthogonal(n, 5);
  Eigen::VectorXd lambda = Eigen::VectorXd::LinSpaced(n, 1.0, 0.1);
  lambda[0] = 9;
  lambda[1] = 4;
  Eigen::MatrixXd moment = v * lambda.asDiagonal() * v.transpose();
  Eigen::MatrixXd p = leadingDirections(moment, 2);
  ASSERT_EQ(p.rows(), n);
  ASSERT_EQ(p.cols(), 2);
  // Orthonormal columns, the same subspace as the two top eigenvectors,
  // descending variance.
  EXPECT_LE((p.transpose() * p - Eigen::MatrixXd::Identity(2, 2))
                .cwiseAbs()
                .maxCoeff(),
            1e-12);
  Eigen::MatrixXd top = v.leftCols(2);
  EXPECT_LE((p * p.transpose() - top * top.transpose()).cwiseAbs().maxCoeff(),
            1e-10);
  EXPECT_NEAR((p.transpose() * moment * p)(0, 0), 9.0, 1e-10);
  EXPECT_NEAR((p.transpose() * moment * p)(1, 1), 4.0, 1e-10);
}

namespace {

/// The value path of grouped-query attention for fixed attention weights
/// `probs[j]` ([T, T] per query head): concat_j(probs[j] (x W_v)_g(j)) W_o,
/// with `width` columns per head.
Eigen::MatrixXd valuePath(const Eigen::MatrixXd &x, const Eigen::MatrixXd &wv,
                          const Eigen::MatrixXd &wo,
                          const std::vector<Eigen::MatrixXd> &probs,
                          int64_t kvHeads, int64_t width) {
  int64_t heads = int64_t(probs.size()), group = heads / kvHeads;
  Eigen::MatrixXd v = x * wv;
  Eigen::MatrixXd o(x.rows(), heads * width);
  for (int64_t j = 0; j < heads; ++j)
    o.middleCols(j * width, width) =
        probs[j] * v.middleCols((j / group) * width, width);
  return o * wo;
}

struct GqaLayer {
  int64_t d = 10, hd = 6, heads = 4, kvHeads = 2, tokens = 5;
  Eigen::MatrixXd x, wv, wo;
  std::vector<Eigen::MatrixXd> probs;
  GqaLayer() {
    x = randomOrthogonal(d, 1).topRows(tokens);
    wv = randomOrthogonal(d * 2, 2).topLeftCorner(d, kvHeads * hd);
    wo = randomOrthogonal(heads * hd, 3).leftCols(d);
    for (int64_t j = 0; j < heads; ++j) {
      Eigen::MatrixXd p = randomOrthogonal(tokens, 10 + j).cwiseAbs();
      probs.push_back(p.array().colwise() / p.rowwise().sum().array());
    }
  }
};

} // namespace

TEST(LowRank, FoldedValuesAtFullRankComputeTheSame) {
  GqaLayer layer;
  std::vector<Eigen::MatrixXd> bases = {randomOrthogonal(layer.hd, 20),
                                        randomOrthogonal(layer.hd, 21)};
  FoldedValueWeights folded =
      foldValueBases(layer.wv, layer.wo, bases, layer.heads);
  Eigen::MatrixXd expected = valuePath(layer.x, layer.wv, layer.wo, layer.probs,
                                       layer.kvHeads, layer.hd);
  Eigen::MatrixXd got =
      valuePath(layer.x, folded.valueWeight, folded.outputWeight, layer.probs,
                layer.kvHeads, layer.hd);
  EXPECT_LE((got - expected).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(LowRank, FoldedValuesAtLowRankProjectEachValue) {
  GqaLayer layer;
  const int64_t r = 2;
  std::vector<Eigen::MatrixXd> bases = {
      randomOrthogonal(layer.hd, 30).leftCols(r),
      randomOrthogonal(layer.hd, 31).leftCols(r)};
  FoldedValueWeights folded =
      foldValueBases(layer.wv, layer.wo, bases, layer.heads);
  ASSERT_EQ(folded.valueWeight.cols(), layer.kvHeads * r);
  ASSERT_EQ(folded.outputWeight.rows(), layer.heads * r);
  // The same as full-width values replaced by V_g U_g U_g^T.
  Eigen::MatrixXd projected = layer.wv;
  for (int64_t g = 0; g < layer.kvHeads; ++g)
    projected.middleCols(g * layer.hd, layer.hd) *=
        bases[g] * bases[g].transpose();
  Eigen::MatrixXd expected = valuePath(layer.x, projected, layer.wo,
                                       layer.probs, layer.kvHeads, layer.hd);
  Eigen::MatrixXd got =
      valuePath(layer.x, folded.valueWeight, folded.outputWeight, layer.probs,
                layer.kvHeads, r);
  EXPECT_LE((got - expected).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(LowRank, FoldedKeysAreProjectedPerHead) {
  GqaLayer layer;
  Eigen::MatrixXd wk = layer.wv; // any [d, kvHeads * hd]
  Eigen::MatrixXd basis = randomOrthogonal(layer.hd, 40).leftCols(3);
  Eigen::MatrixXd folded = foldKeyBasis(wk, basis, layer.kvHeads);
  ASSERT_EQ(folded.cols(), layer.kvHeads * 3);
  Eigen::MatrixXd keys = layer.x * wk, cached = layer.x * folded;
  for (int64_t g = 0; g < layer.kvHeads; ++g) {
    Eigen::MatrixXd k = keys.middleCols(g * layer.hd, layer.hd);
    // The cache holds k U; lifting gives the projection k U U^T.
    EXPECT_LE((cached.middleCols(g * 3, 3) - k * basis).cwiseAbs().maxCoeff(),
              1e-12);
  }
}

// The budget drops the components with the least share of their space's
// energy, across spaces: here all three weak ones of the second space
// before any of the first's.
TEST(LowRank, AllocateRanksDropsTheWeakestSharesFirst) {
  RankSpace flat, peaked;
  flat.energies = Eigen::Vector4d(4, 3, 2, 1);
  peaked.energies = Eigen::Vector4d(10, 0.5, 0.4, 0.1);
  std::optional<std::vector<int64_t>> ranks =
      allocateRanks({flat, peaked}, 5 * 16);
  ASSERT_TRUE(ranks);
  EXPECT_EQ(*ranks, (std::vector<int64_t>{4, 1}));
  // One more component to drop: the flat space's weakest (share 0.1).
  ranks = allocateRanks({flat, peaked}, 4 * 16);
  ASSERT_TRUE(ranks);
  EXPECT_EQ(*ranks, (std::vector<int64_t>{3, 1}));
  // A budget the full ranks fit keeps them.
  EXPECT_EQ(*allocateRanks({flat, peaked}, 1e9), (std::vector<int64_t>{4, 4}));
}

// Fixed bits (ResQ's 8-bit part) count, minimum ranks hold, and a budget
// below the minimum is refused.
TEST(LowRank, AllocateRanksKeepsMinimaAndFixedBits) {
  RankSpace space;
  space.energies = Eigen::Vector4d(4, 3, 2, 1);
  space.minRank = 2;
  space.fixedBits = 100;
  space.bitsPerComponent = 4;
  EXPECT_EQ(*allocateRanks({space}, 100 + 3 * 4), (std::vector<int64_t>{3}));
  EXPECT_EQ(*allocateRanks({space}, 100 + 2 * 4), (std::vector<int64_t>{2}));
  EXPECT_FALSE(allocateRanks({space}, 100 + 2 * 4 - 1));
}
