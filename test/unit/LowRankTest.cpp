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
