//===- GemmS8Kernel.h - the exact int8 microkernel --------------*- C++ -*-===//
//
// One microkernel for every int8 ISA, built on VNNI's u8 x s8 dot product of
// four k values per int32 lane. A is offset by +128 into u8, so
//   sum_k (a + 128) * b = sum_k a * b + 128 * sum_k b,
// and each B panel carries 128 * sum_k b per column to subtract. Every step
// is exact in int32 modulo 2^32, so the result is the true sum whenever that
// fits. The Dot parameter supplies the dot product: the VNNI instruction, or
// on AVX2 / AVX-512BW an exact emulation with vpmaddwd on int16 halves (no
// vpmaddubsw, which saturates). Sharing the packing and the compensation
// means the AVX2 tests exercise all of it for the VNNI kernels too.
//
// Packed layouts, with g = k / 4 within the K block:
//   A micro-panel: int32 [g][kMr][Dot::kAWords]  (a + 128; rows past the
//     matrix are never read). One word holds the u8 quad; with two words the
//     first holds (a0, a2) and the second (a1, a3) as int16.
//   B panel: int8 [g][kNr][4], b as is (zero past the matrix in k and n),
//     then int32 [kNr] holding 128 * sum_k b.
//
// Internal linkage for the reason given in GemmBlocked.h.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUNTIME_CPU_GEMMS8KERNEL_H
#define RESQ_RUNTIME_CPU_GEMMS8KERNEL_H

#include "GemmS8Stream.h"

#include <cstddef>
#include <cstdint>

#include <emmintrin.h>

namespace resq::cpu {
namespace {

/// k values per int32 lane of the dot product.
constexpr int kS8Group = 4;
/// The offset that makes a signed byte unsigned.
constexpr uint32_t kS8Offset = 128;
/// log2(kS8Offset): the compensation is a shifted column sum.
constexpr int kS8OffsetShift = 7;

/// Mr x (Nv vectors) accumulators; Kc values of k per block (a multiple of
/// kS8Group); Mc rows per block.
template <typename Dot, int Mr, int Nv, int64_t Kc, int64_t Mc>
struct GemmS8Kernel {
  using In = int8_t;
  using Out = int32_t;
  using Reg = typename Dot::Reg;
  static constexpr int kMr = Mr;
  static constexpr int kNr = Nv * Dot::kLanes;
  static constexpr int64_t kKc = Kc;
  static constexpr int64_t kMc = Mc;
  /// Streaming (see GemmS8Stream.h): up to kS8StreamMaxRows rows of C,
  /// kS8StreamK rows of B per pass over a block of kStreamCols elements of
  /// C (16 KiB, in L1).
  static constexpr int kStreamMaxRows =
      Mr < kS8StreamMaxRows ? Mr : kS8StreamMaxRows;
  static constexpr int64_t kStreamK = kS8StreamK;
  static constexpr int64_t kStreamCols = 4096;
  template <int Rows>
  static void stream(int64_t kc, const int8_t *a, int64_t lda, const int8_t *b,
                     int64_t ldb, int64_t n, int32_t *c, int64_t ldc,
                     bool add) {
    streamS8<Rows>(kc, a, lda, b, ldb, n, c, ldc, add);
  }
  static_assert(Kc % kS8Group == 0, "only the last K block may be partial");

  static int64_t groups(int64_t kc) { return (kc + kS8Group - 1) / kS8Group; }
  static size_t packedABytes(int64_t kc) {
    return sizeof(int32_t) * groups(kc) * kMr * Dot::kAWords;
  }
  static size_t packedBBytes(int64_t kc) {
    return static_cast<size_t>(groups(kc)) * kNr * kS8Group +
           sizeof(int32_t) * kNr;
  }

  static void packA(const int8_t *a, int64_t lda, int rows, int64_t kc,
                    void *dst) {
    auto *out = static_cast<int32_t *>(dst);
    for (int r = 0; r < rows; ++r) {
      const int8_t *row = a + r * lda;
      for (int64_t g = 0; g < groups(kc); ++g) {
        uint32_t u[kS8Group];
        for (int t = 0; t < kS8Group; ++t) {
          const int64_t k = g * kS8Group + t;
          const int32_t value = k < kc ? row[k] : 0;
          u[t] = static_cast<uint32_t>(value + int32_t(kS8Offset));
        }
        int32_t *word = out + (g * kMr + r) * Dot::kAWords;
        if constexpr (Dot::kAWords == 1) {
          word[0] =
              static_cast<int32_t>(u[0] | u[1] << 8 | u[2] << 16 | u[3] << 24);
        } else {
          word[0] = static_cast<int32_t>(u[0] | u[2] << 16);
          word[1] = static_cast<int32_t>(u[1] | u[3] << 16);
        }
      }
    }
  }

  /// Packs ceil(cols / kNr) panels, panelBytes apart, four rows at a time.
  static void packB(const int8_t *b, int64_t ldb, int64_t cols, int64_t kc,
                    void *dst, size_t panelBytes) {
    auto *out = static_cast<int8_t *>(dst);
    const int64_t fullPanels = cols / kNr;
    const int tail = static_cast<int>(cols % kNr);
    const int64_t numGroups = groups(kc);
    for (int64_t g = 0; g < numGroups; ++g) {
      // Rows past kc read as zero.
      const int8_t *rows[kS8Group];
      for (int t = 0; t < kS8Group; ++t) {
        const int64_t k = g * kS8Group + t;
        rows[t] = k < kc ? b + k * ldb : nullptr;
      }
      const int64_t groupOffset = g * kNr * kS8Group;
      for (int64_t p = 0; p < fullPanels; ++p)
        interleave(rows, p * kNr, out + p * panelBytes + groupOffset);
      if (tail)
        interleavePartial(rows, fullPanels * kNr, tail,
                          out + fullPanels * panelBytes + groupOffset);
    }
    for (int64_t p = 0; p < fullPanels + (tail ? 1 : 0); ++p) {
      int8_t *panel = out + p * panelBytes;
      storeCompensation(
          panel, numGroups,
          reinterpret_cast<int32_t *>(panel + numGroups * kNr * kS8Group));
    }
  }

