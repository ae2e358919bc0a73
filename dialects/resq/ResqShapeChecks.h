//===- ResqShapeChecks.h - shape comparisons for resq verifiers -*- C++ -*-===//
//
// Verifiers compare shapes that may hold dynamic dims: a dynamic dim agrees
// with anything, and a mismatch is reported with both shapes spelled out.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_DIALECTS_RESQ_RESQSHAPECHECKS_H
#define RESQ_DIALECTS_RESQ_RESQSHAPECHECKS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace resq {

/// True when two dims may be equal at run time.
inline bool dimsAgree(int64_t a, int64_t b) {
  return mlir::ShapedType::isDynamic(a) || mlir::ShapedType::isDynamic(b) ||
         a == b;
}

/// "1x8x?" for a shape, "scalar" for rank 0.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Emits "expected <what> of shape <expected>, found <actual>" unless the
/// shapes agree dim by dim.
mlir::LogicalResult verifyShape(mlir::Operation *op, llvm::StringRef what,
                                mlir::ShapedType actual,
                                llvm::ArrayRef<int64_t> expected);

/// Emits "expected <what> element type <expected>, found <actual>" unless
/// they are equal.
mlir::LogicalResult verifyElementType(mlir::Operation *op, llvm::StringRef what,
                                      mlir::ShapedType actual,
                                      mlir::Type expected);

} // namespace resq

#endif // RESQ_DIALECTS_RESQ_RESQSHAPECHECKS_H
