//===- StridedMemRef.h - memref descriptors in C ---------------*- C++ -*-===//
//
// What a C-interface wrapper (`_mlir_ciface_*`) receives for each memref
// argument of lowered code.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUNTIME_STRIDEDMEMREF_H
#define RESQ_RUNTIME_STRIDEDMEMREF_H

#include <cstdint>

namespace resq::runtime {

template <typename T, int Rank> struct StridedMemRef {
  T *allocated;
  T *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];

  T *data() const { return aligned + offset; }
  int64_t count() const {
    int64_t total = 1;
    for (int64_t size : sizes)
      total *= size;
    return total;
  }
};

} // namespace resq::runtime

#endif // RESQ_RUNTIME_STRIDEDMEMREF_H
