//===- KernelsTest.cpp - the CPU GEMM microkernels against references ----===//
//
// Every test runs once per instruction-set level (resq_kernels_force_isa);
// levels the CPU lacks are skipped with a message. f32 results are checked
// against a double-precision reference with a tolerance relative to
// sum_k |a * b|; int8 results must equal an int64 reference exactly.
//
//===----------------------------------------------------------------------===//

#include "resq/runtime/Kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

/// f32 tolerance relative to sum_k |a[m,k] * b[k,n]| (plus |C| when
/// accumulating): blocked float summation of a few thousand terms stays well
/// inside it.
constexpr double kF32RelativeTolerance = 1e-5;
/// The largest int8 product, (-128) * (-128), and the largest K for which
/// every sum of such products fits in int32.
constexpr int64_t kLargestProduct = 128 * 128;
constexpr int64_t kMaxExactK =
    std::numeric_limits<int32_t>::max() / kLargestProduct;

const char *const kIsas[] = {"scalar", "avx2", "avx-vnni", "avx512",
                             "avx512vnni"};

/// Sizes around the kernels' tiles (6, 12, 16, 32 and the 64-column stream
/// blocks), including none at all.
const int64_t kEdgeSizes[] = {0,  1,  2,  3,  5,  7,   8,  15,
                              16, 17, 31, 33, 64, 100, 129};

struct Shape {
  int64_t m, n, k;
  int64_t lda, ldb, ldc; // 0 means dense
};

class KernelsTest : public ::testing::TestWithParam<const char *> {
protected:
  void SetUp() override {
    if (resq_kernels_force_isa(GetParam()) != 0)
      GTEST_SKIP() << "instruction set '" << GetParam()
                   << "' is not available on this CPU";
    resq_set_num_threads(1);
  }
  void TearDown() override {
    resq_kernels_force_isa("auto");
    resq_set_num_threads(1);
  }

  std::mt19937_64 rng{20240611};
};

int64_t lead(int64_t given, int64_t width) { return given ? given : width; }

std::vector<float> randomF32(std::mt19937_64 &rng, size_t count) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (float &x : v)
    x = dist(rng);
  return v;
}

std::vector<int8_t> randomS8(std::mt19937_64 &rng, size_t count) {
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> v(count);
  for (int8_t &x : v)
    x = static_cast<int8_t>(dist(rng));
  return v;
}

/// Runs resq_gemm_f32 on random data and checks every element of C, and
/// that padding between rows (ldc > N) is left alone.
void checkF32(std::mt19937_64 &rng, const Shape &s, bool accumulate) {
  const int64_t lda = lead(s.lda, s.k), ldb = lead(s.ldb, s.n),
                ldc = lead(s.ldc, s.n);
  const std::vector<float> a = randomF32(rng, s.m * lda);
  const std::vector<float> b = randomF32(rng, s.k * ldb);
  const std::vector<float> c0 = randomF32(rng, s.m * ldc);
  std::vector<float> c = c0;
  resq_gemm_f32(s.m, s.n, s.k, a.data(), lda, b.data(), ldb, c.data(), ldc,
                accumulate);
  for (int64_t i = 0; i < s.m; ++i)
    for (int64_t j = 0; j < ldc; ++j) {
      const float got = c[i * ldc + j];
      if (j >= s.n) {
        ASSERT_EQ(got, c0[i * ldc + j]) << "padding at " << i << "," << j;
        continue;
      }
      double want = accumulate ? c0[i * ldc + j] : 0.0;
      double scale = std::fabs(want);
      for (int64_t k = 0; k < s.k; ++k) {
        const double p = double(a[i * lda + k]) * b[k * ldb + j];
        want += p;
        scale += std::fabs(p);
      }
      ASSERT_NEAR(got, want, kF32RelativeTolerance * scale + 1e-30)
          << "M=" << s.m << " N=" << s.n << " K=" << s.k << " at " << i << ","
          << j << " accumulate=" << accumulate;
    }
}

/// C = (accumulate ? C : 0) + A * B in int64, then checked to fit int32.
std::vector<int32_t> referenceS8(const Shape &s, const std::vector<int8_t> &a,
                                 int64_t lda, const std::vector<int8_t> &b,
                                 int64_t ldb, const std::vector<int32_t> &c0,
                                 int64_t ldc, bool accumulate) {
  std::vector<int32_t> c = c0;
  for (int64_t i = 0; i < s.m; ++i)
    for (int64_t j = 0; j < s.n; ++j) {
      int64_t sum = accumulate ? c0[i * ldc + j] : 0;
      for (int64_t k = 0; k < s.k; ++k)
        sum += int64_t(a[i * lda + k]) * b[k * ldb + j];
      EXPECT_GE(sum, std::numeric_limits<int32_t>::min());
      EXPECT_LE(sum, std::numeric_limits<int32_t>::max());
      c[i * ldc + j] = static_cast<int32_t>(sum);
    }
  return c;
}

