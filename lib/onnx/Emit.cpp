//===- Emit.cpp - building blocks the op handlers emit -------------------===//

#include "Emit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;

namespace resq::onnx_import::emit {

bool isTosaElementType(Type type) {
  if (type.isF32() || type.isF16() || type.isBF16())
    return true;
  auto integer = dyn_cast<IntegerType>(type);
  return integer && integer.isSignless() &&
         llvm::is_contained({1u, 8u, 16u, 32u}, integer.getWidth());
}

bool isTosaNumericType(Type type) {
  return type.isF32() || type.isF16() || type.isBF16() ||
         type.isSignlessInteger(32);
}

std::optional<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                    ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    result[i] = da == 1 ? db : da;
  }
  return result;
}

Value constShape(OpBuilder &b, Location loc, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getIndexType());
  return tosa::ConstShapeOp::create(
      b, loc, tosa::shapeType::get(b.getContext(), values.size()),
      DenseIntElementsAttr::get(type, values));
}

Value zeroPoint(OpBuilder &b, Location loc, Type type) {
  auto tensorType = RankedTensorType::get({1}, type);
  return tosa::ConstOp::create(b, loc, tensorType,
                               cast<ElementsAttr>(b.getZeroAttr(tensorType)));
}

Value mulShift(OpBuilder &b, Location loc) {
  return zeroPoint(b, loc, b.getI8Type());
}

Value splat(OpBuilder &b, Location loc, RankedTensorType type, double value) {
  Type element = type.getElementType();
  TypedAttr scalar;
  if (isa<FloatType>(element))
    scalar = b.getFloatAttr(element, value);
  else
    scalar = b.getIntegerAttr(element, static_cast<int64_t>(value));
  auto attr = DenseElementsAttr::get(type, scalar);
  if (isTosaElementType(element))
    return tosa::ConstOp::create(b, loc, type, attr);
  return arith::ConstantOp::create(b, loc, attr);
}

Value reshape(OpBuilder &b, Location loc, Value input,
              ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getShape() == shape)
    return input;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return tosa::ReshapeOp::create(b, loc, resultType, input,
                                 constShape(b, loc, shape));
}

Value expandRank(OpBuilder &b, Location loc, Value input, int64_t rank) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getRank() >= rank)
    return input;
  SmallVector<int64_t> shape(rank - type.getRank(), 1);
  llvm::append_range(shape, type.getShape());
  return reshape(b, loc, input, shape);
}

Value transpose(OpBuilder &b, Location loc, Value input,
                ArrayRef<int32_t> perms) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  bool identity = true;
  for (size_t i = 0; i < perms.size(); ++i) {
    shape.push_back(type.getDimSize(perms[i]));
    identity &= perms[i] == static_cast<int32_t>(i);
  }
  if (identity)
    return input;
  return tosa::TransposeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), input,
      b.getDenseI32ArrayAttr(perms));
}

Value broadcastTo(OpBuilder &b, Location loc, Value input,
                  ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getShape() == shape)
    return input;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  if (!isTosaElementType(type.getElementType()))
    return elementwise(
        b, loc, resultType, {input},
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  Value expanded = expandRank(b, loc, input, shape.size());
  auto expandedShape = cast<RankedTensorType>(expanded.getType()).getShape();
  SmallVector<int64_t> multiples;
  for (size_t i = 0; i < shape.size(); ++i)
    multiples.push_back(expandedShape[i] == shape[i] ? 1 : shape[i]);
  return tosa::TileOp::create(b, loc, resultType, expanded,
                              constShape(b, loc, multiples));
}

Value slice(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> start,
            ArrayRef<int64_t> size) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getShape() == size)
    return input;
  auto resultType = RankedTensorType::get(size, type.getElementType());
  if (isTosaElementType(type.getElementType()))
    return tosa::SliceOp::create(b, loc, resultType, input,
                                 constShape(b, loc, start),
                                 constShape(b, loc, size));
  SmallVector<int64_t> strides(size.size(), 1);
  return tensor::ExtractSliceOp::create(b, loc, resultType, input, ValueRange{},
                                        ValueRange{}, ValueRange{}, start, size,
                                        strides);
}

Value elementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                  ValueRange inputs, ScalarBody body) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    auto shape = cast<RankedTensorType>(input.getType()).getShape();
    int64_t offset = rank - static_cast<int64_t>(shape.size());
    SmallVector<AffineExpr> exprs;
    for (size_t i = 0; i < shape.size(); ++i) {
      int64_t dim = offset + static_cast<int64_t>(i);
      bool broadcast = shape[i] == 1 && resultType.getDimSize(dim) != 1;
      exprs.push_back(broadcast ? b.getAffineConstantExpr(0)
                                : b.getAffineDimExpr(dim));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value indexToI32(OpBuilder &b, Location loc, Value index) {
  Type integer = index.getType();
  if (integer.getIntOrFloatBitWidth() <= 32)
    return integer.isInteger(32)
               ? index
               : Value(arith::ExtSIOp::create(b, loc, b.getI32Type(), index));
  auto bound = [&](int64_t value) {
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(integer, value));
  };
  Value clamped = arith::MaxSIOp::create(b, loc, index, bound(INT32_MIN));
  clamped = arith::MinSIOp::create(b, loc, clamped, bound(INT32_MAX));
  return arith::TruncIOp::create(b, loc, b.getI32Type(), clamped);
}

} // namespace resq::onnx_import::emit
