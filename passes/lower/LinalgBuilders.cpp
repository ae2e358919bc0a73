//===- LinalgBuilders.cpp - helpers of the resq-to-linalg patterns --------===//

#include "passes/lower/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;

namespace resq {

Value generic(OpBuilder &b, Location loc, RankedTensorType type,
              ValueRange inputs, ArrayRef<AffineMap> inputMaps, Value init,
              ArrayRef<utils::IteratorType> iterators, AffineMap outputMap,
              BodyBuilder body) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(outputMap);
  return linalg::GenericOp::create(
             b, loc, type, inputs, ValueRange{init}, maps, iterators,
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               linalg::YieldOp::create(nested, nestedLoc,
                                       body(nested, nestedLoc, args));
             })
      .getResult(0);
}

Value emptyLike(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value floatConstant(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value convertFloat(OpBuilder &b, Location loc, Value value, Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return arith::ExtFOp::create(b, loc, to, value);
  return arith::TruncFOp::create(b, loc, to, value);
}

LogicalResult requireStatic(PatternRewriter &rewriter, Operation *op) {
  for (Type type : op->getOperandTypes())
    if (auto shaped = dyn_cast<ShapedType>(type);
        shaped && !shaped.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
  return success();
}

std::pair<Value, SmallVector<ReassociationIndices>>
splitLastDim(OpBuilder &b, Location loc, Value value, int64_t size) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape(type.getShape().drop_back());
  shape.append({type.getShape().back() / size, size});
  SmallVector<ReassociationIndices> split;
  for (int64_t d = 0; d + 1 < rank; ++d)
    split.push_back({d});
  split.push_back({rank - 1, rank});
  Value view = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), value,
      split);
  return {view, split};
}

Value filled(OpBuilder &b, Location loc, RankedTensorType type, double value) {
  Type element = type.getElementType();
  Value constant =
      isa<FloatType>(element)
          ? floatConstant(b, loc, element, value)
          : Value(arith::ConstantOp::create(
                b, loc, b.getIntegerAttr(element, int64_t(value))));
  return linalg::FillOp::create(b, loc, constant,
                                ValueRange{emptyLike(b, loc, type)})
      .getResult(0);
}

RowView collapseToRows(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  int64_t n = type.getShape().back();
  int64_t rows = type.getNumElements() / std::max<int64_t>(n, 1);
  auto matrixType = RankedTensorType::get({rows, n}, type.getElementType());
  if (rank == 1)
    return {tensor::ExpandShapeOp::create(
                b, loc, matrixType, value,
                SmallVector<ReassociationIndices>{{0, 1}}),
            {{0, 1}},
            rank};
  if (rank == 2)
    return {value, {}, rank};
  ReassociationIndices leading;
  for (int64_t d = 0; d + 1 < rank; ++d)
    leading.push_back(d);
  SmallVector<ReassociationIndices> fold = {leading, {rank - 1}};
  return {tensor::CollapseShapeOp::create(b, loc, matrixType, value, fold),
          fold, rank};
}

Value expandFromRows(OpBuilder &b, Location loc, const RowView &view,
                     Value matrix, RankedTensorType type) {
  if (view.rank == 1)
    return tensor::CollapseShapeOp::create(b, loc, type, matrix, view.fold);
  if (view.rank == 2)
    return matrix;
  return tensor::ExpandShapeOp::create(b, loc, type, matrix, view.fold);
}

double QuantParams::levels() const {
  return symmetric ? std::ldexp(1.0, bits - 1) - 1.0
                   : std::ldexp(1.0, bits) - 1.0;
}

std::pair<Value, Value> setBounds(OpBuilder &b, Location loc, Value input,
                                  RankedTensorType statType,
                                  ArrayRef<AffineMap> maps,
                                  ArrayRef<utils::IteratorType> iterators) {
  SmallVector<AffineMap> allMaps = {maps[0], maps[1], maps[1]};
  auto bounds = linalg::GenericOp::create(
      b, loc, TypeRange{statType, statType}, ValueRange{input},
      ValueRange{filled(b, loc, statType, 0.0), filled(b, loc, statType, 0.0)},
      allMaps, iterators, [](OpBuilder &nested, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nested, l,
            ValueRange{arith::MinimumFOp::create(nested, l, args[0], args[1]),
                       arith::MaximumFOp::create(nested, l, args[0], args[2])});
      });
  return {bounds.getResult(0), bounds.getResult(1)};
}

QuantGrid gridOf(OpBuilder &b, Location l, const QuantParams &params,
                 Value scale, Value zero) {
  Type element = scale.getType();
  double levels = params.levels();
  QuantGrid grid;
  grid.scale = scale;
  grid.zero = zero;
  grid.minQ = floatConstant(b, l, element, params.symmetric ? -levels : 0.0);
  grid.maxQ = floatConstant(b, l, element, levels);
  grid.degenerate =
      arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, scale,
                            floatConstant(b, l, element, 0.0));
  return grid;
}

QuantGrid quantGrid(OpBuilder &b, Location l, const QuantParams &params,
                    Value lo, Value hi) {
  Type element = lo.getType();
  auto constant = [&](double value) {
    return floatConstant(b, l, element, value);
  };
  double levels = params.levels();
  lo = arith::MulFOp::create(b, l, lo, constant(params.clip));
  hi = arith::MulFOp::create(b, l, hi, constant(params.clip));
  if (params.symmetric) {
    Value magnitude =
        arith::MaximumFOp::create(b, l, math::AbsFOp::create(b, l, lo), hi);
    return gridOf(b, l, params,
                  arith::DivFOp::create(b, l, magnitude, constant(levels)),
                  constant(0.0));
  }
  Value scale = arith::DivFOp::create(b, l, arith::SubFOp::create(b, l, hi, lo),
                                      constant(levels));
  Value zero = math::RoundEvenOp::create(
      b, l,
      arith::DivFOp::create(b, l, arith::NegFOp::create(b, l, lo), scale));
  return gridOf(b, l, params, scale, zero);
}

Value roundOnGrid(OpBuilder &b, Location l, const QuantGrid &grid, Value x) {
  Value q = arith::AddFOp::create(
      b, l,
      math::RoundEvenOp::create(b, l,
                                arith::DivFOp::create(b, l, x, grid.scale)),
      grid.zero);
  return arith::MinimumFOp::create(
      b, l, arith::MaximumFOp::create(b, l, q, grid.minQ), grid.maxQ);
}

} // namespace resq
