//===- Elementwise.cpp - ONNX elementwise ops ----------------------------===//
//
// TOSA ops where TOSA 1.0 has the op for the element type; otherwise (Div,
// Sqrt, Cast, and 64-bit types) a broadcasting linalg.generic over arith and
// math ops, which is exact where a TOSA decomposition would not be (x / y
// is not x * reciprocal(y)). Known inputs are folded on the host.
//
//===----------------------------------------------------------------------===//

#include "../Emit.h"
#include "../HostEval.h"
#include "../NodeImporter.h"
#include "../OpTable.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace resq::onnx_import {

namespace {

enum class Binary { Add, Sub, Mul, Div, Pow, Equal, Less, Greater };

Value scalarCast(OpBuilder &b, Location loc, Value x, Type to,
                 bool fromUnsigned, bool toUnsigned);

enum class Unary { Sqrt, Reciprocal, Neg, Exp, Sigmoid, Tanh, Relu, Cos, Sin };

bool isComparison(Binary kind) {
  return kind == Binary::Equal || kind == Binary::Less ||
         kind == Binary::Greater;
}

double hostBinary(Binary kind, double a, double b) {
  switch (kind) {
  case Binary::Add:
    return a + b;
  case Binary::Sub:
    return a - b;
  case Binary::Mul:
    return a * b;
  case Binary::Div:
    return a / b;
  case Binary::Pow:
    return std::pow(a, b);
  case Binary::Equal:
    return a == b;
  case Binary::Less:
    return a < b;
  case Binary::Greater:
    return a > b;
  }
  return 0;
}

/// Integer semantics; division truncates toward zero, as ONNX Runtime does.
int64_t hostBinaryInt(Binary kind, int64_t a, int64_t b) {
  switch (kind) {
  case Binary::Add:
    return static_cast<int64_t>(static_cast<uint64_t>(a) +
                                static_cast<uint64_t>(b));
  case Binary::Sub:
    return static_cast<int64_t>(static_cast<uint64_t>(a) -
                                static_cast<uint64_t>(b));
  case Binary::Mul:
    return static_cast<int64_t>(static_cast<uint64_t>(a) *
                                static_cast<uint64_t>(b));
  case Binary::Div:
    if (b == 0 || (b == -1 && a == std::numeric_limits<int64_t>::min()))
      return 0;
    return a / b;
  case Binary::Pow:
    // As for run-time integer Pow: computed in double, truncated.
    return static_cast<int64_t>(
        std::trunc(std::pow(static_cast<double>(a), static_cast<double>(b))));
  case Binary::Equal:
    return a == b;
  case Binary::Less:
    return a < b;
  case Binary::Greater:
    return a > b;
  }
  return 0;
}

/// The scalar op of a binary kind, for linalg.generic bodies; `isUnsigned`
/// selects UINT8 division and comparisons.
Value scalarBinary(OpBuilder &b, Location loc, Binary kind, Value x, Value y,
                   bool isUnsigned) {
  if (isa<FloatType>(x.getType())) {
    switch (kind) {
    case Binary::Add:
      return arith::AddFOp::create(b, loc, x, y);
    case Binary::Sub:
      return arith::SubFOp::create(b, loc, x, y);
    case Binary::Mul:
      return arith::MulFOp::create(b, loc, x, y);
    case Binary::Div:
      return arith::DivFOp::create(b, loc, x, y);
    case Binary::Pow:
      return math::PowFOp::create(b, loc, x, y);
    case Binary::Equal:
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, y);
    case Binary::Less:
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, y);
    case Binary::Greater:
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, y);
    }
  }
  switch (kind) {
  case Binary::Add:
    return arith::AddIOp::create(b, loc, x, y);
  case Binary::Sub:
    return arith::SubIOp::create(b, loc, x, y);
  case Binary::Mul:
    return arith::MulIOp::create(b, loc, x, y);
  case Binary::Div:
    return isUnsigned ? Value(arith::DivUIOp::create(b, loc, x, y))
                      : Value(arith::DivSIOp::create(b, loc, x, y));
  case Binary::Pow:
    return nullptr; // integer Pow is rejected before emission
  case Binary::Equal:
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  case Binary::Less:
    return arith::CmpIOp::create(b, loc,
                                 isUnsigned ? arith::CmpIPredicate::ult
                                            : arith::CmpIPredicate::slt,
                                 x, y);
  case Binary::Greater:
    return arith::CmpIOp::create(b, loc,
                                 isUnsigned ? arith::CmpIPredicate::ugt
                                            : arith::CmpIPredicate::sgt,
                                 x, y);
  }
  return nullptr;
}

