//===- CimBuilders.cpp - readout chains both crossbar lowerings build -----===//

#include "passes/cim/CimBuilders.h"

#include "dialects/cim/CimOps.h"
#include "passes/lower/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace resq {

Value senseAndScale(OpBuilder &b, Location loc, Value sums,
                    const cimsim::ReadoutConfig &readout, int64_t cellBits,
                    StringAttr layer) {
  auto sumsType = cast<RankedTensorType>(sums.getType());
  ArrayRef<int64_t> shape = sumsType.getShape();
  int64_t tokens = shape[0], tiles = shape[2], slices = shape[3], n = shape[4];
  Type f32 = b.getF32Type();
  Value decisions = cim::SenseAmpOp::create(
      b, loc, RankedTensorType::get(shape, b.getI8Type()), sums,
      readout.sense == cimsim::SenseMode::Ternary ? cim::SenseMode::Ternary
                                                  : cim::SenseMode::Binary,
      APFloat(readout.theta), APFloat(readout.delta), layer);
  std::vector<float> alpha(readout.alpha.begin(), readout.alpha.end());
  Value scales = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({tiles, slices, n}, f32),
                             ArrayRef<float>(alpha)));
  auto outType = RankedTensorType::get({tokens, n}, f32);
  Value y = cim::ScaleAccumulateOp::create(b, loc, outType, decisions, scales,
                                           cellBits, layer);
  if (readout.offset.empty())
    return y;
  std::vector<double> columns =
      readout.columnOffsets(tiles, int(slices), n, int(cellBits));
  std::vector<float> offsets(columns.begin(), columns.end());
  Value offsetValues = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({n}, f32),
                             ArrayRef<float>(offsets)));
  return generic(
      b, loc, outType, ValueRange{y, offsetValues},
      {b.getMultiDimIdentityMap(2),
       AffineMap::get(2, 0, {b.getAffineDimExpr(1)}, b.getContext())},
      emptyLike(b, loc, outType),
      SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
      b.getMultiDimIdentityMap(2),
      [](OpBuilder &nb, Location l, ValueRange args) -> Value {
        return arith::AddFOp::create(nb, l, args[0], args[1]);
      });
}

} // namespace resq