  /// C[Rows x kNr] = (add ? C : 0) + A-panel * B-panel over kc values of k.
  template <int Rows>
  static void tile(int64_t kc, const void *aPanel, const void *bPanel,
                   int32_t *c, int64_t ldc, bool add) {
    const auto *a = static_cast<const int32_t *>(aPanel);
    const auto *b = static_cast<const int8_t *>(bPanel);
    const int64_t numGroups = groups(kc);
    // C is only touched after the loop: start fetching it now, so that its
    // misses (C is often larger than L2) overlap the arithmetic.
    for (int i = 0; i < Rows; ++i) {
      __builtin_prefetch(c + i * ldc, 1);
      __builtin_prefetch(c + i * ldc + kNr - 1, 1);
    }
    Reg acc[Rows][Nv];
    for (int i = 0; i < Rows; ++i)
      for (int j = 0; j < Nv; ++j)
        acc[i][j] = Dot::zero();
    for (int64_t g = 0; g < numGroups; ++g) {
      const int32_t *ag = a + g * kMr * Dot::kAWords;
      const int8_t *bg = b + g * kNr * kS8Group;
      typename Dot::B bv[Nv];
      for (int j = 0; j < Nv; ++j)
        bv[j] = Dot::prepareB(bg + j * Dot::kLanes * kS8Group);
      for (int i = 0; i < Rows; ++i)
        for (int j = 0; j < Nv; ++j)
          acc[i][j] = Dot::dot(acc[i][j], ag + i * Dot::kAWords, bv[j]);
    }
    const auto *compensation =
        reinterpret_cast<const int32_t *>(b + numGroups * kNr * kS8Group);
    for (int i = 0; i < Rows; ++i)
      for (int j = 0; j < Nv; ++j) {
        int32_t *out = c + i * ldc + j * Dot::kLanes;
        Reg v = Dot::sub(acc[i][j], Dot::load(compensation + j * Dot::kLanes));
        Dot::store(out, add ? Dot::add(Dot::load(out), v) : v);
      }
  }

private:
  /// kNr columns of four rows become kNr column quads, with SSE2 only.
  static void interleave(const int8_t *const rows[kS8Group], int64_t col,
                         int8_t *out) {
    static_assert(kNr % 16 == 0, "panels are whole 16-column chunks");
    auto *quads = reinterpret_cast<__m128i *>(out);
    for (int n = 0; n < kNr; n += 16, quads += 4) {
      __m128i r[kS8Group];
      for (int t = 0; t < kS8Group; ++t)
        r[t] = rows[t] ? _mm_loadu_si128(reinterpret_cast<const __m128i *>(
                             rows[t] + col + n))
                       : _mm_setzero_si128();
      const __m128i lo01 = _mm_unpacklo_epi8(r[0], r[1]);
      const __m128i hi01 = _mm_unpackhi_epi8(r[0], r[1]);
      const __m128i lo23 = _mm_unpacklo_epi8(r[2], r[3]);
      const __m128i hi23 = _mm_unpackhi_epi8(r[2], r[3]);
      _mm_storeu_si128(quads + 0, _mm_unpacklo_epi16(lo01, lo23));
      _mm_storeu_si128(quads + 1, _mm_unpackhi_epi16(lo01, lo23));
      _mm_storeu_si128(quads + 2, _mm_unpacklo_epi16(hi01, hi23));
      _mm_storeu_si128(quads + 3, _mm_unpackhi_epi16(hi01, hi23));
    }
  }

  /// The last, partial panel: zero past `cols`.
  static void interleavePartial(const int8_t *const rows[kS8Group], int64_t col,
                                int cols, int8_t *out) {
    for (int n = 0; n < kNr; ++n)
      for (int t = 0; t < kS8Group; ++t)
        out[n * kS8Group + t] =
            rows[t] && n < cols ? rows[t][col + n] : int8_t(0);
  }

  /// The column sums are the dot product of the panel with all-ones bytes.
  static void storeCompensation(const int8_t *panel, int64_t numGroups,
                                int32_t *compensation) {
    int32_t ones[Dot::kAWords];
    for (int w = 0; w < Dot::kAWords; ++w)
      ones[w] = Dot::kAWords == 1 ? 0x01010101 : 0x00010001;
    Reg sums[Nv];
    for (int j = 0; j < Nv; ++j)
      sums[j] = Dot::zero();
    for (int64_t g = 0; g < numGroups; ++g)
      for (int j = 0; j < Nv; ++j)
        sums[j] = Dot::dot(
            sums[j], ones,
            Dot::prepareB(panel + (g * kNr + j * Dot::kLanes) * kS8Group));
    for (int j = 0; j < Nv; ++j)
      Dot::store(compensation + j * Dot::kLanes,
                 Dot::shiftLeft(sums[j], kS8OffsetShift));
  }
};

} // namespace
} // namespace resq::cpu

#endif // RESQ_RUNTIME_CPU_GEMMS8KERNEL_H