/// x ** y with the base's type (ONNX Pow's T; the exponent may differ). An
/// integer base is raised in double and truncated back, as ONNX Runtime
/// computes integer powers.
Value scalarPow(OpBuilder &b, Location loc, Value x, Value y, bool baseUnsigned,
                bool exponentUnsigned) {
  Type base = x.getType();
  if (isa<FloatType>(base)) {
    if (y.getType() != base)
      y = scalarCast(b, loc, y, base, exponentUnsigned, false);
    return math::PowFOp::create(b, loc, x, y);
  }
  Type wide = b.getF64Type();
  Value power = math::PowFOp::create(
      b, loc, scalarCast(b, loc, x, wide, baseUnsigned, false),
      scalarCast(b, loc, y, wide, exponentUnsigned, false));
  return scalarCast(b, loc, power, base, false, baseUnsigned);
}

/// True when the exponent input is a constant 2, so Pow is x * x (exact,
/// and defined for negative x, unlike TOSA's pow).
bool isSquare(const HostTensor *exponent) {
  return exponent && exponent->numElements() == 1 &&
         exponent->asDouble(0) == 2.0;
}

Value emitTosaBinary(NodeImporter &node, Binary kind, RankedTensorType type,
                     Value x, Value y) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  int64_t rank = type.getRank();
  x = emit::expandRank(b, loc, x, rank);
  y = emit::expandRank(b, loc, y, rank);
  switch (kind) {
  case Binary::Add:
    return tosa::AddOp::create(b, loc, type, x, y);
  case Binary::Sub:
    return tosa::SubOp::create(b, loc, type, x, y);
  case Binary::Mul:
    return tosa::MulOp::create(b, loc, type, x, y, emit::mulShift(b, loc));
  case Binary::Equal:
    return tosa::EqualOp::create(b, loc, type, x, y);
  case Binary::Greater:
    return tosa::GreaterOp::create(b, loc, type, x, y);
  case Binary::Less:
    return tosa::GreaterOp::create(b, loc, type, y, x);
  default:
    return nullptr;
  }
}

LogicalResult importBinary(NodeImporter &node, Binary kind) {
  RankedTensorType lhs = node.inputType(0), rhs = node.inputType(1);
  // Pow's exponent may have its own type (T1 and T2 in the spec).
  if (kind != Binary::Pow && lhs.getElementType() != rhs.getElementType())
    return node.error() << "inputs have different element types ("
                        << lhs.getElementType() << " and "
                        << rhs.getElementType() << ")";
  std::optional<SmallVector<int64_t>> shape =
      emit::broadcastShapes(lhs.getShape(), rhs.getShape());
  if (!shape)
    return node.error() << "input shapes " << lhs << " and " << rhs
                        << " do not broadcast";
  Type element =
      isComparison(kind) ? node.builder().getI1Type() : lhs.getElementType();
  auto type = RankedTensorType::get(*shape, element);

  if (node.allInputsConstant()) {
    if (!node.fitsOnHost(type))
      return failure();
    const HostTensor *inputs[] = {node.constant(0), node.constant(1)};
    int32_t dataType = isComparison(kind) ? kBool : inputs[0]->dataType;
    node.setOutput(
        0, host::combine(
               inputs, {shape->begin(), shape->end()}, dataType,
               [&](ArrayRef<double> v) { return hostBinary(kind, v[0], v[1]); },
               [&](ArrayRef<int64_t> v) {
                 return hostBinaryInt(kind, v[0], v[1]);
               }));
    return success();
  }

  bool isUnsigned = node.inputDataType(0) == kUint8;
  Value x = node.value(0);
  if (!x)
    return failure();
  Value y;
  if (kind == Binary::Pow && isSquare(node.constant(1))) {
    kind = Binary::Mul;
    y = x;
  } else {
    y = node.value(1);
  }
  if (!y)
    return failure();
  bool tosaKind = kind != Binary::Div && kind != Binary::Pow;
  if (tosaKind && emit::isTosaNumericType(lhs.getElementType())) {
    node.setOutput(0, emitTosaBinary(node, kind, type, x, y));
    return success();
  }
  node.setOutput(
      0, emit::elementwise(
             node.builder(), node.loc(), type, {x, y},
             [&](OpBuilder &b, Location loc, ValueRange args) {
               if (kind == Binary::Pow)
                 return scalarPow(b, loc, args[0], args[1], isUnsigned,
                                  node.inputDataType(1) == kUint8);
               return scalarBinary(b, loc, kind, args[0], args[1], isUnsigned);
             }));
  return success();
}

