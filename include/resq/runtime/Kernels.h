/*===- Kernels.h - CPU GEMM microkernels of the resq runtime ------*- C -*-===*\
|*                                                                            *|
|* The C API of runtime/cpu (library ResqCpuKernels): a packed, register-     *|
|* blocked f32 GEMM and an exact int8 x int8 -> int32 GEMM, dispatched at     *|
|* run time to the best instruction set of the CPU (AVX-512, AVX2+FMA, or a   *|
|* portable fallback). All matrices are row-major with leading dimensions in  *|
|* elements. The functions never throw and never abort; a size <= 0 makes a  *|
|* call a no-op (except that K <= 0 with accumulate == 0 zeroes C).           *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef RESQ_RUNTIME_KERNELS_H
#define RESQ_RUNTIME_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* C[M,N] = (accumulate ? C : 0) + A[M,K] * B[K,N]. B is [K,N] row-major (the
 * weight layout of ONNX MatMul and linalg.matmul). The summation order of an
 * element depends on M, N and K only, never on the thread count. */
void resq_gemm_f32(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                   const float *B, int64_t ldb, float *C, int64_t ldc,
                   int accumulate);

/* C[M,N] = (accumulate ? C : 0) + sum_k A[m,k] * B[k,n], exact in int32:
 * every implementation returns the true sum whenever it fits in int32 (it
 * always does for K <= 131071) and the same value modulo 2^32 otherwise. */
void resq_gemm_s8s8s32(int64_t M, int64_t N, int64_t K, const int8_t *A,
                       int64_t lda, const int8_t *B, int64_t ldb, int32_t *C,
                       int64_t ldc, int accumulate);

/* Threads the GEMMs split their work over (default 1); n <= 0 means the
 * hardware concurrency. With one thread no thread is created. */
void resq_set_num_threads(int n);
int resq_get_num_threads(void);

/* The implementation the dispatcher picked: "avx512f", "avx2+fma" or
 * "scalar" for f32; "avx512vnni", "avx-vnni", "avx512bw", "avx2" or "scalar"
 * for s8. */
const char *resq_gemm_f32_isa(void);
const char *resq_gemm_s8_isa(void);

/* Caps the dispatch at one instruction-set level, for tests and benchmarks:
 * "scalar", "avx2", "avx-vnni", "avx512" or "avx512vnni" (f32 uses the best
 * f32 kernel the level contains). "auto" or NULL restores the automatic
 * choice. Returns 0 on success, nonzero (and changes nothing) when the name
 * is unknown or the CPU or OS lacks the level. */
int resq_kernels_force_isa(const char *isa);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RESQ_RUNTIME_KERNELS_H */