void checkS8(const Shape &s, const std::vector<int8_t> &a,
             const std::vector<int8_t> &b, const std::vector<int32_t> &c0,
             bool accumulate) {
  const int64_t lda = lead(s.lda, s.k), ldb = lead(s.ldb, s.n),
                ldc = lead(s.ldc, s.n);
  std::vector<int32_t> c = c0;
  resq_gemm_s8s8s32(s.m, s.n, s.k, a.data(), lda, b.data(), ldb, c.data(), ldc,
                    accumulate);
  const std::vector<int32_t> want =
      referenceS8(s, a, lda, b, ldb, c0, ldc, accumulate);
  for (size_t e = 0; e < c.size(); ++e)
    ASSERT_EQ(c[e], want[e])
        << "M=" << s.m << " N=" << s.n << " K=" << s.k << " at " << e / ldc
        << "," << e % ldc << " accumulate=" << accumulate;
}

void checkRandomS8(std::mt19937_64 &rng, const Shape &s, bool accumulate) {
  const int64_t lda = lead(s.lda, s.k), ldb = lead(s.ldb, s.n),
                ldc = lead(s.ldc, s.n);
  std::vector<int32_t> c0(s.m * ldc);
  std::uniform_int_distribution<int32_t> dist(-(1 << 20), 1 << 20);
  for (int32_t &x : c0)
    x = dist(rng);
  checkS8(s, randomS8(rng, s.m * lda), randomS8(rng, s.k * ldb), c0,
          accumulate);
}

TEST_P(KernelsTest, ReportsItsIsa) {
  const std::string isa = GetParam();
  const std::string f32 = resq_gemm_f32_isa(), s8 = resq_gemm_s8_isa();
  if (isa == "scalar") {
    EXPECT_EQ(f32, "scalar");
    EXPECT_EQ(s8, "scalar");
  } else if (isa == "avx2" || isa == "avx-vnni") {
    EXPECT_EQ(f32, "avx2+fma");
    EXPECT_EQ(s8, isa);
  } else {
    EXPECT_EQ(f32, "avx512f");
    EXPECT_EQ(s8, isa == "avx512" ? "avx512bw" : "avx512vnni");
  }
}

TEST_P(KernelsTest, F32EdgeShapes) {
  for (int64_t m : kEdgeSizes)
    for (int64_t n : kEdgeSizes)
      for (int64_t k : {int64_t(1), int64_t(3), int64_t(17), int64_t(64)})
        checkF32(rng, {m, n, k, 0, 0, 0}, (m + n + k) % 2);
}

TEST_P(KernelsTest, F32DeepK) {
  // K crosses the K blocks of every kernel (128 and 256) with a remainder;
  // M = 4 takes the streaming path, M = 13 the packed one.
  for (int64_t m : {4, 13})
    for (int64_t k : {127, 128, 129, 255, 256, 257, 513, 1000})
      for (bool accumulate : {false, true})
        checkF32(rng, {m, 37, k, 0, 0, 0}, accumulate);
}

TEST_P(KernelsTest, F32LargerThanOneBlock) {
  // M over the 144-row block, N over many panels, K over two K blocks.
  checkF32(rng, {300, 129, 300, 0, 0, 0}, false);
  checkF32(rng, {145, 70, 520, 0, 0, 0}, true);
}

TEST_P(KernelsTest, F32Strided) {
  checkF32(rng, {7, 17, 33, 40, 21, 19}, false);
  checkF32(rng, {33, 31, 5, 7, 64, 33}, true);
  checkF32(rng, {1, 64, 100, 128, 80, 70}, true);
  checkF32(rng, {129, 16, 64, 1000, 16, 100}, false);
}

TEST_P(KernelsTest, F32DegenerateSizes) {
  std::vector<float> a(16, 1.0f), b(16, 1.0f), c(16, 7.0f);
  resq_gemm_f32(0, 4, 4, a.data(), 4, b.data(), 4, c.data(), 4, 0);
  resq_gemm_f32(4, 0, 4, a.data(), 4, b.data(), 4, c.data(), 4, 0);
  resq_gemm_f32(4, 4, -1, a.data(), 4, b.data(), 4, c.data(), 4, 1);
  for (float x : c)
    ASSERT_EQ(x, 7.0f);
  // K == 0 without accumulation: C = 0 + (empty product).
  resq_gemm_f32(3, 3, 0, a.data(), 4, b.data(), 4, c.data(), 4, 0);
  for (int64_t e = 0; e < 16; ++e)
    ASSERT_EQ(c[e], e < 12 && e % 4 < 3 ? 0.0f : 7.0f) << e;
}

