//===- GemmS8Avx512Vnni.cpp - exact int8 GEMM with AVX-512 VNNI (12x32) --===//
//
// Compiled with -mavx512f -mavx512bw -mavx512vnni; reached only when the CPU
// and OS support all three.
//
//===----------------------------------------------------------------------===//

#include "GemmBlocked.h"
#include "GemmS8Kernel.h"

#include <immintrin.h>

namespace resq::cpu {
namespace {

struct Avx512VnniDotS8 {
  using Reg = __m512i;
  static constexpr int kLanes = 16;
  static constexpr int kAWords = 1; // the u8 quad itself
  using B = Reg;

  static Reg zero() { return _mm512_setzero_si512(); }
  static Reg load(const int32_t *p) { return _mm512_loadu_si512(p); }
  static void store(int32_t *p, Reg v) { _mm512_storeu_si512(p, v); }
  static Reg add(Reg a, Reg b) { return _mm512_add_epi32(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_epi32(a, b); }
  static Reg shiftLeft(Reg a, int bits) { return _mm512_slli_epi32(a, bits); }

  static B prepareB(const int8_t *p) { return _mm512_loadu_si512(p); }
  // vpdpbusd, not vpdpbusds: the non-saturating form wraps modulo 2^32 like
  // every other step.
  static Reg dot(Reg acc, const int32_t *a, const B &b) {
    return _mm512_dpbusd_epi32(acc, _mm512_set1_epi32(a[0]), b);
  }
};

// 12x32 tiles; a K block of 512 keeps the 16 KiB B panel in L1.
using Kernel = GemmS8Kernel<Avx512VnniDotS8, 12, 2, 512, 144>;

} // namespace

void gemmS8Avx512Vnni(const GemmS8Args &args) {
  BlockedGemm<Kernel>::run(args);
}

} // namespace resq::cpu
