//===- GemmS8Stream.h - exact int8 GEMM reading B in place ------*- C++ -*-===//
//
// For a few rows of A, packing B into quads costs more than the arithmetic
// it feeds. This kernel reads B row pairs in place instead: the bytes of
// rows k and k+1 are interleaved and sign-extended to int16 pairs, and
// vpmaddwd against (a[k], a[k+1]) sums two products of at most 128 * 128
// into int32, exactly. Uses AVX2 only, so every int8 ISA kernel shares it.
//
// Internal linkage for the reason given in GemmBlocked.h.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUNTIME_CPU_GEMMS8STREAM_H
#define RESQ_RUNTIME_CPU_GEMMS8STREAM_H

#include <cstdint>

#include <immintrin.h>

namespace resq::cpu {
namespace {

/// Rows of C the streaming kernel handles: up to 5 it beats the packed
/// kernel on Zen 3, at 6 (a full AVX2 tile) it loses to it.
constexpr int kS8StreamMaxRows = 5;
/// Rows of B per pass over a block of C: few enough for the hardware
/// prefetcher to follow each as a sequential stream.
constexpr int64_t kS8StreamK = 16;
/// Columns per step: two ymm of int32.
constexpr int kS8StreamCols = 16;

/// C[Rows x n] = (add ? C : 0) + A[Rows x kc] * B[kc x n] with kc <=
/// kS8StreamK, all in place; sums wrap modulo 2^32 like the other kernels.
template <int Rows>
void streamS8(int64_t kc, const int8_t *a, int64_t lda, const int8_t *b,
              int64_t ldb, int64_t n, int32_t *c, int64_t ldc, bool add) {
  constexpr int kMaxPairs = kS8StreamK / 2;
  const int64_t pairs = (kc + 1) / 2;
  // (a[k], a[k+1]) as the two int16 halves of one word; zero past kc.
  int32_t aPairs[Rows][kMaxPairs];
  for (int i = 0; i < Rows; ++i)
    for (int64_t p = 0; p < pairs; ++p) {
      const int8_t lo = a[i * lda + 2 * p];
      const int8_t hi = 2 * p + 1 < kc ? a[i * lda + 2 * p + 1] : int8_t(0);
      aPairs[i][p] = static_cast<int32_t>(
          static_cast<uint16_t>(lo) |
          static_cast<uint32_t>(static_cast<uint16_t>(hi)) << 16);
    }

  int64_t j = 0;
  for (; j + kS8StreamCols <= n; j += kS8StreamCols) {
    __m256i acc[Rows][2];
    for (int i = 0; i < Rows; ++i)
      for (int h = 0; h < 2; ++h)
        acc[i][h] = add ? _mm256_loadu_si256(reinterpret_cast<__m256i *>(
                              c + i * ldc + j + 8 * h))
                        : _mm256_setzero_si256();
    for (int64_t p = 0; p < pairs; ++p) {
      const int8_t *row = b + 2 * p * ldb + j;
      const __m128i r0 =
          _mm_loadu_si128(reinterpret_cast<const __m128i *>(row));
      const __m128i r1 =
          2 * p + 1 < kc
              ? _mm_loadu_si128(reinterpret_cast<const __m128i *>(row + ldb))
              : _mm_setzero_si128();
      const __m256i lo = _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(r0, r1));
      const __m256i hi = _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(r0, r1));
      for (int i = 0; i < Rows; ++i) {
        const __m256i w = _mm256_set1_epi32(aPairs[i][p]);
        acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(w, lo));
        acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(w, hi));
      }
    }
    for (int i = 0; i < Rows; ++i)
      for (int h = 0; h < 2; ++h)
        _mm256_storeu_si256(
            reinterpret_cast<__m256i *>(c + i * ldc + j + 8 * h), acc[i][h]);
  }
  for (int i = 0; i < Rows; ++i)
    for (int64_t jt = j; jt < n; ++jt) {
      uint32_t sum = add ? static_cast<uint32_t>(c[i * ldc + jt]) : 0u;
      for (int64_t k = 0; k < kc; ++k)
        sum += static_cast<uint32_t>(int32_t(a[i * lda + k]) * b[k * ldb + jt]);
      c[i * ldc + jt] = static_cast<int32_t>(sum);
    }
}

} // namespace
} // namespace resq::cpu

#endif // RESQ_RUNTIME_CPU_GEMMS8STREAM_H
