//===- GemmF32Avx512.cpp - f32 GEMM with AVX-512F (12x32 tiles) ----------===//
//
// Compiled with -mavx512f; reached only when the CPU and OS support it.
//
//===----------------------------------------------------------------------===//

#include "GemmBlocked.h"
#include "GemmF32Kernel.h"

#include <immintrin.h>

namespace resq::cpu {
namespace {

struct Avx512F32 {
  using Reg = __m512;
  static constexpr int kRegisters = 32;
  static constexpr int kLanes = 16;
  static Reg zero() { return _mm512_setzero_ps(); }
  static Reg load(const float *p) { return _mm512_loadu_ps(p); }
  static void store(float *p, Reg v) { _mm512_storeu_ps(p, v); }
  // Folded into the FMA as an embedded {1to16} broadcast.
  static Reg broadcast(const float *p) { return _mm512_set1_ps(*p); }
  static Reg fma(Reg a, Reg b, Reg c) { return _mm512_fmadd_ps(a, b, c); }
  static Reg add(Reg a, Reg b) { return _mm512_add_ps(a, b); }
};

// 12x32: 24 accumulators + 2 B vectors of the 32 zmm registers. A K block
// of 128 keeps the 16 KiB B panel in a 32 KiB L1.
using Kernel = GemmF32Kernel<Avx512F32, 12, 2, 128, 144>;

} // namespace

void gemmF32Avx512(const GemmF32Args &args) { BlockedGemm<Kernel>::run(args); }

} // namespace resq::cpu
