//===- Transformer.cpp - the opset-23 transformer ops ---------------------===//
//
// RMSNormalization, RotaryEmbedding and Attention map straight onto
// resq.rms_norm, resq.rope and resq.attention, whose layouts were chosen to
// match them: rope works on [batch, heads, seq, head_dim], attention takes
// either that layout or [batch, seq, heads * head_dim]. What the resq ops do
// not express (softcap, the qk_matmul_output debug output, nonpad_kv_seqlen,
// top-left causal alignment of cross attention) is diagnosed.
//
//===----------------------------------------------------------------------===//

#include "../Emit.h"
#include "../HostEval.h"
#include "../NodeImporter.h"
#include "../OpTable.h"

#include "dialects/resq/ResqOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Verifier.h"

#include <limits>
#include <numeric>

using namespace mlir;

namespace resq::onnx_import {

namespace {

/// cos/sin rows for the given positions: a [B, S, R/2] table.
Value gatherCache(NodeImporter &node, Value cache,
                  ArrayRef<int64_t> positionsShape) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  auto cacheType = cast<RankedTensorType>(cache.getType());
  int64_t rows = cacheType.getDimSize(0), half = cacheType.getDimSize(1);
  int64_t count = shapeProduct(positionsShape);
  Value indices;
  auto indexType = RankedTensorType::get({1, count}, b.getI32Type());
  if (const HostTensor *known = node.constant(3)) {
    SmallVector<int32_t> values;
    for (int64_t p : known->ints())
      values.push_back(static_cast<int32_t>(p));
    indices = tosa::ConstOp::create(
        b, loc, indexType, DenseIntElementsAttr::get(indexType, values));
  } else {
    Value positions = node.value(3);
    if (!positions)
      return nullptr;
    auto narrow = RankedTensorType::get(positionsShape, b.getI32Type());
    positions = emit::elementwise(
        b, loc, narrow, {positions},
        [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
          return emit::indexToI32(nested, nestedLoc, args[0]);
        });
    indices = emit::reshape(b, loc, positions, {1, count});
  }
  Value table = emit::reshape(b, loc, cache, {1, rows, half});
  auto gatheredType =
      RankedTensorType::get({1, count, half}, cacheType.getElementType());
  Value gathered = tosa::GatherOp::create(b, loc, gatheredType, table, indices);
  SmallVector<int64_t> shape(positionsShape);
  shape.push_back(half);
  return emit::reshape(b, loc, gathered, shape);
}

} // namespace

LogicalResult importRMSNormalization(NodeImporter &node) {
  RankedTensorType type = node.inputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return node.error() << "expected a floating-point input, found "
                        << type.getElementType();
  int64_t rank = type.getRank();
  if (rank == 0)
    return node.error() << "expected an input of rank >= 1";
  std::optional<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", -1), rank);
  if (!axis)
    return failure();
  int64_t width = shapeProduct(type.getShape().drop_front(*axis));
  RankedTensorType scaleType = node.inputType(1);
  if (scaleType.getElementType() != type.getElementType() ||
      scaleType.getNumElements() != width)
    return node.error() << "scale " << scaleType
                        << " must hold one value per normalised element ("
                        << width << " of " << type.getElementType() << ")";
  double epsilon = node.floatAttr("epsilon", 1e-5f);
  if (!(epsilon > 0))
    return node.error() << "epsilon must be positive, found " << epsilon;

  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Value x = node.value(0), scale = node.value(1);
  if (!x || !scale)
    return failure();
  // Normalising the last k dims is normalising their flattening.
  SmallVector<int64_t> flat(type.getShape().take_front(*axis));
  flat.push_back(width);
  Value input = emit::reshape(b, loc, x, flat);
  Value gamma = emit::reshape(b, loc, scale, {width});
  Value normalized = RmsNormOp::create(b, loc, input.getType(), input, gamma,
                                       b.getF64FloatAttr(epsilon));
  node.setOutput(0, emit::reshape(b, loc, normalized, type.getShape()));
  return success();
}

