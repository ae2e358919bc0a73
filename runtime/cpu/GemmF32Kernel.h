//===- GemmF32Kernel.h - the f32 microkernel over a SIMD width --*- C++ -*-===//
//
// One register-blocked microkernel for every f32 ISA; the Vec parameter
// supplies the vector type and its handful of operations, so the AVX-512
// instance differs from the tested AVX2 one in those one-liners only.
//
// Packed layouts (k is the index within the K block):
//   A micro-panel: float [k][kMr]  (rows past the matrix are never read)
//   B panel:       float [k][kNr]  (columns past the matrix are zero)
// With at most kMr rows, stream() reads A and B in place instead.
//
// Internal linkage for the reason given in GemmBlocked.h.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUNTIME_CPU_GEMMF32KERNEL_H
#define RESQ_RUNTIME_CPU_GEMMF32KERNEL_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace resq::cpu {
namespace {

/// Mr x (Nv vectors) accumulators; Kc values of k per block; Mc rows per
/// block.
template <typename Vec, int Mr, int Nv, int64_t Kc, int64_t Mc>
struct GemmF32Kernel {
  using In = float;
  using Out = float;
  using Reg = typename Vec::Reg;
  static constexpr int kMr = Mr;
  static constexpr int kNr = Nv * Vec::kLanes;
  static constexpr int64_t kKc = Kc;
  static constexpr int64_t kMc = Mc;
  /// Streaming: up to kMr rows of C, kStreamK rows of B per pass over a
  /// block of kStreamCols elements of C (16 KiB, in L1).
  static constexpr int kStreamMaxRows = Mr;
  static constexpr int64_t kStreamK = 8;
  static constexpr int64_t kStreamCols = 4096;

  static size_t packedABytes(int64_t kc) { return sizeof(float) * kc * kMr; }
  static size_t packedBBytes(int64_t kc) { return sizeof(float) * kc * kNr; }

  static void packA(const float *a, int64_t lda, int rows, int64_t kc,
                    void *dst) {
    auto *out = static_cast<float *>(dst);
    for (int r = 0; r < rows; ++r)
      for (int64_t k = 0; k < kc; ++k)
        out[k * kMr + r] = a[r * lda + k];
  }

  /// Packs ceil(cols / kNr) panels, panelBytes apart, row by row.
  static void packB(const float *b, int64_t ldb, int64_t cols, int64_t kc,
                    void *dst, size_t panelBytes) {
    auto *out = static_cast<char *>(dst);
    const int64_t fullPanels = cols / kNr;
    const int64_t tail = cols % kNr;
    for (int64_t k = 0; k < kc; ++k) {
      const float *row = b + k * ldb;
      for (int64_t p = 0; p < fullPanels; ++p)
        // A constant size, so that the copy compiles to vector moves.
        std::memcpy(out + p * panelBytes + sizeof(float) * k * kNr,
                    row + p * kNr, sizeof(float) * kNr);
      if (tail == 0)
        continue;
      auto *last =
          reinterpret_cast<float *>(out + fullPanels * panelBytes) + k * kNr;
      for (int j = 0; j < kNr; ++j)
        last[j] = j < tail ? row[fullPanels * kNr + j] : 0.0f;
    }
  }

