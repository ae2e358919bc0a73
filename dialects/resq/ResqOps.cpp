//===- ResqOps.cpp - op registration, custom syntax and resq.param --------===//
//
// Verifiers of the structural ops are in ResqStructuralOps.cpp, of the
// quantization ops in ResqQuantOps.cpp, folders in ResqFolds.cpp.
//
//===----------------------------------------------------------------------===//

#include "dialects/resq/ResqOps.h"

#include "dialects/resq/ResqShapeChecks.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace resq;

//===----------------------------------------------------------------------===//
// Shape checks shared by the verifiers
//===----------------------------------------------------------------------===//

std::string resq::formatShape(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      shape, os,
      [&](int64_t dim) {
        if (ShapedType::isDynamic(dim))
          os << '?';
        else
          os << dim;
      },
      "x");
  return text;
}

LogicalResult resq::verifyShape(Operation *op, StringRef what,
                                ShapedType actual, ArrayRef<int64_t> expected) {
  ArrayRef<int64_t> shape = actual.getShape();
  bool agree = shape.size() == expected.size() &&
               llvm::all_of(llvm::zip_equal(shape, expected), [](auto dims) {
                 return dimsAgree(std::get<0>(dims), std::get<1>(dims));
               });
  if (agree)
    return success();
  return op->emitOpError() << "expected " << what << " of shape "
                           << formatShape(expected) << ", found "
                           << formatShape(shape);
}

LogicalResult resq::verifyElementType(Operation *op, StringRef what,
                                      ShapedType actual, Type expected) {
  if (actual.getElementType() == expected)
    return success();
  return op->emitOpError() << "expected " << what << " element type "
                           << expected << ", found " << actual.getElementType();
}

//===----------------------------------------------------------------------===//
// Custom syntax: channel bit ranges `[56 : i4, 8 : i8]`
//===----------------------------------------------------------------------===//

static ParseResult parseBitRanges(OpAsmParser &parser, ArrayAttr &ranges) {
  SmallVector<Attribute> parsed;
  auto parseOne = [&]() -> ParseResult {
    int64_t size = 0;
    Type bitsType;
    llvm::SMLoc loc = parser.getCurrentLocation();
    if (parser.parseInteger(size) || parser.parseColon())
      return failure();
    llvm::SMLoc typeLoc = parser.getCurrentLocation();
    if (parser.parseType(bitsType))
      return failure();
    auto intType = dyn_cast<IntegerType>(bitsType);
    if (!intType || !intType.isSignless())
      return parser.emitError(typeLoc)
             << "expected a signless integer type such as i4 for the bit "
                "width of a channel range, found "
             << bitsType;
    auto range =
        BitRangeAttr::getChecked([&] { return parser.emitError(loc); },
                                 parser.getContext(), size, intType.getWidth());
    if (!range)
      return failure();
    parsed.push_back(range);
    return success();
  };
  if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Square, parseOne,
                                     " in a list of channel ranges"))
    return failure();
  ranges = parser.getBuilder().getArrayAttr(parsed);
  return success();
}

static void printBitRanges(OpAsmPrinter &printer, Operation *,
                           ArrayAttr ranges) {
  printer << '[';
  llvm::interleaveComma(ranges, printer, [&](Attribute attr) {
    auto range = cast<BitRangeAttr>(attr);
    printer << range.getSize() << " : i" << range.getBits();
  });
  printer << ']';
}

#define GET_OP_CLASSES
#include "dialects/resq/ResqOps.cpp.inc"

void ResqDialect::registerOps() {
  addOperations<
#define GET_OP_LIST
#include "dialects/resq/ResqOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// ParamOp
//===----------------------------------------------------------------------===//

LogicalResult ParamOp::verify() {
  if (getName().empty())
    return emitOpError() << "expected a non-empty parameter name";
  auto module = (*this)->getParentOfType<ModuleOp>();
  if (!module || !module->hasAttr(ResqDialect::getParamsAttrName()))
    return emitOpError() << "expected an enclosing module with a '"
                         << ResqDialect::getParamsAttrName()
                         << "' archive attribute to read parameter '"
                         << getName() << "' from";
  return success();
}