double hostUnary(Unary kind, double x) {
  switch (kind) {
  case Unary::Sqrt:
    return std::sqrt(x);
  case Unary::Reciprocal:
    return 1.0 / x;
  case Unary::Neg:
    return -x;
  case Unary::Exp:
    return std::exp(x);
  case Unary::Sigmoid:
    return 1.0 / (1.0 + std::exp(-x));
  case Unary::Tanh:
    return std::tanh(x);
  case Unary::Relu:
    return x > 0 ? x : 0.0;
  case Unary::Cos:
    return std::cos(x);
  case Unary::Sin:
    return std::sin(x);
  }
  return 0;
}

Value scalarUnary(OpBuilder &b, Location loc, Unary kind, Value x) {
  Type type = x.getType();
  if (isa<IntegerType>(type)) {
    // Only Neg and Relu accept integers.
    Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 0));
    if (kind == Unary::Neg)
      return arith::SubIOp::create(b, loc, zero, x);
    return arith::MaxSIOp::create(b, loc, x, zero);
  }
  auto one = [&] {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 1.0));
  };
  switch (kind) {
  case Unary::Sqrt:
    return math::SqrtOp::create(b, loc, x);
  case Unary::Reciprocal:
    return arith::DivFOp::create(b, loc, one(), x);
  case Unary::Neg:
    return arith::NegFOp::create(b, loc, x);
  case Unary::Exp:
    return math::ExpOp::create(b, loc, x);
  case Unary::Sigmoid: {
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, one(),
                                 arith::AddFOp::create(b, loc, one(), e));
  }
  case Unary::Tanh:
    return math::TanhOp::create(b, loc, x);
  case Unary::Relu: {
    Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 0.0));
    return arith::MaximumFOp::create(b, loc, x, zero);
  }
  case Unary::Cos:
    return math::CosOp::create(b, loc, x);
  case Unary::Sin:
    return math::SinOp::create(b, loc, x);
  }
  return nullptr;
}

Value emitTosaUnary(NodeImporter &node, Unary kind, RankedTensorType type,
                    Value x) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  switch (kind) {
  case Unary::Reciprocal:
    return tosa::ReciprocalOp::create(b, loc, type, x);
  case Unary::Neg: {
    Value zero = emit::zeroPoint(b, loc, type.getElementType());
    return tosa::NegateOp::create(b, loc, type, x, zero, zero);
  }
  case Unary::Exp:
    return tosa::ExpOp::create(b, loc, type, x);
  case Unary::Sigmoid:
    return tosa::SigmoidOp::create(b, loc, type, x);
  case Unary::Tanh:
    return tosa::TanhOp::create(b, loc, type, x);
  case Unary::Relu: {
    Type element = type.getElementType();
    return tosa::ClampOp::create(
        b, loc, type, x, b.getFloatAttr(element, 0.0),
        b.getFloatAttr(element, std::numeric_limits<float>::infinity()),
        tosa::NanPropagationModeAttr::get(b.getContext(),
                                          tosa::NanPropagationMode::PROPAGATE));
  }
  case Unary::Cos:
    return tosa::CosOp::create(b, loc, type, x);
  case Unary::Sin:
    return tosa::SinOp::create(b, loc, type, x);
  case Unary::Sqrt:
    return nullptr;
  }
  return nullptr;
}

