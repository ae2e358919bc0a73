//===- Gather.cpp - ONNX Gather as tosa.gather ----------------------------===//
//
// tosa.gather picks rows of a [N, K, C] tensor with [N, W] i32 indices, so
// the gathered axis is moved to the front and the other dims are folded
// into C; the result is unfolded and the index dims moved back into place.
// Negative indices count from the end, as in ONNX: known ones are fixed at
// import time, run-time ones wrapped by an elementwise select.
//
//===----------------------------------------------------------------------===//

#include "../Emit.h"
#include "../HostEval.h"
#include "../NodeImporter.h"
#include "../OpTable.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;

namespace resq::onnx_import {

namespace {

/// [W] i32 indices for tosa.gather, as a constant or computed at run time.
Value gatherIndices(NodeImporter &node, int64_t dim, int64_t count) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  auto type = RankedTensorType::get({1, count}, b.getI32Type());
  if (const HostTensor *indices = node.constant(1)) {
    SmallVector<int32_t> values;
    for (int64_t index : indices->ints())
      values.push_back(static_cast<int32_t>(index < 0 ? index + dim : index));
    return tosa::ConstOp::create(b, loc, type,
                                 DenseIntElementsAttr::get(type, values));
  }
  Value indices = node.value(1);
  if (!indices)
    return nullptr;
  auto indexType = cast<RankedTensorType>(indices.getType());
  auto wrappedType =
      RankedTensorType::get(indexType.getShape(), b.getI32Type());
  Value wrapped = emit::elementwise(
      b, loc, wrappedType, {indices},
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Type integer = args[0].getType();
        Value zero = arith::ConstantOp::create(
            nested, nestedLoc, nested.getIntegerAttr(integer, 0));
        Value size = arith::ConstantOp::create(
            nested, nestedLoc, nested.getIntegerAttr(integer, dim));
        Value negative = arith::CmpIOp::create(
            nested, nestedLoc, arith::CmpIPredicate::slt, args[0], zero);
        Value shifted = arith::AddIOp::create(nested, nestedLoc, args[0], size);
        Value index = arith::SelectOp::create(nested, nestedLoc, negative,
                                              shifted, args[0]);
        return emit::indexToI32(nested, nestedLoc, index);
      });
  return emit::reshape(b, loc, wrapped, {1, count});
}

} // namespace

LogicalResult importGather(NodeImporter &node) {
  RankedTensorType data = node.inputType(0), indices = node.inputType(1);
  if (!indices.getElementType().isSignlessInteger(64) &&
      !indices.getElementType().isSignlessInteger(32))
    return node.error() << "expected int32 or int64 indices, found "
                        << indices.getElementType();
  int64_t rank = data.getRank();
  if (rank == 0)
    return node.error() << "cannot gather from a scalar";
  std::optional<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", 0), rank);
  if (!axis)
    return failure();
  int64_t dim = data.getDimSize(*axis);
  if (const HostTensor *known = node.constant(1))
    for (int64_t index : known->ints())
      if (index < -dim || index >= dim)
        return node.error() << "index " << index << " is out of range for "
                            << "axis " << *axis << " of size " << dim;

  std::vector<int64_t> shape(data.getShape().begin(),
                             data.getShape().begin() + *axis);
  llvm::append_range(shape, indices.getShape());
  shape.insert(shape.end(), data.getShape().begin() + *axis + 1,
               data.getShape().end());

  if (node.allInputsConstant()) {
    if (!node.fitsOnHost(RankedTensorType::get(shape, data.getElementType())))
      return failure();
    const HostTensor &source = *node.constant(0);
    std::vector<int64_t> picked = node.constant(1)->ints();
    std::vector<int64_t> sourceStrides = host::strides(source.shape);
    std::vector<int64_t> pickedStrides = host::strides(indices.getShape());
    int64_t indexRank = indices.getRank();
    node.setOutput(0, host::remap(source, shape, [&](ArrayRef<int64_t> at) {
                     int64_t flatIndex = 0;
                     for (int64_t d = 0; d < indexRank; ++d)
                       flatIndex += at[*axis + d] * pickedStrides[d];
                     int64_t row = picked[flatIndex] < 0
                                       ? picked[flatIndex] + dim
                                       : picked[flatIndex];
                     int64_t flat = 0;
                     for (int64_t d = 0; d < rank; ++d) {
                       int64_t i = d < *axis    ? at[d]
                                   : d == *axis ? row
                                                : at[d + indexRank - 1];
                       flat += i * sourceStrides[d];
                     }
                     return flat;
                   }));
    return success();
  }

  if (!emit::isTosaElementType(data.getElementType()))
    return node.error() << "gathering " << data.getElementType()
                        << " data at run time is not supported";
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Value values = node.value(0);
  if (!values)
    return failure();

  // [p..., A, s...] -> [A, p..., s...] -> [1, A, R].
  SmallVector<int32_t> toFront = {static_cast<int32_t>(*axis)};
  for (int32_t d = 0; d < rank; ++d)
    if (d != *axis)
      toFront.push_back(d);
  values = emit::transpose(b, loc, values, toFront);
  int64_t rest = 1;
  SmallVector<int64_t> restShape;
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis) {
      rest *= data.getDimSize(d);
      restShape.push_back(data.getDimSize(d));
    }
  values = emit::reshape(b, loc, values, {1, dim, rest});

  int64_t count = indices.getNumElements();
  Value picked = gatherIndices(node, dim, count);
  if (!picked)
    return failure();
  auto gatheredType =
      RankedTensorType::get({1, count, rest}, data.getElementType());
  Value gathered = tosa::GatherOp::create(b, loc, gatheredType, values, picked);

  // [1, W, R] -> [idx..., p..., s...] -> [p..., idx..., s...].
  SmallVector<int64_t> unfolded(indices.getShape());
  llvm::append_range(unfolded, restShape);
  gathered = emit::reshape(b, loc, gathered, unfolded);
  int32_t indexRank = indices.getRank();
  SmallVector<int32_t> back;
  for (int32_t d = 0; d < *axis; ++d)
    back.push_back(indexRank + d);
  for (int32_t d = 0; d < indexRank; ++d)
    back.push_back(d);
  for (int32_t d = *axis; d < rank - 1; ++d)
    back.push_back(indexRank + d);
  node.setOutput(0, emit::transpose(b, loc, gathered, back));
  return success();
}

} // namespace resq::onnx_import
