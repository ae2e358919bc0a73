//===- Reduce.cpp - ONNX reductions and Softmax --------------------------===//
//
// ReduceSum and ReduceMax are tosa.reduce_sum / tosa.reduce_max, one axis at
// a time (TOSA keeps the reduced dim). TOSA 1.0 has no ReduceMean: it is
// reduce_sum followed by an exact division by the element count. Softmax is
// linalg.softmax (over a 2-D view before opset 13).
//
//===----------------------------------------------------------------------===//

#include "../Emit.h"
#include "../NodeImporter.h"
#include "../OpTable.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;

namespace resq::onnx_import {

namespace {

enum class Reduction { Sum, Max, Mean };

LogicalResult importReduction(NodeImporter &node, Reduction kind,
                              bool axesFromInput) {
  RankedTensorType type = node.inputType(0);
  Type element = type.getElementType();
  if (!emit::isTosaNumericType(element) ||
      (kind == Reduction::Mean && !isa<FloatType>(element)))
    return node.error() << "reducing " << element << " is not supported";
  int64_t rank = type.getRank();

  std::vector<int64_t> axes;
  if (axesFromInput) {
    if (node.hasInput(1)) {
      const HostTensor *given = node.requireConstant(1, "axes");
      if (!given)
        return failure();
      axes = given->ints();
    }
  } else {
    axes = node.intsAttr("axes");
  }
  bool keepDims = node.intAttr("keepdims", 1) != 0;
  Value x = node.value(0);
  if (!x)
    return failure();
  if (axes.empty()) {
    if (axesFromInput && node.intAttr("noop_with_empty_axes", 0) != 0) {
      node.setOutput(0, x);
      return success();
    }
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  SmallVector<bool> reduced(rank, false);
  for (int64_t axis : axes) {
    std::optional<int64_t> normalized = node.normalizeAxis(axis, rank);
    if (!normalized)
      return failure();
    reduced[*normalized] = true;
  }

  OpBuilder &b = node.builder();
  Location loc = node.loc();
  SmallVector<int64_t> shape(type.getShape());
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d])
      continue;
    count *= shape[d];
    shape[d] = 1;
    auto resultType = RankedTensorType::get(shape, element);
    auto axis = b.getI32IntegerAttr(static_cast<int32_t>(d));
    if (kind == Reduction::Max)
      x = tosa::ReduceMaxOp::create(
          b, loc, resultType, x, axis,
          tosa::NanPropagationModeAttr::get(
              b.getContext(), tosa::NanPropagationMode::PROPAGATE));
    else
      x = tosa::ReduceSumOp::create(b, loc, resultType, x, axis);
  }
  if (kind == Reduction::Mean) {
    auto resultType = RankedTensorType::get(shape, element);
    x = emit::elementwise(
        b, loc, resultType, {x},
        [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
          Value divisor = arith::ConstantOp::create(
              nested, nestedLoc,
              nested.getFloatAttr(element, static_cast<double>(count)));
          return arith::DivFOp::create(nested, nestedLoc, args[0], divisor);
        });
  }
  if (!keepDims) {
    SmallVector<int64_t> kept;
    for (int64_t d = 0; d < rank; ++d)
      if (!reduced[d])
        kept.push_back(shape[d]);
    x = emit::reshape(b, loc, x, kept);
  }
  node.setOutput(0, x);
  return success();
}

} // namespace

LogicalResult importReduceMean(NodeImporter &node) {
  return importReduction(node, Reduction::Mean, node.opset() >= 18);
}

LogicalResult importReduceSum(NodeImporter &node) {
  return importReduction(node, Reduction::Sum, node.opset() >= 13);
}

LogicalResult importReduceMax(NodeImporter &node) {
  return importReduction(node, Reduction::Max, node.opset() >= 18);
}

LogicalResult importSoftmax(NodeImporter &node) {
  RankedTensorType type = node.inputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return node.error() << "expected a floating-point input, found "
                        << type.getElementType();
  if (type.getRank() == 0)
    return node.error() << "expected an input of rank >= 1";
  // Before opset 13, Softmax flattened the input to 2-D at `axis` (default
  // 1) and normalized each row over all the trailing dims together.
  bool flattens = node.opset() < 13;
  std::optional<int64_t> axis = node.normalizeAxis(
      node.intAttr("axis", flattens ? 1 : -1), type.getRank());
  if (!axis)
    return failure();
  Value x = node.value(0);
  if (!x)
    return failure();
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  ArrayRef<int64_t> shape = type.getShape();
  RankedTensorType computed = type;
  if (flattens) {
    int64_t rows = 1, cols = 1;
    for (int64_t d = 0; d < type.getRank(); ++d)
      (d < *axis ? rows : cols) *= shape[d];
    x = emit::reshape(b, loc, x, {rows, cols});
    computed = RankedTensorType::get({rows, cols}, type.getElementType());
    axis = 1;
  }
  Value init = tensor::EmptyOp::create(b, loc, computed.getShape(),
                                       computed.getElementType());
  Value y = linalg::SoftmaxOp::create(b, loc, computed, x, init, *axis)
                .getResult()[0];
  if (flattens)
    y = emit::reshape(b, loc, y, shape);
  node.setOutput(0, y);
  return success();
}

} // namespace resq::onnx_import