LogicalResult importUnary(NodeImporter &node, Unary kind) {
  RankedTensorType type = node.inputType(0);
  bool isFloat = isa<FloatType>(type.getElementType());
  bool integerOk = kind == Unary::Neg || kind == Unary::Relu;
  if (!isFloat && !integerOk)
    return node.error() << "expected a floating-point input, found "
                        << type.getElementType();
  if (const HostTensor *input = node.constant(0)) {
    const HostTensor *inputs[] = {input};
    node.setOutput(
        0, host::combine(
               inputs, input->shape, input->dataType,
               [&](ArrayRef<double> v) { return hostUnary(kind, v[0]); },
               [&](ArrayRef<int64_t> v) {
                 return kind == Unary::Neg ? -v[0] : std::max<int64_t>(v[0], 0);
               }));
    return success();
  }
  Value x = node.value(0);
  if (!x)
    return failure();
  // TOSA 1.0 negates i8/i16/i32 too; its integer clamp (Relu) is i8/i16.
  Type element = type.getElementType();
  bool tosaInteger = kind == Unary::Neg && emit::isTosaElementType(element) &&
                     !element.isInteger(1);
  if ((isFloat && emit::isTosaNumericType(element)) || tosaInteger)
    if (Value result = emitTosaUnary(node, kind, type, x)) {
      node.setOutput(0, result);
      return success();
    }
  node.setOutput(
      0, emit::elementwise(node.builder(), node.loc(), type, {x},
                           [&](OpBuilder &b, Location loc, ValueRange args) {
                             return scalarUnary(b, loc, kind, args[0]);
                           }));
  return success();
}

/// The scalar conversion of ONNX Cast: floats to integers truncate toward
/// zero, anything to bool is "!= 0". UINT8 (i8 in the IR) converts as
/// unsigned when `fromUnsigned` / `toUnsigned` say so.
Value scalarCast(OpBuilder &b, Location loc, Value x, Type to,
                 bool fromUnsigned, bool toUnsigned) {
  Type from = x.getType();
  if (from == to)
    return x;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  fromUnsigned |= from.isInteger(1);
  if (to.isInteger(1)) {
    if (fromFloat) {
      Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(from, 0));
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x, zero);
    }
    Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(from, 0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
  }
  if (fromFloat && toFloat) {
    if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
      return arith::ExtFOp::create(b, loc, to, x);
    return arith::TruncFOp::create(b, loc, to, x);
  }
  if (toFloat)
    return fromUnsigned ? Value(arith::UIToFPOp::create(b, loc, to, x))
                        : Value(arith::SIToFPOp::create(b, loc, to, x));
  if (fromFloat)
    return toUnsigned ? Value(arith::FPToUIOp::create(b, loc, to, x))
                      : Value(arith::FPToSIOp::create(b, loc, to, x));
  // Integer to integer: the same bits, widened by the source's signedness.
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth < toWidth)
    return fromUnsigned ? Value(arith::ExtUIOp::create(b, loc, to, x))
                        : Value(arith::ExtSIOp::create(b, loc, to, x));
  return arith::TruncIOp::create(b, loc, to, x);
}

} // namespace

LogicalResult importAdd(NodeImporter &node) {
  return importBinary(node, Binary::Add);
}
LogicalResult importSub(NodeImporter &node) {
  return importBinary(node, Binary::Sub);
}
LogicalResult importMul(NodeImporter &node) {
  return importBinary(node, Binary::Mul);
}
LogicalResult importDiv(NodeImporter &node) {
  return importBinary(node, Binary::Div);
}
LogicalResult importPow(NodeImporter &node) {
  return importBinary(node, Binary::Pow);
}
LogicalResult importEqual(NodeImporter &node) {
  return importBinary(node, Binary::Equal);
}
LogicalResult importLess(NodeImporter &node) {
  return importBinary(node, Binary::Less);
}
LogicalResult importGreater(NodeImporter &node) {
  return importBinary(node, Binary::Greater);
}
LogicalResult importSqrt(NodeImporter &node) {
  return importUnary(node, Unary::Sqrt);
}
LogicalResult importReciprocal(NodeImporter &node) {
  return importUnary(node, Unary::Reciprocal);
}
LogicalResult importNeg(NodeImporter &node) {
  return importUnary(node, Unary::Neg);
}
LogicalResult importExp(NodeImporter &node) {
  return importUnary(node, Unary::Exp);
}
LogicalResult importSigmoid(NodeImporter &node) {
  return importUnary(node, Unary::Sigmoid);
}
LogicalResult importTanh(NodeImporter &node) {
  return importUnary(node, Unary::Tanh);
}
LogicalResult importRelu(NodeImporter &node) {
  return importUnary(node, Unary::Relu);
}
LogicalResult importCos(NodeImporter &node) {
  return importUnary(node, Unary::Cos);
}
LogicalResult importSin(NodeImporter &node) {
  return importUnary(node, Unary::Sin);
}

