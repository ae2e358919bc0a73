//===- GemmF32Avx2.cpp - f32 GEMM with AVX2 and FMA (6x16 tiles) ---------===//
//
// Compiled with -mavx2 -mfma; reached only when the CPU has both.
//
//===----------------------------------------------------------------------===//

#include "GemmBlocked.h"
#include "GemmF32Kernel.h"

#include <immintrin.h>

namespace resq::cpu {
namespace {

struct Avx2F32 {
  using Reg = __m256;
  static constexpr int kRegisters = 16;
  static constexpr int kLanes = 8;
  static Reg zero() { return _mm256_setzero_ps(); }
  static Reg load(const float *p) { return _mm256_loadu_ps(p); }
  static void store(float *p, Reg v) { _mm256_storeu_ps(p, v); }
  static Reg broadcast(const float *p) { return _mm256_broadcast_ss(p); }
  static Reg fma(Reg a, Reg b, Reg c) { return _mm256_fmadd_ps(a, b, c); }
  static Reg add(Reg a, Reg b) { return _mm256_add_ps(a, b); }
};

// 6x16: 12 accumulators + 2 B vectors + 1 broadcast of the 16 ymm
// registers. A K block of 256 keeps the 16 KiB B panel in L1; 144 rows keep
// the 144 KiB A block in L2.
using Kernel = GemmF32Kernel<Avx2F32, 6, 2, 256, 144>;

} // namespace

void gemmF32Avx2(const GemmF32Args &args) { BlockedGemm<Kernel>::run(args); }

} // namespace resq::cpu
