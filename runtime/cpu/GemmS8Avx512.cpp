//===- GemmS8Avx512.cpp - exact int8 GEMM with AVX-512BW (12x32 tiles) ---===//
//
// Compiled with -mavx512f -mavx512bw; reached only when the CPU and OS
// support both. The AVX2 kernel's exact vpmaddwd emulation of the u8 x s8
// quad dot product, twice as wide.
//
//===----------------------------------------------------------------------===//

#include "GemmBlocked.h"
#include "GemmS8Kernel.h"

#include <immintrin.h>

namespace resq::cpu {
namespace {

struct Avx512DotS8 {
  using Reg = __m512i;
  static constexpr int kLanes = 16;
  static constexpr int kAWords = 2;
  struct B {
    Reg even, odd;
  };

  static Reg zero() { return _mm512_setzero_si512(); }
  static Reg load(const int32_t *p) { return _mm512_loadu_si512(p); }
  static void store(int32_t *p, Reg v) { _mm512_storeu_si512(p, v); }
  static Reg add(Reg a, Reg b) { return _mm512_add_epi32(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_epi32(a, b); }
  static Reg shiftLeft(Reg a, int bits) { return _mm512_slli_epi32(a, bits); }

  static B prepareB(const int8_t *p) {
    const Reg quads = _mm512_loadu_si512(p);
    return {_mm512_srai_epi16(_mm512_slli_epi16(quads, 8), 8),
            _mm512_srai_epi16(quads, 8)};
  }
  static Reg dot(Reg acc, const int32_t *a, const B &b) {
    const Reg even = _mm512_madd_epi16(_mm512_set1_epi32(a[0]), b.even);
    const Reg odd = _mm512_madd_epi16(_mm512_set1_epi32(a[1]), b.odd);
    return _mm512_add_epi32(acc, _mm512_add_epi32(even, odd));
  }
};

// 12x32 tiles; a K block of 512 keeps the 16 KiB B panel in L1.
using Kernel = GemmS8Kernel<Avx512DotS8, 12, 2, 512, 144>;

} // namespace

void gemmS8Avx512(const GemmS8Args &args) { BlockedGemm<Kernel>::run(args); }

} // namespace resq::cpu
