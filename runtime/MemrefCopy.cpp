//===- MemrefCopy.cpp - the copy helper lowered code calls ----------------===//
//
// finalize-memref-to-llvm lowers a memref.copy between non-contiguous
// memrefs to a call of `memrefCopy(elementSize, src, dst)` with unranked
// descriptors. MLIR's runner-utils library has one; a compiled model must not
// depend on MLIR, so the runtime provides its own.
//
//===----------------------------------------------------------------------===//

#include "resq/Runtime.h"

#include <cstdint>
#include <cstring>

namespace {

/// An unranked memref: the rank and a pointer to the ranked descriptor
/// {allocated, aligned, offset, sizes[rank], strides[rank]}.
struct UnrankedDescriptor {
  int64_t rank;
  void *descriptor;
};

struct View {
  char *base;
  const int64_t *sizes;
  const int64_t *strides;
};

View viewOf(const UnrankedDescriptor &memref, int64_t elementSize) {
  auto *fields = static_cast<int64_t *>(memref.descriptor);
  char *aligned = reinterpret_cast<char *>(fields[1]);
  return {aligned + fields[2] * elementSize, fields + 3,
          fields + 3 + memref.rank};
}

} // namespace

extern "C" RESQ_RUNTIME_EXPORT void memrefCopy(int64_t elementSize,
                                               UnrankedDescriptor *src,
                                               UnrankedDescriptor *dst) {
  int64_t rank = src->rank;
  View from = viewOf(*src, elementSize);
  View to = viewOf(*dst, elementSize);
  for (int64_t d = 0; d < rank; ++d)
    if (from.sizes[d] == 0)
      return;
  if (rank == 0) {
    std::memcpy(to.base, from.base, elementSize);
    return;
  }
  // Odometer over all dims but the last; the innermost run is copied with
  // memcpy when both sides are unit-stride there.
  int64_t inner = from.sizes[rank - 1];
  bool contiguousInner =
      from.strides[rank - 1] == 1 && to.strides[rank - 1] == 1;
  int64_t index[64] = {0};
  if (rank > 64)
    return; // Lowered code never builds memrefs of this rank.
  while (true) {
    int64_t srcOffset = 0, dstOffset = 0;
    for (int64_t d = 0; d + 1 < rank; ++d) {
      srcOffset += index[d] * from.strides[d];
      dstOffset += index[d] * to.strides[d];
    }
    if (contiguousInner) {
      std::memcpy(to.base + dstOffset * elementSize,
                  from.base + srcOffset * elementSize, inner * elementSize);
    } else {
      for (int64_t i = 0; i < inner; ++i)
        std::memcpy(
            to.base + (dstOffset + i * to.strides[rank - 1]) * elementSize,
            from.base + (srcOffset + i * from.strides[rank - 1]) * elementSize,
            elementSize);
    }
    int64_t d = rank - 2;
    for (; d >= 0; --d) {
      if (++index[d] < from.sizes[d])
        break;
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}