LogicalResult importRotaryEmbedding(NodeImporter &node) {
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  if (rank != 3 && rank != 4)
    return node.error() << "expected an input of rank 3 [batch, seq, hidden] "
                           "or 4 [batch, heads, seq, head_size], found "
                        << type;
  if (!isa<FloatType>(type.getElementType()))
    return node.error() << "expected a floating-point input";
  int64_t batch = type.getDimSize(0);
  int64_t heads, seq, headSize;
  if (rank == 4) {
    heads = type.getDimSize(1);
    seq = type.getDimSize(2);
    headSize = type.getDimSize(3);
  } else {
    heads = node.intAttr("num_heads", 0);
    seq = type.getDimSize(1);
    if (heads <= 0 || type.getDimSize(2) % heads != 0)
      return node.error() << "a 3-D input needs a num_heads attribute that "
                             "divides its hidden size ("
                          << type.getDimSize(2) << ")";
    headSize = type.getDimSize(2) / heads;
  }
  int64_t rotaryDim = node.intAttr("rotary_embedding_dim", 0);
  if (rotaryDim == 0)
    rotaryDim = headSize;
  if (rotaryDim < 0 || rotaryDim > headSize || rotaryDim % 2 != 0)
    return node.error() << "rotary_embedding_dim " << rotaryDim
                        << " must be even and at most the head size "
                        << headSize;

  RankedTensorType cacheType = node.inputType(1);
  bool hasPositions = node.hasInput(3);
  int64_t half = rotaryDim / 2;
  bool cacheOk = node.inputType(2) == cacheType &&
                 cacheType.getElementType() == type.getElementType();
  if (hasPositions)
    cacheOk &= cacheType.getRank() == 2 && cacheType.getDimSize(1) == half;
  else
    cacheOk &= cacheType.getShape() == ArrayRef<int64_t>{batch, seq, half};
  if (!cacheOk)
    return node.error() << "cos/sin caches " << cacheType << " and "
                        << node.inputType(2) << " must both be "
                        << (hasPositions ? "[max_position, " : "[batch, seq, ")
                        << half << "] (rotary_dim / 2) of the input's "
                        << "element type";
  if (hasPositions) {
    ArrayRef<int64_t> positions = node.inputShape(3);
    if (positions != ArrayRef<int64_t>{batch, seq})
      return node.error() << "position_ids must be [batch, seq] = [" << batch
                          << ", " << seq << "]";
    if (const HostTensor *known = node.constant(3))
      for (int64_t p : known->ints())
        if (p < 0 || p >= cacheType.getDimSize(0))
          return node.error() << "position " << p << " is outside the caches' "
                              << cacheType.getDimSize(0) << " rows";
  }

  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Value x = node.value(0), cos = node.value(1), sin = node.value(2);
  if (!x || !cos || !sin)
    return failure();
  if (hasPositions) {
    ArrayRef<int64_t> positions = node.inputShape(3);
    cos = gatherCache(node, cos, positions);
    sin = gatherCache(node, sin, positions);
    if (!cos || !sin)
      return failure();
  }
  // resq.rope takes [batch, heads, seq, head_dim].
  if (rank == 3) {
    x = emit::reshape(b, loc, x, {batch, seq, heads, headSize});
    x = emit::transpose(b, loc, x, {0, 2, 1, 3});
  }
  auto pairing = node.intAttr("interleaved", 0) ? RopePairing::Interleaved
                                                : RopePairing::Half;
  Value rotated = RopeOp::create(
      b, loc, x.getType(), x, cos, sin,
      RopePairingAttr::get(node.context(), pairing),
      rotaryDim == headSize ? IntegerAttr() : b.getI64IntegerAttr(rotaryDim));
  if (rank == 3) {
    rotated = emit::transpose(b, loc, rotated, {0, 2, 1, 3});
    rotated = emit::reshape(b, loc, rotated, type.getShape());
  }
  node.setOutput(0, rotated);
  return success();
}

