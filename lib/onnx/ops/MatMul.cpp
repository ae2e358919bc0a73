//===- MatMul.cpp - ONNX MatMul and Gemm as tosa.matmul ------------------===//
//
// tosa.matmul multiplies [N, M, K] by [N, K, W]. A weight without batch
// dims is shared by every row, so the batch folds into M; otherwise both
// operands are broadcast to a common batch that becomes N.
//
//===----------------------------------------------------------------------===//

#include "../Emit.h"
#include "../NodeImporter.h"
#include "../OpTable.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <numeric>

using namespace mlir;

namespace resq::onnx_import {

namespace {

/// a [..., M, K] times b [..., K, N] with numpy batch broadcasting; both
/// have rank >= 2.
FailureOr<Value> emitMatMul(NodeImporter &node, Value a, Value b) {
  OpBuilder &builder = node.builder();
  Location loc = node.loc();
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(b.getType());
  ArrayRef<int64_t> aShape = aType.getShape(), bShape = bType.getShape();
  int64_t m = aShape[aShape.size() - 2], k = aShape.back();
  int64_t n = bShape.back();
  if (bShape[bShape.size() - 2] != k) {
    node.error() << "cannot multiply " << aType << " by " << bType
                 << ": inner dims " << k << " and " << bShape[bShape.size() - 2]
                 << " differ";
    return failure();
  }
  std::optional<SmallVector<int64_t>> batch =
      emit::broadcastShapes(aShape.drop_back(2), bShape.drop_back(2));
  if (!batch) {
    node.error() << "batch dims of " << aType << " and " << bType
                 << " do not broadcast";
    return failure();
  }
  Type element = aType.getElementType();
  Value zero = emit::zeroPoint(builder, loc, element);
  SmallVector<int64_t> resultShape(*batch);
  resultShape.append({m, n});

  Value lhs, rhs;
  int64_t batchSize = shapeProduct(*batch);
  int64_t groups;
  if (shapeProduct(bShape.drop_back(2)) == 1) {
    // Shared weight: fold the batch into the rows.
    lhs = emit::reshape(builder, loc, a,
                        {1, shapeProduct(aShape.drop_back(1)), k});
    rhs = emit::reshape(builder, loc, b, {1, k, n});
    groups = 1;
  } else {
    SmallVector<int64_t> aFull(*batch), bFull(*batch);
    aFull.append({m, k});
    bFull.append({k, n});
    lhs = emit::reshape(builder, loc, emit::broadcastTo(builder, loc, a, aFull),
                        {batchSize, m, k});
    rhs = emit::reshape(builder, loc, emit::broadcastTo(builder, loc, b, bFull),
                        {batchSize, k, n});
    groups = batchSize;
  }
  int64_t rows = groups == 1 ? shapeProduct(aShape.drop_back(1)) : m;
  auto productType = RankedTensorType::get({groups, rows, n}, element);
  Value result =
      tosa::MatMulOp::create(builder, loc, productType, lhs, rhs, zero, zero);
  return emit::reshape(builder, loc, result, resultShape);
}

} // namespace

LogicalResult importMatMul(NodeImporter &node) {
  RankedTensorType aType = node.inputType(0), bType = node.inputType(1);
  if (aType.getElementType() != bType.getElementType() ||
      !isa<FloatType>(aType.getElementType()) ||
      !emit::isTosaElementType(aType.getElementType()))
    return node.error() << "expected two f32, f16 or bf16 inputs, found "
                        << aType << " and " << bType;
  if (aType.getRank() == 0 || bType.getRank() == 0)
    return node.error() << "MatMul inputs must have rank >= 1";
  Value a = node.value(0), b = node.value(1);
  if (!a || !b)
    return failure();
  OpBuilder &builder = node.builder();
  Location loc = node.loc();
  // 1-D operands get a unit dim that is dropped from the result again.
  bool vectorA = aType.getRank() == 1, vectorB = bType.getRank() == 1;
  if (vectorA)
    a = emit::reshape(builder, loc, a, {1, aType.getDimSize(0)});
  if (vectorB)
    b = emit::reshape(builder, loc, b, {bType.getDimSize(0), 1});
  FailureOr<Value> result = emitMatMul(node, a, b);
  if (failed(result))
    return failure();
  auto shape = SmallVector<int64_t>(
      cast<RankedTensorType>(result->getType()).getShape());
  if (vectorB)
    shape.erase(shape.end() - 1);
  if (vectorA)
    shape.erase(shape.end() - (vectorB ? 1 : 2));
  node.setOutput(0, emit::reshape(builder, loc, *result, shape));
  return success();
}

LogicalResult importGemm(NodeImporter &node) {
  RankedTensorType aType = node.inputType(0), bType = node.inputType(1);
  if (aType.getRank() != 2 || bType.getRank() != 2)
    return node.error() << "expected 2-D A and B, found " << aType << " and "
                        << bType;
  if (aType.getElementType() != bType.getElementType() ||
      !isa<FloatType>(aType.getElementType()) ||
      !emit::isTosaElementType(aType.getElementType()))
    return node.error() << "expected f32, f16 or bf16 inputs, found " << aType
                        << " and " << bType;
  OpBuilder &builder = node.builder();
  Location loc = node.loc();
  Value a = node.value(0), b = node.value(1);
  if (!a || !b)
    return failure();
  if (node.intAttr("transA", 0))
    a = emit::transpose(builder, loc, a, {1, 0});
  if (node.intAttr("transB", 0))
    b = emit::transpose(builder, loc, b, {1, 0});
  FailureOr<Value> product = emitMatMul(node, a, b);
  if (failed(product))
    return failure();
  Value result = *product;
  auto type = cast<RankedTensorType>(result.getType());
  float alpha = node.floatAttr("alpha", 1.0f),
        beta = node.floatAttr("beta", 1.0f);
  auto scaled = [&](Value value, float factor) -> Value {
    if (factor == 1.0f)
      return value;
    auto valueType = cast<RankedTensorType>(value.getType());
    auto scalarType =
        RankedTensorType::get(SmallVector<int64_t>(valueType.getRank(), 1),
                              valueType.getElementType());
    return tosa::MulOp::create(builder, loc, valueType, value,
                               emit::splat(builder, loc, scalarType, factor),
                               emit::mulShift(builder, loc));
  };
  result = scaled(result, alpha);
  if (node.hasInput(2) && beta != 0.0f) {
    RankedTensorType cType = node.inputType(2);
    if (!emit::broadcastShapes(cType.getShape(), type.getShape()) ||
        cType.getRank() > 2)
      return node.error() << "C of type " << cType << " does not broadcast to "
                          << type;
    Value c = node.value(2);
    if (!c)
      return failure();
    c = emit::expandRank(builder, loc, scaled(c, beta), 2);
    result = tosa::AddOp::create(builder, loc, type, result, c);
  }
  node.setOutput(0, result);
  return success();
}

} // namespace resq::onnx_import