TEST_P(KernelsTest, F32ThreadCountDoesNotChangeBits) {
  const Shape shapes[] = {{128, 768, 768, 0, 0, 0},
                          {1, 3072, 512, 0, 0, 0},
                          {300, 100, 700, 0, 0, 0},
                          {7, 333, 1025, 0, 0, 0}};
  for (const Shape &s : shapes) {
    const std::vector<float> a = randomF32(rng, s.m * s.k);
    const std::vector<float> b = randomF32(rng, s.k * s.n);
    const std::vector<float> c0 = randomF32(rng, s.m * s.n);
    std::vector<float> one = c0, two = c0;
    resq_set_num_threads(1);
    resq_gemm_f32(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, one.data(), s.n,
                  1);
    resq_set_num_threads(2);
    ASSERT_EQ(resq_get_num_threads(), 2);
    resq_gemm_f32(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, two.data(), s.n,
                  1);
    for (size_t e = 0; e < one.size(); ++e)
      ASSERT_EQ(one[e], two[e])
          << "M=" << s.m << " N=" << s.n << " K=" << s.k << " element " << e;
  }
}

TEST_P(KernelsTest, F32MatchesScalarImplementation) {
  const Shape s{100, 200, 300, 0, 0, 0};
  const std::vector<float> a = randomF32(rng, s.m * s.k);
  const std::vector<float> b = randomF32(rng, s.k * s.n);
  std::vector<float> fast(s.m * s.n), scalar(s.m * s.n);
  resq_gemm_f32(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, fast.data(), s.n,
                0);
  ASSERT_EQ(resq_kernels_force_isa("scalar"), 0);
  resq_gemm_f32(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, scalar.data(), s.n,
                0);
  for (size_t e = 0; e < fast.size(); ++e)
    ASSERT_NEAR(fast[e], scalar[e],
                kF32RelativeTolerance * (std::fabs(scalar[e]) + 1.0f))
        << e;
}

TEST_P(KernelsTest, S8EdgeShapes) {
  for (int64_t m : kEdgeSizes)
    for (int64_t n : kEdgeSizes)
      for (int64_t k :
           {int64_t(1), int64_t(2), int64_t(5), int64_t(64), int64_t(129)})
        checkRandomS8(rng, {m, n, k, 0, 0, 0}, (m + n + k) % 2);
}

TEST_P(KernelsTest, S8DeepK) {
  // K crosses the 512-value K block, with every remainder modulo 4; M = 2
  // takes the streaming path, M = 9 the packed one.
  for (int64_t m : {2, 9})
    for (int64_t k : {511, 512, 513, 514, 515, 1027, 4096})
      for (bool accumulate : {false, true})
        checkRandomS8(rng, {m, 35, k, 0, 0, 0}, accumulate);
}

TEST_P(KernelsTest, S8StridedAndLarge) {
  checkRandomS8(rng, {7, 17, 33, 40, 21, 19}, false);
  checkRandomS8(rng, {33, 31, 6, 7, 64, 33}, true);
  checkRandomS8(rng, {1, 100, 100, 128, 128, 128}, true);
  checkRandomS8(rng, {300, 129, 600, 0, 0, 0}, false);
}

TEST_P(KernelsTest, S8Extremes) {
  // (-128) * (-128) is the one product vpmaddubsw-style int16 pair sums
  // overflow on; at K = kMaxExactK the int32 sum is just inside the range.
  struct Case {
    int8_t a, b;
    int64_t k;
  } cases[] = {{-128, -128, 4096},      {-128, -128, kMaxExactK},
               {127, -128, kMaxExactK}, {-128, 127, kMaxExactK},
               {127, 127, kMaxExactK},  {-128, -128, 3}};
  for (const Case &c : cases)
    for (const auto &[m, n] :
         {std::pair<int64_t, int64_t>{1, 17}, {3, 33}, {8, 1}, {13, 40}}) {
      const Shape s{m, n, c.k, 0, 0, 0};
      checkS8(s, std::vector<int8_t>(s.m * s.k, c.a),
              std::vector<int8_t>(s.k * s.n, c.b),
              std::vector<int32_t>(s.m * s.n, 0), false);
    }
}

TEST_P(KernelsTest, S8MixedExtremes) {
  // Alternating 127 / -128 in A against -128 / 127 in B: every product is
  // extreme and the signs vary along k and n.
  const Shape s{13, 35, 1031, 0, 0, 0};
  std::vector<int8_t> a(s.m * s.k), b(s.k * s.n);
  for (size_t e = 0; e < a.size(); ++e)
    a[e] = (e % 3) ? int8_t(127) : int8_t(-128);
  for (size_t e = 0; e < b.size(); ++e)
    b[e] = (e % 2) ? int8_t(-128) : int8_t(127);
  checkS8(s, a, b, std::vector<int32_t>(s.m * s.n, 0), false);
  checkS8(s, a, b, std::vector<int32_t>(s.m * s.n, -(1 << 30)), true);
}