LogicalResult importAttention(NodeImporter &node) {
  if (node.floatAttr("softcap", 0.0f) != 0.0f)
    return node.error() << "softcap is not supported";
  if (node.intAttr("qk_matmul_output_mode", 0) != 0 || node.hasOutput(3))
    return node.error() << "the qk_matmul_output output is not supported";
  if (node.hasInput(6))
    return node.error() << "nonpad_kv_seqlen is not supported; pass the "
                           "valid cache length through attn_mask instead";
  RankedTensorType q = node.inputType(0), k = node.inputType(1),
                   v = node.inputType(2);
  int64_t rank = q.getRank();
  if ((rank != 3 && rank != 4) || k.getRank() != rank || v.getRank() != rank)
    return node.error() << "expected Q, K and V all of rank 3 or all of rank "
                           "4, found "
                        << q << ", " << k << ", " << v;
  int64_t heads, kvHeads;
  if (rank == 4) {
    heads = q.getDimSize(1);
    kvHeads = k.getDimSize(1);
  } else {
    heads = node.intAttr("q_num_heads", 0);
    kvHeads = node.intAttr("kv_num_heads", 0);
    if (heads <= 0 || kvHeads <= 0)
      return node.error() << "3-D inputs need positive q_num_heads and "
                             "kv_num_heads attributes";
  }
  bool hasPast = node.hasInput(4) || node.hasInput(5);
  if (hasPast && !(node.hasInput(4) && node.hasInput(5)))
    return node.error() << "past_key and past_value must be given together";
  if (hasPast != (node.hasOutput(1) && node.hasOutput(2)) &&
      (node.hasOutput(1) || node.hasOutput(2)))
    return node.error() << "present_key and present_value are produced "
                           "only together with past_key and past_value";
  bool causal = node.intAttr("is_causal", 0) != 0;
  int64_t qSeq = q.getDimSize(rank == 4 ? 2 : 1);
  int64_t kvSeq = k.getDimSize(rank == 4 ? 2 : 1);
  // ONNX aligns the causal mask top-left when there is no cache; resq.attention
  // aligns it bottom-right. They agree when the sequences have one length.
  if (causal && !hasPast && qSeq != kvSeq)
    return node.error() << "causal attention without a cache and with q_seq ("
                        << qSeq << ") != kv_seq (" << kvSeq
                        << ") is not supported";

  OpBuilder &b = node.builder();
  Location loc = node.loc();
  SmallVector<Value> operands;
  for (size_t i = 0; i < 3; ++i) {
    Value value = node.value(i);
    if (!value)
      return failure();
    operands.push_back(value);
  }
  Value mask;
  if (node.hasInput(3)) {
    mask = node.value(3);
    if (!mask)
      return failure();
    auto maskType = cast<RankedTensorType>(mask.getType());
    if (maskType.getElementType().isInteger(1)) {
      // A bool mask says which keys take part: 0 where true, -inf elsewhere.
      auto scoresType =
          RankedTensorType::get(maskType.getShape(), q.getElementType());
      auto splatType = RankedTensorType::get(
          SmallVector<int64_t>(maskType.getRank(), 1), q.getElementType());
      mask = tosa::SelectOp::create(
          b, loc, scoresType, mask, emit::splat(b, loc, splatType, 0.0),
          emit::splat(b, loc, splatType,
                      -std::numeric_limits<double>::infinity()));
    } else if (maskType.getElementType() != q.getElementType()) {
      return node.error() << "attn_mask must be bool or of the query's "
                             "element type, found "
                          << maskType.getElementType();
    }
  }
  Value pastKey, pastValue;
  SmallVector<Type> resultTypes;
  resultTypes.push_back(RankedTensorType::get(
      rank == 4
          ? SmallVector<int64_t>{q.getDimSize(0), heads, qSeq, v.getDimSize(3)}
          : SmallVector<int64_t>{q.getDimSize(0), qSeq,
                                 heads * (v.getDimSize(2) / kvHeads)},
      q.getElementType()));
  if (hasPast) {
    pastKey = node.value(4);
    pastValue = node.value(5);
    if (!pastKey || !pastValue)
      return failure();
    auto pk = cast<RankedTensorType>(pastKey.getType());
    auto pv = cast<RankedTensorType>(pastValue.getType());
    if (pk.getRank() != 4 || pv.getRank() != 4)
      return node.error() << "past_key and past_value must be 4-D";
    int64_t total = pk.getDimSize(2) + kvSeq;
    resultTypes.push_back(RankedTensorType::get(
        {pk.getDimSize(0), pk.getDimSize(1), total, pk.getDimSize(3)},
        pk.getElementType()));
    resultTypes.push_back(RankedTensorType::get(
        {pv.getDimSize(0), pv.getDimSize(1), total, pv.getDimSize(3)},
        pv.getElementType()));
  }
  FloatAttr scale;
  if (const onnx::AttributeProto *attr =
          node.attribute("scale", onnx::AttributeProto::FLOAT))
    scale = b.getF64FloatAttr(attr->f());

  auto attention = AttentionOp::create(
      b, loc, resultTypes[0], ArrayRef<Type>(resultTypes).drop_front(),
      operands[0], operands[1], operands[2], mask, pastKey, pastValue,
      b.getI64IntegerAttr(heads), b.getI64IntegerAttr(kvHeads), scale,
      causal ? b.getUnitAttr() : UnitAttr());
  if (failed(verify(attention)))
    return node.error() << "the Attention node's shapes are inconsistent "
                           "(see the resq.attention error above)";
  for (unsigned i = 0; i < attention->getNumResults(); ++i)
    node.setOutput(i, attention->getResult(i));
  return success();
}

} // namespace resq::onnx_import
