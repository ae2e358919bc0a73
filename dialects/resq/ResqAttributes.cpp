//===- ResqAttributes.cpp - enums and attributes of resq ------------------===//

#include "dialects/resq/ResqAttributes.h"

#include "dialects/resq/ResqDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace resq;

#include "dialects/resq/ResqEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/resq/ResqAttributes.cpp.inc"

void ResqDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/resq/ResqAttributes.cpp.inc"
      >();
}

LogicalResult
ParamArchiveAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         StringRef path) {
  if (path.empty())
    return emitError() << "parameter archive path must not be empty";
  return success();
}

LogicalResult BitRangeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   int64_t size, unsigned bits) {
  if (size <= 0)
    return emitError() << "expected a positive channel count in a bit range, "
                          "found "
                       << size;
  if (bits < kMinQuantBits || bits > kMaxQuantBits)
    return emitError() << "expected a bit width in " << kMinQuantBits << ".."
                       << kMaxQuantBits << ", found " << bits;
  return success();
}
