//===- ContentHash.h - a fast 64-bit hash of a file's bytes -----*- C++ -*-===//
//
// XXH64 (Yann Collet's xxHash, 64-bit variant, seed 0): fast enough to check
// a multi-gigabyte weight archive each time a compiled model is loaded, and
// the same value `xxhsum -H1` and llvm::xxHash64 print. It detects accidents
// (a file from another compilation, a truncated copy), not tampering. Plain
// C++, no MLIR or LLVM: the runtime links it.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_MANIFEST_CONTENTHASH_H
#define RESQ_MANIFEST_CONTENTHASH_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace resq::manifest {

/// XXH64 of `size` bytes at `data`, seed 0.
uint64_t hashBytes(const uint8_t *data, size_t size);

/// The size and XXH64 of the regular file at `path`; false with `error` set
/// when it cannot be read.
bool hashFile(const std::string &path, uint64_t &size, uint64_t &hash,
              std::string &error);

} // namespace resq::manifest

#endif // RESQ_MANIFEST_CONTENTHASH_H
