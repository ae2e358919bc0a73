//===- HostEval.h - evaluating ONNX ops on known tensors -------*- C++ -*-===//
//
// Shape subgraphs and constant masks are folded while importing, so that the
// emitted IR has static shapes and no shape arithmetic. These helpers do the
// index bookkeeping: the op handlers say which source element each result
// element comes from, or how elements combine.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_LIB_ONNX_HOSTEVAL_H
#define RESQ_LIB_ONNX_HOSTEVAL_H

#include "HostTensor.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <vector>

namespace resq::onnx_import::host {

/// Row-major strides of a shape.
std::vector<int64_t> strides(llvm::ArrayRef<int64_t> shape);

/// A tensor of `shape` whose element at each index is `source`'s element at
/// `sourceIndex(index)` (a flat index).
HostTensor
remap(const HostTensor &source, std::vector<int64_t> shape,
      llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> sourceIndex);

/// The same bytes with another shape (no copy).
HostTensor reshape(const HostTensor &source, std::vector<int64_t> shape);

/// The flat index into a tensor of `shape` of the element that numpy
/// broadcasting maps result index `index` to.
int64_t broadcastIndex(llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<int64_t> stridesOfShape,
                       llvm::ArrayRef<int64_t> index);

/// Elementwise combination of broadcasting inputs, computed in double (for
/// float results) or int64, stored as `dataType`.
HostTensor combine(llvm::ArrayRef<const HostTensor *> inputs,
                   std::vector<int64_t> shape, int32_t dataType,
                   llvm::function_ref<double(llvm::ArrayRef<double>)> floatOp,
                   llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> intOp);

} // namespace resq::onnx_import::host

#endif // RESQ_LIB_ONNX_HOSTEVAL_H