TEST_P(KernelsTest, S8DegenerateSizes) {
  std::vector<int8_t> a(16, 1), b(16, 1);
  std::vector<int32_t> c(16, 7);
  resq_gemm_s8s8s32(0, 4, 4, a.data(), 4, b.data(), 4, c.data(), 4, 0);
  resq_gemm_s8s8s32(4, -2, 4, a.data(), 4, b.data(), 4, c.data(), 4, 0);
  resq_gemm_s8s8s32(4, 4, 0, a.data(), 4, b.data(), 4, c.data(), 4, 1);
  for (int32_t x : c)
    ASSERT_EQ(x, 7);
  resq_gemm_s8s8s32(2, 4, 0, a.data(), 4, b.data(), 4, c.data(), 4, 0);
  for (int64_t e = 0; e < 16; ++e)
    ASSERT_EQ(c[e], e < 8 ? 0 : 7) << e;
}

TEST_P(KernelsTest, S8ThreadCountDoesNotChangeResult) {
  for (const Shape &s :
       {Shape{128, 768, 768, 0, 0, 0}, Shape{1, 3072, 512, 0, 0, 0}}) {
    const std::vector<int8_t> a = randomS8(rng, s.m * s.k);
    const std::vector<int8_t> b = randomS8(rng, s.k * s.n);
    std::vector<int32_t> one(s.m * s.n), two(s.m * s.n);
    resq_set_num_threads(1);
    resq_gemm_s8s8s32(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, one.data(),
                      s.n, 0);
    resq_set_num_threads(2);
    resq_gemm_s8s8s32(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, two.data(),
                      s.n, 0);
    ASSERT_EQ(one, two);
    checkS8(s, a, b, std::vector<int32_t>(s.m * s.n, 0), false);
  }
}

TEST_P(KernelsTest, ConcurrentCallersShareThePool) {
  // Two callers at once: one gets the pool, the other runs inline; both
  // must see their own, correct results.
  resq_set_num_threads(2);
  const Shape s{64, 200, 300, 0, 0, 0};
  const std::vector<float> a = randomF32(rng, s.m * s.k);
  const std::vector<float> b = randomF32(rng, s.k * s.n);
  std::vector<float> alone(s.m * s.n);
  resq_gemm_f32(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, alone.data(), s.n,
                0);
  std::vector<std::vector<float>> results(4, std::vector<float>(s.m * s.n));
  std::vector<std::thread> callers;
  for (std::vector<float> &c : results)
    callers.emplace_back([&] {
      for (int repeat = 0; repeat < 8; ++repeat)
        resq_gemm_f32(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, c.data(),
                      s.n, 0);
    });
  for (std::thread &caller : callers)
    caller.join();
  for (const std::vector<float> &c : results)
    ASSERT_EQ(c, alone);
}

TEST_P(KernelsTest, ResizingThePoolBetweenCalls) {
  // Workers created by a resize must not take the last, finished job for a
  // new one (a race ThreadSanitizer found).
  const Shape s{40, 300, 200, 0, 0, 0};
  const std::vector<float> a = randomF32(rng, s.m * s.k);
  const std::vector<float> b = randomF32(rng, s.k * s.n);
  std::vector<float> want(s.m * s.n), got(s.m * s.n);
  resq_gemm_f32(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, want.data(), s.n,
                0);
  for (int repeat = 0; repeat < 20; ++repeat) {
    resq_set_num_threads(2 + repeat % 3);
    resq_gemm_f32(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, got.data(), s.n,
                  0);
    ASSERT_EQ(got, want) << "repeat " << repeat;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Isa, KernelsTest, ::testing::ValuesIn(kIsas),
    [](const ::testing::TestParamInfo<const char *> &info) {
      std::string name = info.param;
      for (char &ch : name)
        if (ch == '-')
          ch = '_';
      return name;
    });

TEST(Kernels, ForceIsaRejectsUnknownNames) {
  EXPECT_NE(resq_kernels_force_isa("sse9"), 0);
  EXPECT_EQ(resq_kernels_force_isa("auto"), 0);
  EXPECT_EQ(resq_kernels_force_isa(nullptr), 0);
}

TEST(Kernels, ThreadCount) {
  resq_set_num_threads(3);
  EXPECT_EQ(resq_get_num_threads(), 3);
  resq_set_num_threads(0);
  EXPECT_GE(resq_get_num_threads(), 1);
  resq_set_num_threads(1);
  EXPECT_EQ(resq_get_num_threads(), 1);
}

} // namespace
