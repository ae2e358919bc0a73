//===- GemmApi.cpp - the C entry points of the GEMMs ---------------------===//

#include "IsaDispatch.h"
#include "resq/runtime/Kernels.h"

#include <algorithm>

using namespace resq::cpu;

namespace {

/// Checks the sizes, handles the degenerate ones and calls the selected
/// implementation; nothing may throw across the C boundary.
template <typename In, typename Out>
void runGemm(void (*gemm)(const GemmArgs<In, Out> &),
             const GemmArgs<In, Out> &args) {
  if (args.m <= 0 || args.n <= 0 || !args.c)
    return;
  if (args.k <= 0) {
    if (!args.accumulate)
      for (int64_t i = 0; i < args.m; ++i)
        std::fill(args.c + i * args.ldc, args.c + i * args.ldc + args.n,
                  Out(0));
    return;
  }
  if (!args.a || !args.b)
    return;
  try {
    gemm(args);
  } catch (...) {
    // Only the thread pool's std::mutex could throw (std::system_error);
    // C callers cannot catch it.
  }
}

} // namespace

extern "C" void resq_gemm_f32(int64_t M, int64_t N, int64_t K, const float *A,
                              int64_t lda, const float *B, int64_t ldb,
                              float *C, int64_t ldc, int accumulate) {
  runGemm(selectedGemmF32(),
          GemmF32Args{M, N, K, A, lda, B, ldb, C, ldc, accumulate != 0});
}

extern "C" void resq_gemm_s8s8s32(int64_t M, int64_t N, int64_t K,
                                  const int8_t *A, int64_t lda, const int8_t *B,
                                  int64_t ldb, int32_t *C, int64_t ldc,
                                  int accumulate) {
  runGemm(selectedGemmS8(),
          GemmS8Args{M, N, K, A, lda, B, ldb, C, ldc, accumulate != 0});
}
