//===- GemmS8Avx2.cpp - exact int8 GEMM with AVX2 (6x16 tiles) -----------===//
//
// Compiled with -mavx2; reached only when the CPU has it. Emulates VNNI's
// u8 x s8 quad dot product exactly: each byte becomes an int16 and vpmaddwd
// sums two products of at most 255 * 128 into int32, which cannot overflow.
//
//===----------------------------------------------------------------------===//

#include "GemmBlocked.h"
#include "GemmS8Kernel.h"

#include <immintrin.h>

namespace resq::cpu {
namespace {

struct Avx2DotS8 {
  using Reg = __m256i;
  static constexpr int kLanes = 8;
  /// A is packed as int16 pairs (a0, a2) and (a1, a3) to match the halves.
  static constexpr int kAWords = 2;
  struct B {
    Reg even, odd; // (b0, b2) and (b1, b3) of each quad, sign-extended
  };

  static Reg zero() { return _mm256_setzero_si256(); }
  static Reg load(const int32_t *p) {
    return _mm256_loadu_si256(reinterpret_cast<const Reg *>(p));
  }
  static void store(int32_t *p, Reg v) {
    _mm256_storeu_si256(reinterpret_cast<Reg *>(p), v);
  }
  static Reg add(Reg a, Reg b) { return _mm256_add_epi32(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_epi32(a, b); }
  static Reg shiftLeft(Reg a, int bits) { return _mm256_slli_epi32(a, bits); }

  static B prepareB(const int8_t *p) {
    const Reg quads = _mm256_loadu_si256(reinterpret_cast<const Reg *>(p));
    return {_mm256_srai_epi16(_mm256_slli_epi16(quads, 8), 8),
            _mm256_srai_epi16(quads, 8)};
  }
  static Reg dot(Reg acc, const int32_t *a, const B &b) {
    const Reg even = _mm256_madd_epi16(_mm256_set1_epi32(a[0]), b.even);
    const Reg odd = _mm256_madd_epi16(_mm256_set1_epi32(a[1]), b.odd);
    return _mm256_add_epi32(acc, _mm256_add_epi32(even, odd));
  }
};

// 6x16 tiles; a K block of 512 keeps the 8 KiB B panel in L1.
using Kernel = GemmS8Kernel<Avx2DotS8, 6, 2, 512, 144>;

} // namespace

void gemmS8Avx2(const GemmS8Args &args) { BlockedGemm<Kernel>::run(args); }

} // namespace resq::cpu
