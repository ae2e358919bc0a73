//===- MatmulEntry.cpp - the GEMM entry points lowered code calls ---------===//
//
// --resq-matmul-to-runtime turns f32 linalg.matmul / linalg.batch_matmul into
// calls of these, with strided memref descriptors (C interface). Row-major
// operands with unit inner stride go to resq_gemm_f32 (runtime/cpu); any
// other layout takes a strided loop. Semantics of linalg: C += A * B.
//
//===----------------------------------------------------------------------===//

#include "resq/Runtime.h"
#include "resq/runtime/Kernels.h"

#include <cstdint>

namespace {

template <int Rank> struct StridedMemRef {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];
};

/// C[M,N] += A[M,K] * B[K,N] for one 2-D slice given by base pointers and
/// strides.
void matmulSlice(int64_t M, int64_t N, int64_t K, const float *a,
                 const int64_t *aStrides, const float *b,
                 const int64_t *bStrides, float *c, const int64_t *cStrides) {
  if (aStrides[1] == 1 && bStrides[1] == 1 && cStrides[1] == 1) {
    resq_gemm_f32(M, N, K, a, aStrides[0], b, bStrides[0], c, cStrides[0],
                  /*accumulate=*/1);
    return;
  }
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      float &out = c[m * cStrides[0] + n * cStrides[1]];
      for (int64_t k = 0; k < K; ++k)
        out += a[m * aStrides[0] + k * aStrides[1]] *
               b[k * bStrides[0] + n * bStrides[1]];
    }
}

} // namespace

extern "C" RESQ_RUNTIME_EXPORT void
_mlir_ciface_resq_matmul_f32(StridedMemRef<2> *a, StridedMemRef<2> *b,
                             StridedMemRef<2> *c) {
  matmulSlice(a->sizes[0], b->sizes[1], a->sizes[1], a->aligned + a->offset,
              a->strides, b->aligned + b->offset, b->strides,
              c->aligned + c->offset, c->strides);
}

extern "C" RESQ_RUNTIME_EXPORT void
_mlir_ciface_resq_batch_matmul_f32(StridedMemRef<3> *a, StridedMemRef<3> *b,
                                   StridedMemRef<3> *c) {
  for (int64_t i = 0; i < a->sizes[0]; ++i)
    matmulSlice(a->sizes[1], b->sizes[2], a->sizes[2],
                a->aligned + a->offset + i * a->strides[0], a->strides + 1,
                b->aligned + b->offset + i * b->strides[0], b->strides + 1,
                c->aligned + c->offset + i * c->strides[0], c->strides + 1);
}
