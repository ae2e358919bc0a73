//===- GemmBlocked.h - the packed, cache-blocked GEMM loop nest -*- C++ -*-===//
//
// Shared by the ISA-specific GEMMs, which differ only in their microkernel
// and packing (the Kernel parameter, see GemmF32Kernel.h and GemmS8Kernel.h).
//
// Everything here has internal linkage on purpose: each including
// translation unit is compiled with different target flags, and an inline
// function with external linkage could be merged by the linker with another
// ISA's copy and then run on a CPU that lacks that ISA.
//
// Per task (a block of rows times a block of columns):
//   for each block of Kernel::kKc values of k:
//     pack the task's rows of A into micro-panels of kMr rows   (in L2)
//     for each strip of a few panels of kNr columns of B:
//       pack the strip                                         (in L2)
//       for each panel, for each micro-panel of A: microkernel (panel in L1)
// With at most Kernel::kStreamMaxRows rows, kernels read A and B in place
// instead (streamColumns). No task splits the sum over k, and the row
// tiling depends on M alone, so the summation order of every element is
// independent of the thread count.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUNTIME_CPU_GEMMBLOCKED_H
#define RESQ_RUNTIME_CPU_GEMMBLOCKED_H

#include "GemmKernels.h"
#include "ThreadPool.h"

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace resq::cpu {
namespace {

/// Below this many multiply-adds per thread, waking a worker costs more than
/// it saves.
constexpr int64_t kMinMacsPerThread = int64_t(1) << 18;
constexpr size_t kScratchAlignment = 64;
/// Bytes of each row of B packed together (see BlockedGemm::kStripPanels).
constexpr int64_t kPackStripBytes = 512;
/// Streaming kernels split columns into blocks of a multiple of this, a
/// multiple of their vector chunks, so that only the matrix's last columns
/// take their scalar tail.
constexpr int64_t kStreamColumnUnit = 64;

constexpr int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
constexpr int64_t minOf(int64_t a, int64_t b) { return a < b ? a : b; }
constexpr int64_t maxOf(int64_t a, int64_t b) { return a > b ? a : b; }
constexpr int64_t gcdOf(int64_t a, int64_t b) {
  return b ? gcdOf(b, a % b) : a;
}
constexpr size_t alignUp(size_t bytes) {
  return (bytes + kScratchAlignment - 1) / kScratchAlignment *
         kScratchAlignment;
}

template <typename Kernel> class BlockedGemm {
  using In = typename Kernel::In;
  using Out = typename Kernel::Out;
  using Args = GemmArgs<In, Out>;
  static constexpr int kMr = Kernel::kMr;
  static constexpr int kNr = Kernel::kNr;
  static_assert(Kernel::kMc % kMr == 0, "row blocks must hold whole tiles");
  static_assert(Kernel::kStreamMaxRows <= Kernel::kMc,
                "streamed rows fit in one row block");

public:
  static void run(const Args &args) {
    Plan plan;
    plan.args = &args;
    const int64_t rowBlocks = ceilDiv(args.m, Kernel::kMc);
    plan.rowsPerBlock = ceilDiv(ceilDiv(args.m, rowBlocks), kMr) * kMr;
    plan.rowBlocks = ceilDiv(args.m, plan.rowsPerBlock);
    plan.streamB = args.m <= Kernel::kStreamMaxRows;
    plan.colUnit = plan.streamB ? kStreamColumnUnit : kNr;
    plan.colUnits = ceilDiv(args.n, plan.colUnit);

    const int64_t macs = args.m * args.n * args.k;
    const int threads = static_cast<int>(
        minOf(numThreads(),
              macs / kMinMacsPerThread > 1 ? macs / kMinMacsPerThread : 1));
    // Enough column blocks that the task count is a multiple of the thread
    // count, so that no thread idles at the end.
    plan.colBlocks =
        threads == 1
            ? 1
            : minOf(plan.colUnits, threads / gcdOf(plan.rowBlocks, threads));
    parallelFor(plan.rowBlocks * plan.colBlocks, threads, &runTask, &plan);
  }

private:
  struct Plan {
    const Args *args;
    int64_t rowsPerBlock, rowBlocks;
    int64_t colUnit;  // columns are split between tasks in these units
    int64_t colUnits; // ceil(n / colUnit)
    int64_t colBlocks;
    bool streamB;
  };

  struct Buffers {
    char *a;
    size_t aBytes; // per micro-panel
    char *b;
    size_t bBytes; // per panel
    Out *edge;
  };

  /// B is packed a strip of kPackStripBytes-wide rows at a time: reading
  /// one panel's 64 bytes from each of kKc rows would touch kKc pages for
  /// 16 KiB of data and miss the TLB on most of them.
  static constexpr int64_t kStripPanels =
      maxOf(1, kPackStripBytes / static_cast<int64_t>(kNr * sizeof(In)));
  static constexpr int64_t kStripCols = kStripPanels * kNr;

  using TileFn = void (*)(int64_t kc, const void *a, const void *b, Out *c,
                          int64_t ldc, bool add);

  template <int... Rows>
  static TileFn tileFor(int rows, std::integer_sequence<int, Rows...>) {
    static constexpr TileFn tiles[] = {&Kernel::template tile<Rows + 1>...};
    return tiles[rows - 1];
  }
  static TileFn tileFor(int rows) {
    return tileFor(rows, std::make_integer_sequence<int, kMr>());
  }

  static void runTask(void *context, int64_t task) {
    const Plan &plan = *static_cast<const Plan *>(context);
    const Args &args = *plan.args;
    const int64_t rowBlock = task / plan.colBlocks;
    const int64_t colBlock = task % plan.colBlocks;
    const int64_t rowBegin = rowBlock * plan.rowsPerBlock;
    const int64_t rowEnd = minOf(args.m, rowBegin + plan.rowsPerBlock);
    const int64_t colBegin =
        colBlock * plan.colUnits / plan.colBlocks * plan.colUnit;
    const int64_t colEnd = minOf(args.n, (colBlock + 1) * plan.colUnits /
                                             plan.colBlocks * plan.colUnit);
    if constexpr (Kernel::kStreamMaxRows > 0) {
      if (plan.streamB)
        return streamColumns(args, colBegin, colEnd);
    }

    const int64_t tiles = ceilDiv(rowEnd - rowBegin, kMr);
    const size_t aBytes = Kernel::packedABytes(Kernel::kKc);
    const size_t aBlockBytes = alignUp(tiles * aBytes);
    const size_t bBytes = alignUp(Kernel::packedBBytes(Kernel::kKc));
    const size_t stripBytes = kStripPanels * bBytes;
    const size_t edgeBytes = alignUp(sizeof(Out) * kMr * kNr);
    auto *scratch = static_cast<char *>(
        threadScratch(aBlockBytes + stripBytes + edgeBytes));
    if (!scratch)
      return scalarBlock(args, rowBegin, rowEnd, colBegin, colEnd);
    Buffers buffers{
        scratch, aBytes, scratch + aBlockBytes, bBytes,
        reinterpret_cast<Out *>(scratch + aBlockBytes + stripBytes)};
    for (int64_t kBegin = 0; kBegin < args.k; kBegin += Kernel::kKc)
      computeKBlock(args, buffers, rowBegin, rowEnd, colBegin, colEnd, kBegin);
  }

  static void computeKBlock(const Args &args, const Buffers &buffers,
                            int64_t rowBegin, int64_t rowEnd, int64_t colBegin,
                            int64_t colEnd, int64_t kBegin) {
    const int64_t kc = minOf(Kernel::kKc, args.k - kBegin);
    const bool add = args.accumulate || kBegin > 0;
    for (int64_t row = rowBegin, t = 0; row < rowEnd; row += kMr, ++t)
      Kernel::packA(args.a + row * args.lda + kBegin, args.lda,
                    static_cast<int>(minOf(kMr, rowEnd - row)), kc,
                    buffers.a + t * buffers.aBytes);

    for (int64_t strip = colBegin; strip < colEnd; strip += kStripCols) {
      const int64_t stripCols = minOf(kStripCols, colEnd - strip);
      Kernel::packB(args.b + kBegin * args.ldb + strip, args.ldb, stripCols, kc,
                    buffers.b, buffers.bBytes);
      for (int64_t col = strip, p = 0; col < strip + stripCols; col += kNr, ++p)
        computePanel(args, buffers, rowBegin, rowEnd, col,
                     static_cast<int>(minOf(kNr, colEnd - col)), kc,
                     buffers.b + p * buffers.bBytes, add);
    }
  }

  /// The micro-panels of A in the row block times one packed panel of B.
  static void computePanel(const Args &args, const Buffers &buffers,
                           int64_t rowBegin, int64_t rowEnd, int64_t col,
                           int cols, int64_t kc, const char *bPanel, bool add) {
    for (int64_t row = rowBegin, t = 0; row < rowEnd; row += kMr, ++t) {
      const int rows = static_cast<int>(minOf(kMr, rowEnd - row));
      const char *aPanel = buffers.a + t * buffers.aBytes;
      Out *c = args.c + row * args.ldc + col;
      if (cols == kNr) {
        tileFor(rows)(kc, aPanel, bPanel, c, args.ldc, add);
        continue;
      }
      // A partial panel is zero-padded to kNr columns: compute all of them
      // aside and keep the valid ones, with the same additions as above.
      tileFor(rows)(kc, aPanel, bPanel, buffers.edge, kNr, false);
      for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) {
          const Out value = buffers.edge[i * kNr + j];
          Out &out = c[i * args.ldc + j];
          out = add ? addWrapping(out, value) : value;
        }
    }
  }

  using StreamFn = void (*)(int64_t kc, const In *a, int64_t lda, const In *b,
                            int64_t ldb, int64_t n, Out *c, int64_t ldc,
                            bool add);

  template <int... Rows>
  static StreamFn streamFor(int rows, std::integer_sequence<int, Rows...>) {
    static constexpr StreamFn kernels[] = {
        &Kernel::template stream<Rows + 1>...};
    return kernels[rows - 1];
  }

  /// With a few rows, B is used once per element loaded: no packing, and B
  /// is read row by row, a few rows at a time, so that the hardware
  /// prefetcher sees a few long sequential streams. A block of C stays in L1
  /// across all of K.
  static void streamColumns(const Args &args, int64_t colBegin,
                            int64_t colEnd) {
    const StreamFn stream =
        streamFor(static_cast<int>(args.m),
                  std::make_integer_sequence<int, Kernel::kStreamMaxRows>());
    const int64_t blockCols =
        maxOf(kStreamColumnUnit, Kernel::kStreamCols / args.m /
                                     kStreamColumnUnit * kStreamColumnUnit);
    for (int64_t col = colBegin; col < colEnd; col += blockCols) {
      const int64_t cols = minOf(blockCols, colEnd - col);
      for (int64_t k = 0; k < args.k; k += Kernel::kStreamK)
        stream(minOf(Kernel::kStreamK, args.k - k), args.a + k, args.lda,
               args.b + k * args.ldb + col, args.ldb, cols, args.c + col,
               args.ldc, args.accumulate || k > 0);
    }
  }

  /// int32 sums wrap like the SIMD lanes do (modulo 2^32) instead of being
  /// undefined behaviour.
  static Out addWrapping(Out a, Out b) {
    if constexpr (std::is_integral_v<Out>)
      return static_cast<Out>(static_cast<uint32_t>(a) +
                              static_cast<uint32_t>(b));
    else
      return a + b;
  }

  static void scalarBlock(const GemmF32Args &args, int64_t rowBegin,
                          int64_t rowEnd, int64_t colBegin, int64_t colEnd) {
    gemmF32ScalarBlock(args, rowBegin, rowEnd, colBegin, colEnd);
  }
  static void scalarBlock(const GemmS8Args &args, int64_t rowBegin,
                          int64_t rowEnd, int64_t colBegin, int64_t colEnd) {
    gemmS8ScalarBlock(args, rowBegin, rowEnd, colBegin, colEnd);
  }
};

} // namespace
} // namespace resq::cpu

#endif // RESQ_RUNTIME_CPU_GEMMBLOCKED_H
