//===- RandomSigns.h - the sign vector of a randomized Hadamard -*- C++ -*-===//
//
// `resq.rotate hadamard seed S` is Q = diag(s) * H_n / sqrt(n) with
// s_j = randomSign(S, j). The signs are defined here, once, so that the CPU
// lowering (the reference), the passes that fuse rotations into weights and
// every backend draw the same vector: bit 63 of splitmix64(splitmix64(S) + j)
// set means -1. Plain C++, no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_NUMERICS_RANDOMSIGNS_H
#define RESQ_NUMERICS_RANDOMSIGNS_H

#include <cstdint>

namespace resq::numerics {

/// One step of Steele, Lea and Flood's SplitMix64 generator.
inline uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// s_j in {+1, -1} of the randomized Hadamard transform with `seed`.
inline int randomSign(int64_t seed, int64_t j) {
  uint64_t bits = splitmix64(splitmix64(uint64_t(seed)) + uint64_t(j));
  return (bits >> 63) ? -1 : 1;
}

} // namespace resq::numerics

#endif // RESQ_NUMERICS_RANDOMSIGNS_H
