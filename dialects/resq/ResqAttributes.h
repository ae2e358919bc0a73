//===- ResqAttributes.h - enums and attributes of resq ----------*- C++ -*-===//

#ifndef RESQ_DIALECTS_RESQ_RESQATTRIBUTES_H
#define RESQ_DIALECTS_RESQ_RESQATTRIBUTES_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "dialects/resq/ResqEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/resq/ResqAttributes.h.inc"

namespace resq {
/// Bit widths a quantizer accepts, inclusive.
constexpr unsigned kMinQuantBits = 2;
constexpr unsigned kMaxQuantBits = 16;
} // namespace resq

#endif // RESQ_DIALECTS_RESQ_RESQATTRIBUTES_H
