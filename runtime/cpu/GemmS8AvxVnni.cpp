//===- GemmS8AvxVnni.cpp - exact int8 GEMM with AVX-VNNI (6x16 tiles) ----===//
//
// Compiled with -mavx2 -mavxvnni; reached only when the CPU has AVX-VNNI
// (the VEX-encoded vpdpbusd of Alder Lake and later, without AVX-512).
//
//===----------------------------------------------------------------------===//

#include "GemmBlocked.h"
#include "GemmS8Kernel.h"

#include <immintrin.h>

namespace resq::cpu {
namespace {

struct AvxVnniDotS8 {
  using Reg = __m256i;
  static constexpr int kLanes = 8;
  static constexpr int kAWords = 1; // the u8 quad itself
  using B = Reg;

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
    return _mm256_loadu_si256(reinterpret_cast<const Reg *>(p));
  }
  // vpdpbusd, not vpdpbusds: the non-saturating form wraps modulo 2^32 like
  // every other step.
  static Reg dot(Reg acc, const int32_t *a, const B &b) {
    return _mm256_dpbusd_avx_epi32(acc, _mm256_set1_epi32(a[0]), b);
  }
};

// 6x16 tiles; a K block of 512 keeps the 8 KiB B panel in L1.
using Kernel = GemmS8Kernel<AvxVnniDotS8, 6, 2, 512, 144>;

} // namespace

void gemmS8AvxVnni(const GemmS8Args &args) { BlockedGemm<Kernel>::run(args); }

} // namespace resq::cpu
