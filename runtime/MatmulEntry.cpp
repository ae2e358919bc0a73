//===- MatmulEntry.cpp - the GEMM entry points lowered code calls ---------===//
//
// --resq-matmul-to-runtime turns linalg.matmul / linalg.batch_matmul (f32,
// or i8 x i8 -> i32) into calls of these, with strided memref descriptors (C
// interface). Row-major operands with unit inner stride go to the GEMMs of
// runtime/cpu; any other layout takes a strided loop. Semantics of linalg:
// C += A * B, with i8 operands sign-extended and exact i32 sums.
//
//===----------------------------------------------------------------------===//

#include "resq/Runtime.h"
#include "resq/runtime/Kernels.h"
#include "runtime/StridedMemRef.h"

#include <cstdint>

namespace {

using resq::runtime::StridedMemRef;

void gemm(int64_t M, int64_t N, int64_t K, const float *a, int64_t lda,
          const float *b, int64_t ldb, float *c, int64_t ldc) {
  resq_gemm_f32(M, N, K, a, lda, b, ldb, c, ldc, /*accumulate=*/1);
}

void gemm(int64_t M, int64_t N, int64_t K, const int8_t *a, int64_t lda,
          const int8_t *b, int64_t ldb, int32_t *c, int64_t ldc) {
  resq_gemm_s8s8s32(M, N, K, a, lda, b, ldb, c, ldc, /*accumulate=*/1);
}

/// C[M,N] += A[M,K] * B[K,N] for one 2-D slice given by base pointers and
/// strides.
template <typename In, typename Out>
void matmulSlice(int64_t M, int64_t N, int64_t K, const In *a,
                 const int64_t *aStrides, const In *b, const int64_t *bStrides,
                 Out *c, const int64_t *cStrides) {
  if (aStrides[1] == 1 && bStrides[1] == 1 && cStrides[1] == 1) {
    gemm(M, N, K, a, aStrides[0], b, bStrides[0], c, cStrides[0]);
    return;
  }
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      Out &out = c[m * cStrides[0] + n * cStrides[1]];
      for (int64_t k = 0; k < K; ++k)
        out += Out(a[m * aStrides[0] + k * aStrides[1]]) *
               Out(b[k * bStrides[0] + n * bStrides[1]]);
    }
}

template <typename In, typename Out>
void matmul(StridedMemRef<In, 2> *a, StridedMemRef<In, 2> *b,
            StridedMemRef<Out, 2> *c) {
  matmulSlice(a->sizes[0], b->sizes[1], a->sizes[1], a->aligned + a->offset,
              a->strides, b->aligned + b->offset, b->strides,
              c->aligned + c->offset, c->strides);
}

template <typename In, typename Out>
void batchMatmul(StridedMemRef<In, 3> *a, StridedMemRef<In, 3> *b,
                 StridedMemRef<Out, 3> *c) {
  for (int64_t i = 0; i < a->sizes[0]; ++i)
    matmulSlice(a->sizes[1], b->sizes[2], a->sizes[2],
                a->aligned + a->offset + i * a->strides[0], a->strides + 1,
                b->aligned + b->offset + i * b->strides[0], b->strides + 1,
                c->aligned + c->offset + i * c->strides[0], c->strides + 1);
}

} // namespace

extern "C" {

RESQ_RUNTIME_EXPORT void
_mlir_ciface_resq_matmul_f32(StridedMemRef<float, 2> *a,
                             StridedMemRef<float, 2> *b,
                             StridedMemRef<float, 2> *c) {
  matmul(a, b, c);
}

RESQ_RUNTIME_EXPORT void
_mlir_ciface_resq_batch_matmul_f32(StridedMemRef<float, 3> *a,
                                   StridedMemRef<float, 3> *b,
                                   StridedMemRef<float, 3> *c) {
  batchMatmul(a, b, c);
}

RESQ_RUNTIME_EXPORT void
_mlir_ciface_resq_matmul_s8s8s32(StridedMemRef<int8_t, 2> *a,
                                 StridedMemRef<int8_t, 2> *b,
                                 StridedMemRef<int32_t, 2> *c) {
  matmul(a, b, c);
}

RESQ_RUNTIME_EXPORT void
_mlir_ciface_resq_batch_matmul_s8s8s32(StridedMemRef<int8_t, 3> *a,
                                       StridedMemRef<int8_t, 3> *b,
                                       StridedMemRef<int32_t, 3> *c) {
  batchMatmul(a, b, c);
}

} // extern "C"
