//===- GemmScalar.cpp - the portable GEMMs for any CPU -------------------===//
//
// Straightforward i-k-j loops (the compiler vectorizes the inner one with
// baseline SSE2): the fallback where no ISA kernel applies, and the
// reference the tests and benchmarks compare the fast kernels against.
//
//===----------------------------------------------------------------------===//

#include "GemmKernels.h"
#include "ThreadPool.h"

#include <algorithm>

namespace resq::cpu {

namespace {

/// Below this many multiply-adds per thread, waking a worker costs more than
/// it saves.
constexpr int64_t kMinMacsPerThread = int64_t(1) << 16;

template <typename In, typename Out> struct ScalarSplit {
  using Args = GemmArgs<In, Out>;
  using BlockFn = void (*)(const Args &, int64_t, int64_t, int64_t, int64_t);
  const Args *args;
  BlockFn block;
  int64_t parts;
  bool byRows;
};

template <typename In, typename Out>
void runScalarPart(void *context, int64_t part) {
  const auto &split = *static_cast<const ScalarSplit<In, Out> *>(context);
  const GemmArgs<In, Out> &args = *split.args;
  const int64_t extent = split.byRows ? args.m : args.n;
  const int64_t begin = part * extent / split.parts;
  const int64_t end = (part + 1) * extent / split.parts;
  if (split.byRows)
    split.block(args, begin, end, 0, args.n);
  else
    split.block(args, 0, args.m, begin, end);
}

/// One block per thread: row ranges when there are enough rows, column
/// ranges otherwise. Each element is computed whole by one block, so the
/// thread count never changes a result.
template <typename In, typename Out>
void runScalarSplit(const GemmArgs<In, Out> &args,
                    typename ScalarSplit<In, Out>::BlockFn block) {
  const int64_t macs = args.m * args.n * args.k;
  const int threads = static_cast<int>(
      std::clamp<int64_t>(macs / kMinMacsPerThread, 1, numThreads()));
  ScalarSplit<In, Out> split{&args, block, 1, true};
  if (threads > 1) {
    split.byRows = args.m >= threads;
    split.parts = std::min<int64_t>(threads, split.byRows ? args.m : args.n);
  }
  parallelFor(split.parts, threads, &runScalarPart<In, Out>, &split);
}

} // namespace

void gemmF32ScalarBlock(const GemmF32Args &args, int64_t rowBegin,
                        int64_t rowEnd, int64_t colBegin, int64_t colEnd) {
  for (int64_t i = rowBegin; i < rowEnd; ++i) {
    float *c = args.c + i * args.ldc;
    if (!args.accumulate)
      std::fill(c + colBegin, c + colEnd, 0.0f);
    for (int64_t k = 0; k < args.k; ++k) {
      const float a = args.a[i * args.lda + k];
      const float *b = args.b + k * args.ldb;
      for (int64_t j = colBegin; j < colEnd; ++j)
        c[j] += a * b[j];
    }
  }
}

void gemmS8ScalarBlock(const GemmS8Args &args, int64_t rowBegin, int64_t rowEnd,
                       int64_t colBegin, int64_t colEnd) {
  for (int64_t i = rowBegin; i < rowEnd; ++i) {
    int32_t *c = args.c + i * args.ldc;
    if (!args.accumulate)
      std::fill(c + colBegin, c + colEnd, 0);
    for (int64_t k = 0; k < args.k; ++k) {
      const int32_t a = args.a[i * args.lda + k];
      const int8_t *b = args.b + k * args.ldb;
      // Unsigned arithmetic wraps modulo 2^32 like the SIMD kernels, where
      // signed overflow would be undefined.
      for (int64_t j = colBegin; j < colEnd; ++j)
        c[j] = static_cast<int32_t>(static_cast<uint32_t>(c[j]) +
                                    static_cast<uint32_t>(a * b[j]));
    }
  }
}

void gemmF32Scalar(const GemmF32Args &args) {
  runScalarSplit(args, &gemmF32ScalarBlock);
}

void gemmS8Scalar(const GemmS8Args &args) {
  runScalarSplit(args, &gemmS8ScalarBlock);
}

} // namespace resq::cpu