LogicalResult importWhere(NodeImporter &node) {
  RankedTensorType cond = node.inputType(0), x = node.inputType(1),
                   y = node.inputType(2);
  if (!cond.getElementType().isInteger(1))
    return node.error() << "expected a bool condition, found "
                        << cond.getElementType();
  if (x.getElementType() != y.getElementType())
    return node.error() << "branches have different element types ("
                        << x.getElementType() << " and " << y.getElementType()
                        << ")";
  std::optional<SmallVector<int64_t>> xy =
      emit::broadcastShapes(x.getShape(), y.getShape());
  std::optional<SmallVector<int64_t>> shape =
      xy ? emit::broadcastShapes(cond.getShape(), *xy) : std::nullopt;
  if (!shape)
    return node.error() << "input shapes " << cond << ", " << x << " and " << y
                        << " do not broadcast";
  auto type = RankedTensorType::get(*shape, x.getElementType());
  if (node.allInputsConstant()) {
    if (!node.fitsOnHost(type))
      return failure();
    const HostTensor *inputs[] = {node.constant(0), node.constant(1),
                                  node.constant(2)};
    node.setOutput(
        0, host::combine(
               inputs, {shape->begin(), shape->end()}, inputs[1]->dataType,
               [](ArrayRef<double> v) { return v[0] ? v[1] : v[2]; },
               [](ArrayRef<int64_t> v) { return v[0] ? v[1] : v[2]; }));
    return success();
  }
  Value c = node.value(0), a = node.value(1), b = node.value(2);
  if (!c || !a || !b)
    return failure();
  OpBuilder &builder = node.builder();
  if (emit::isTosaElementType(x.getElementType())) {
    int64_t rank = type.getRank();
    node.setOutput(0, tosa::SelectOp::create(
                          builder, node.loc(), type,
                          emit::expandRank(builder, node.loc(), c, rank),
                          emit::expandRank(builder, node.loc(), a, rank),
                          emit::expandRank(builder, node.loc(), b, rank)));
    return success();
  }
  node.setOutput(0, emit::elementwise(
                        builder, node.loc(), type, {c, a, b},
                        [](OpBuilder &nested, Location loc, ValueRange args) {
                          return arith::SelectOp::create(nested, loc, args[0],
                                                         args[1], args[2]);
                        }));
  return success();
}

LogicalResult importCast(NodeImporter &node) {
  const onnx::AttributeProto *to =
      node.requireAttribute("to", onnx::AttributeProto::INT);
  if (!to)
    return failure();
  int32_t target = static_cast<int32_t>(to->i());
  if (!isSupportedType(target))
    return node.error() << "cast to " << typeName(target)
                        << " is not supported";
  RankedTensorType input = node.inputType(0);
  Type element = toMlirType(target, node.context());
  if (const HostTensor *value = node.constant(0)) {
    const HostTensor *inputs[] = {value};
    bool toBool = target == kBool;
    node.setOutput(0, host::combine(
                          inputs, value->shape, target,
                          [&](ArrayRef<double> v) {
                            return toBool ? double(v[0] != 0) : v[0];
                          },
                          [&](ArrayRef<int64_t> v) {
                            return toBool ? int64_t(v[0] != 0) : v[0];
                          }));
    return success();
  }
  Value x = node.value(0);
  if (!x)
    return failure();
  bool fromUnsigned = node.inputDataType(0) == kUint8;
  auto type = RankedTensorType::get(input.getShape(), element);
  node.setOutput(
      0,
      emit::elementwise(node.builder(), node.loc(), type, {x},
                        [&](OpBuilder &b, Location loc, ValueRange args) {
                          return scalarCast(b, loc, args[0], element,
                                            fromUnsigned, target == kUint8);
                        }),
      target);
  return success();
}

} // namespace resq::onnx_import