  /// C[Rows x kNr] = (add ? C : 0) + A-panel * B-panel over kc values of k.
  template <int Rows>
  static void tile(int64_t kc, const void *aPanel, const void *bPanel, float *c,
                   int64_t ldc, bool add) {
    // A few rows give too few independent FMA chains to hide the FMA
    // latency; interleaved accumulator sets over k supply the rest.
    constexpr int kSets = Rows >= 4 ? 1 : (Rows == 1 ? 4 : 2);
    const auto *a = static_cast<const float *>(aPanel);
    const auto *b = static_cast<const float *>(bPanel);
    // C is only touched after the loop: start fetching it now, so that its
    // misses (C is often larger than L2) overlap the arithmetic.
    for (int i = 0; i < Rows; ++i) {
      __builtin_prefetch(c + i * ldc, 1);
      __builtin_prefetch(c + i * ldc + kNr - 1, 1);
    }
    Reg acc[kSets][Rows][Nv];
    for (int s = 0; s < kSets; ++s)
      for (int i = 0; i < Rows; ++i)
        for (int j = 0; j < Nv; ++j)
          acc[s][i][j] = Vec::zero();

    int64_t k = 0;
    // Unrolled, the loop counter costs less than the 12 FMAs' issue slots
    // (a few percent on Zen 3).
#pragma GCC unroll 4
    for (; k + kSets <= kc; k += kSets)
      for (int s = 0; s < kSets; ++s)
        step<Rows>(acc[s], a + (k + s) * kMr, b + (k + s) * kNr);
    for (; k < kc; ++k)
      step<Rows>(acc[0], a + k * kMr, b + k * kNr);

    for (int s = 1; s < kSets; ++s)
      for (int i = 0; i < Rows; ++i)
        for (int j = 0; j < Nv; ++j)
          acc[0][i][j] = Vec::add(acc[0][i][j], acc[s][i][j]);
    for (int i = 0; i < Rows; ++i)
      for (int j = 0; j < Nv; ++j) {
        float *out = c + i * ldc + j * Vec::kLanes;
        Vec::store(out,
                   add ? Vec::add(Vec::load(out), acc[0][i][j]) : acc[0][i][j]);
      }
  }

  /// C[Rows x n] = (add ? C : 0) + A[Rows x kc] * B[kc x n], all in place.
  /// Each element is one chain of fused multiply-adds in k order, whether
  /// it falls in a vector chunk or in the scalar tail, so where the caller
  /// splits the columns never changes a bit.
  template <int Rows>
  static void stream(int64_t kc, const float *a, int64_t lda, const float *b,
                     int64_t ldb, int64_t n, float *c, int64_t ldc, bool add) {
    // As many vectors per row as the registers hold next to B's, a power
    // of two so that chunks tile the caller's column blocks.
    constexpr int kFit = (Vec::kRegisters - 1) / (Rows + 1);
    constexpr int kW = kFit >= 4 ? 4 : kFit >= 2 ? 2 : 1;
    constexpr int kChunk = kW * Vec::kLanes;
    int64_t j = 0;
    for (; j + kChunk <= n; j += kChunk) {
      Reg acc[Rows][kW];
      for (int i = 0; i < Rows; ++i)
        for (int w = 0; w < kW; ++w)
          acc[i][w] =
              add ? Vec::load(c + i * ldc + j + w * Vec::kLanes) : Vec::zero();
      for (int64_t k = 0; k < kc; ++k) {
        Reg bv[kW];
        for (int w = 0; w < kW; ++w)
          bv[w] = Vec::load(b + k * ldb + j + w * Vec::kLanes);
        for (int i = 0; i < Rows; ++i) {
          const Reg ai = Vec::broadcast(a + i * lda + k);
          for (int w = 0; w < kW; ++w)
            acc[i][w] = Vec::fma(ai, bv[w], acc[i][w]);
        }
      }
      for (int i = 0; i < Rows; ++i)
        for (int w = 0; w < kW; ++w)
          Vec::store(c + i * ldc + j + w * Vec::kLanes, acc[i][w]);
    }
    for (int i = 0; i < Rows; ++i)
      for (int64_t jt = j; jt < n; ++jt) {
        float sum = add ? c[i * ldc + jt] : 0.0f;
        for (int64_t k = 0; k < kc; ++k)
          sum = __builtin_fmaf(a[i * lda + k], b[k * ldb + jt], sum);
        c[i * ldc + jt] = sum;
      }
  }

private:
  template <int Rows>
  __attribute__((always_inline)) static void
  step(Reg (&acc)[Rows][Nv], const float *a, const float *b) {
    Reg bv[Nv];
    for (int j = 0; j < Nv; ++j)
      bv[j] = Vec::load(b + j * Vec::kLanes);
    for (int i = 0; i < Rows; ++i) {
      const Reg ai = Vec::broadcast(a + i);
      for (int j = 0; j < Nv; ++j)
        acc[i][j] = Vec::fma(ai, bv[j], acc[i][j]);
    }
  }
};

} // namespace
} // namespace resq::cpu

#endif // RESQ_RUNTIME_CPU_GEMMF32KERNEL_H
