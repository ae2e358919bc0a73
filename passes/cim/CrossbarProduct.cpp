//===- CrossbarProduct.cpp - a qlinear's integer product on crossbars -----===//
//
// The product step of lowerQLinear (passes/lower/QLinearLowering.h) for
// --resq-lower-to-cim: the CPU's i8 codes made unsigned, the weights
// bit-sliced and programmed, the partial sums of every input bit read out
// as the layer's plan says, and the digital corrections of the unsigned
// codes (and of offset cells).
//
//===----------------------------------------------------------------------===//

#include "passes/cim/CimBuilders.h"

#include "dialects/cim/CimOps.h"
#include "passes/lower/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;

namespace resq {

using utils::IteratorType;

Value crossbarProduct(OpBuilder &b, Location loc, const QLinearPiece &piece,
                      const LayerPlan &plan) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  StringAttr layer = b.getStringAttr(plan.name);
  cim::CrossbarAttr xbar = plan.crossbar;
  auto codesType = cast<RankedTensorType>(piece.codes.getType());
  auto weightsType = cast<RankedTensorType>(piece.weights.getType());
  int64_t tokens = codesType.getShape()[1], k = codesType.getShape()[2],
          n = weightsType.getShape()[2];
  SmallVector<ReassociationIndices> dropGroup = {{0, 1}, {2}};
  Value codes = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({tokens, k}, b.getI8Type()), piece.codes,
      dropGroup);
  Value weights = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({k, n}, b.getI8Type()), piece.weights,
      dropGroup);

  // Unsigned codes: u = code + 2^(a-1) (the CPU's i8 codes are shifted by
  // that much when asymmetric and signed when symmetric).
  int64_t shift = int64_t(1) << (piece.inputBits - 1);
  auto unsignedType = RankedTensorType::get({tokens, k}, i32);
  Value inputs = generic(
      b, loc, unsignedType, ValueRange{codes}, {b.getMultiDimIdentityMap(2)},
      emptyLike(b, loc, unsignedType),
      SmallVector<IteratorType>(2, IteratorType::parallel),
      b.getMultiDimIdentityMap(2),
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value wide = arith::ExtSIOp::create(nb, l, nb.getI32Type(), args[0]);
        return arith::AddIOp::create(
            nb, l, wide, arith::ConstantIntOp::create(nb, l, shift, 32));
      });

  int64_t slices =
      (xbar.getWeightBits() + xbar.getCellBits() - 1) / xbar.getCellBits();
  int64_t tiles = (k + xbar.getRows() - 1) / xbar.getRows();
  auto levelsType = RankedTensorType::get({slices, k, n}, b.getI8Type());
  Value levels =
      cim::ProgramOp::create(b, loc, levelsType, weights, xbar, layer);
  auto sumsType = RankedTensorType::get(
      {tokens, xbar.getInputBits(), tiles, slices, n}, f32);
  Value sums =
      cim::MvmOp::create(b, loc, sumsType, levels, inputs, xbar, layer);
  auto outType = RankedTensorType::get({tokens, n}, f32);
  Value y;
  if (plan.readout.kind == cimsim::ReadoutKind::SenseAmp) {
    y = senseAndScale(b, loc, sums, plan.readout, xbar.getCellBits(), layer);
  } else {
    if (plan.readout.kind == cimsim::ReadoutKind::Adc)
      sums = cim::AdcOp::create(b, loc, sumsType, sums, plan.readout.adc.bits,
                                APFloat(plan.readout.adc.low),
                                APFloat(plan.readout.adc.high),
                                plan.columnsPerAdc, layer);
    y = cim::ShiftAddOp::create(b, loc, outType, sums, xbar.getCellBits(),
                                layer);
  }

  // Digital corrections, exact in f32 for integer sums below 2^24:
  // y - 2^(a-1) colsum(w) (- 2^(w-1) rowsum(u) with offset cells).
  auto sumType = RankedTensorType::get({n}, i32);
  AffineExpr d0 = b.getAffineDimExpr(0), d1 = b.getAffineDimExpr(1);
  Value columnSums =
      generic(b, loc, sumType, ValueRange{weights},
              {b.getMultiDimIdentityMap(2)}, filled(b, loc, sumType, 0.0),
              {IteratorType::reduction, IteratorType::parallel},
              AffineMap::get(2, 0, {d1}, context),
              [](OpBuilder &nb, Location l, ValueRange args) -> Value {
                Value wide =
                    arith::ExtSIOp::create(nb, l, nb.getI32Type(), args[0]);
                return arith::AddIOp::create(nb, l, wide, args[1]);
              });
  bool offset = xbar.getMapping() == cim::Mapping::Offset;
  SmallVector<Value> operands = {y, columnSums};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(2),
                                 AffineMap::get(2, 0, {d1}, context)};
  if (offset) {
    auto rowType = RankedTensorType::get({tokens}, i32);
    operands.push_back(
        generic(b, loc, rowType, ValueRange{inputs},
                {b.getMultiDimIdentityMap(2)}, filled(b, loc, rowType, 0.0),
                {IteratorType::parallel, IteratorType::reduction},
                AffineMap::get(2, 0, {d0}, context),
                [](OpBuilder &nb, Location l, ValueRange args) -> Value {
                  return arith::AddIOp::create(nb, l, args[0], args[1]);
                }));
    maps.push_back(AffineMap::get(2, 0, {d0}, context));
  }
  double weightOffset = std::ldexp(1.0, int(xbar.getWeightBits()) - 1);
  Value products = generic(
      b, loc, outType, operands, maps, emptyLike(b, loc, outType),
      SmallVector<IteratorType>(2, IteratorType::parallel),
      b.getMultiDimIdentityMap(2),
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Type f = nb.getF32Type();
        Value correction =
            arith::MulFOp::create(nb, l, floatConstant(nb, l, f, double(shift)),
                                  arith::SIToFPOp::create(nb, l, f, args[1]));
        Value result = arith::SubFOp::create(nb, l, args[0], correction);
        if (offset)
          result = arith::SubFOp::create(
              nb, l, result,
              arith::MulFOp::create(
                  nb, l, floatConstant(nb, l, f, weightOffset),
                  arith::SIToFPOp::create(nb, l, f, args[2])));
        return result;
      });
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({1, tokens, n}, f32), products, dropGroup);
}

} // namespace resq
