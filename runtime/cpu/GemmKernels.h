//===- GemmKernels.h - the GEMMs behind the dispatcher ----------*- C++ -*-===//
//
// Each ISA-specific implementation lives in its own translation unit,
// compiled with that ISA's target flags and reached only through the
// dispatcher after CPU detection, so the portable code never executes an
// instruction the CPU may lack.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUNTIME_CPU_GEMMKERNELS_H
#define RESQ_RUNTIME_CPU_GEMMKERNELS_H

#include <cstdint>

namespace resq::cpu {

/// C[m,n] = (accumulate ? C : 0) + A[m,k] * B[k,n], all row-major; the entry
/// points assume m, n, k > 0 and valid pointers.
template <typename In, typename Out> struct GemmArgs {
  int64_t m, n, k;
  const In *a;
  int64_t lda;
  const In *b;
  int64_t ldb;
  Out *c;
  int64_t ldc;
  bool accumulate;
};
using GemmF32Args = GemmArgs<float, float>;
using GemmS8Args = GemmArgs<int8_t, int32_t>;

/// The portable implementations. The Block variants compute rows
/// [rowBegin, rowEnd) x columns [colBegin, colEnd) only; the blocked kernels
/// fall back to them when scratch memory cannot be allocated.
void gemmF32Scalar(const GemmF32Args &args);
void gemmF32ScalarBlock(const GemmF32Args &args, int64_t rowBegin,
                        int64_t rowEnd, int64_t colBegin, int64_t colEnd);
void gemmS8Scalar(const GemmS8Args &args);
void gemmS8ScalarBlock(const GemmS8Args &args, int64_t rowBegin, int64_t rowEnd,
                       int64_t colBegin, int64_t colEnd);

#if defined(__x86_64__)
void gemmF32Avx2(const GemmF32Args &args);
void gemmF32Avx512(const GemmF32Args &args);
void gemmS8Avx2(const GemmS8Args &args);
void gemmS8AvxVnni(const GemmS8Args &args);
void gemmS8Avx512(const GemmS8Args &args);
void gemmS8Avx512Vnni(const GemmS8Args &args);
#endif

} // namespace resq::cpu

#endif // RESQ_RUNTIME_CPU_GEMMKERNELS_H
