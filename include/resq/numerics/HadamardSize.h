//===- HadamardSize.h - which sizes have a resq Hadamard matrix -*- C++ -*-===//
//
// resq builds an n x n Hadamard matrix as H_K (x) H_(2^m): a K x K factor from
// a fixed table times a Sylvester power of two. This header-only table is
// shared by the dialect's verifier and by lib/numerics, so that the sizes the
// IR accepts are exactly the sizes the compiler can build. Plain C++, no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_NUMERICS_HADAMARDSIZE_H
#define RESQ_NUMERICS_HADAMARDSIZE_H

#include <array>
#include <cstdint>
#include <optional>

namespace resq::numerics {

/// The K x K factors resq supports, ascending. K = 1 means a pure power of
/// two. The others cover the MLP widths of common Llama models (see
/// ALGORITHMS.md section 2): e.g. 11008 = 172 * 64, 14336 = 28 * 512.
inline constexpr std::array<int64_t, 12> kHadamardFactors = {
    1, 12, 20, 28, 36, 40, 52, 60, 108, 140, 156, 172};

/// n = factor * 2^log2PowerOfTwo.
struct HadamardSize {
  int64_t factor;
  int64_t log2PowerOfTwo;
};

/// Splits n into a supported factor times the largest power of two that
/// leaves it, or nullopt when no supported factor fits. The largest power of
/// two is tried first so the fast Walsh-Hadamard part is as big as possible.
inline std::optional<HadamardSize> factorHadamardSize(int64_t n) {
  if (n <= 0)
    return std::nullopt;
  int64_t log2 = 0;
  int64_t odd = n;
  while (odd % 2 == 0) {
    odd /= 2;
    ++log2;
  }
  // Give factors of two back to K until K is in the table (40 = 5 * 8 is
  // K = 40, m = 0 or K = 20, m = 1: the latter keeps more FWHT work).
  for (int64_t m = log2; m >= 0; --m) {
    int64_t factor = n >> m;
    for (int64_t k : kHadamardFactors)
      if (k == factor)
        return HadamardSize{factor, m};
  }
  return std::nullopt;
}

} // namespace resq::numerics

#endif // RESQ_NUMERICS_HADAMARDSIZE_H
