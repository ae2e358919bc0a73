//===- HadamardSizeTest.cpp - the Hadamard size table and its factoring ---===//

#include "resq/numerics/HadamardSize.h"

#include <gtest/gtest.h>

#include <algorithm>

using resq::numerics::factorHadamardSize;
using resq::numerics::kHadamardFactors;

namespace {

bool isTableFactor(int64_t k) {
  return std::find(kHadamardFactors.begin(), kHadamardFactors.end(), k) !=
         kHadamardFactors.end();
}

TEST(HadamardSize, LlamaWidths) {
  // Sizes named in ALGORITHMS.md: Llama-2-7B d_ff, Llama-3-8B d_ff,
  // stories260K d_ff and hidden size.
  struct Case {
    int64_t n, factor, log2;
  } cases[] = {{11008, 172, 6}, {14336, 28, 9}, {172, 172, 0},
               {64, 1, 6},      {4096, 1, 12},  {1, 1, 0}};
  for (const Case &c : cases) {
    auto size = factorHadamardSize(c.n);
    ASSERT_TRUE(size.has_value()) << c.n;
    EXPECT_EQ(size->factor, c.factor) << c.n;
    EXPECT_EQ(size->log2PowerOfTwo, c.log2) << c.n;
  }
}

TEST(HadamardSize, PrefersTheLargestPowerOfTwo) {
  // 40 is in the table, but 20 * 2 leaves more work to the fast transform.
  auto size = factorHadamardSize(40);
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->factor, 20);
  EXPECT_EQ(size->log2PowerOfTwo, 1);
}

TEST(HadamardSize, RejectsUnsupportedSizes) {
  for (int64_t n : {0, -4, 3, 6, 44, 100, 11000})
    EXPECT_FALSE(factorHadamardSize(n).has_value()) << n;
}

TEST(HadamardSize, EveryAnswerReassembles) {
  for (int64_t n = 1; n <= 1 << 14; ++n) {
    auto size = factorHadamardSize(n);
    if (!size)
      continue;
    EXPECT_TRUE(isTableFactor(size->factor)) << n;
    EXPECT_EQ(size->factor << size->log2PowerOfTwo, n) << n;
  }
}

TEST(HadamardSize, EveryTableSizeIsAccepted) {
  for (int64_t k : kHadamardFactors)
    for (int64_t m = 0; m <= 12; ++m)
      EXPECT_TRUE(factorHadamardSize(k << m).has_value()) << k << " " << m;
}

} // namespace
