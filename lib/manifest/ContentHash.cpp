//===- ContentHash.cpp - XXH64 of bytes and files -------------------------===//
//
// Written from the algorithm's description: four 64-bit lanes take 32-byte
// stripes (multiply, rotate, multiply), are merged, and the tail and an
// avalanche mix finish the value.
//
//===----------------------------------------------------------------------===//

#include "resq/manifest/ContentHash.h"
#include "resq/params/MappedFile.h"

#include <cstring>

namespace resq::manifest {
namespace {

constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;
constexpr uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
constexpr uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

uint64_t rotl(uint64_t x, int bits) { return (x << bits) | (x >> (64 - bits)); }

// Little-endian loads (the hash is defined on little-endian words).
uint64_t load64(const uint8_t *p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
uint32_t load32(const uint8_t *p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

uint64_t round(uint64_t acc, uint64_t input) {
  return rotl(acc + input * kPrime2, 31) * kPrime1;
}

uint64_t merge(uint64_t hash, uint64_t lane) {
  return (hash ^ round(0, lane)) * kPrime1 + kPrime4;
}

} // namespace

uint64_t hashBytes(const uint8_t *data, size_t size) {
  const uint8_t *p = data;
  const uint8_t *end = data + size;
  uint64_t hash;
  if (size >= 32) {
    uint64_t v1 = kPrime1 + kPrime2, v2 = kPrime2, v3 = 0, v4 = -kPrime1;
    for (; end - p >= 32; p += 32) {
      v1 = round(v1, load64(p));
      v2 = round(v2, load64(p + 8));
      v3 = round(v3, load64(p + 16));
      v4 = round(v4, load64(p + 24));
    }
    hash = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    hash = merge(merge(merge(merge(hash, v1), v2), v3), v4);
  } else {
    hash = kPrime5;
  }
  hash += static_cast<uint64_t>(size);
  for (; end - p >= 8; p += 8)
    hash = rotl(hash ^ round(0, load64(p)), 27) * kPrime1 + kPrime4;
  if (end - p >= 4) {
    hash = rotl(hash ^ (load32(p) * kPrime1), 23) * kPrime2 + kPrime3;
    p += 4;
  }
  for (; p < end; ++p)
    hash = rotl(hash ^ (*p * kPrime5), 11) * kPrime1;
  hash ^= hash >> 33;
  hash *= kPrime2;
  hash ^= hash >> 29;
  hash *= kPrime3;
  hash ^= hash >> 32;
  return hash;
}

bool hashFile(const std::string &path, uint64_t &size, uint64_t &hash,
              std::string &error) {
  std::shared_ptr<params::MappedFile> file =
      params::MappedFile::open(path, error);
  if (!file)
    return false;
  size = file->size();
  hash = hashBytes(file->data(), file->size());
  return true;
}

} // namespace resq::manifest
