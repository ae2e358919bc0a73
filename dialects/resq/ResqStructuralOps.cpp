//===- ResqStructuralOps.cpp - verifiers of the resq structural ops -------===//

#include "dialects/resq/ResqOps.h"
#include "dialects/resq/ResqShapeChecks.h"

#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace resq;

static int64_t lastDim(ShapedType type) { return type.getShape().back(); }

static LogicalResult verifyRankAtLeastOne(Operation *op, StringRef what,
                                          ShapedType type) {
  if (type.getRank() >= 1)
    return success();
  return op->emitOpError() << "expected " << what << " of rank >= 1, found "
                           << type;
}

//===----------------------------------------------------------------------===//
// EmbeddingOp
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::verify() {
  auto table = getTable().getType();
  auto indices = getIndices().getType();
  auto result = getResult().getType();
  if (failed(
          verifyElementType(*this, "result", result, table.getElementType())))
    return failure();
  SmallVector<int64_t> expected(indices.getShape());
  expected.push_back(table.getDimSize(1));
  return verifyShape(*this, "result (indices shape, then embedding width)",
                     result, expected);
}

//===----------------------------------------------------------------------===//
// RmsNormOp
//===----------------------------------------------------------------------===//

LogicalResult RmsNormOp::verify() {
  auto input = getInput().getType();
  if (failed(verifyRankAtLeastOne(*this, "input", input)))
    return failure();
  double eps = getEpsilon().convertToDouble();
  if (!(eps > 0.0) || !std::isfinite(eps))
    return emitOpError() << "expected a positive finite epsilon, found " << eps;
  return verifyShape(*this, "gamma (the input's last dimension)",
                     getGamma().getType(), {lastDim(input)});
}

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::verify() {
  auto input = getInput().getType();
  auto weight = getWeight().getType();
  auto result = getResult().getType();
  if (failed(verifyRankAtLeastOne(*this, "input", input)))
    return failure();
  Type element = input.getElementType();
  if (failed(verifyElementType(*this, "weight", weight, element)) ||
      failed(verifyElementType(*this, "result", result, element)))
    return failure();

  int64_t in = weight.getDimSize(0), out = weight.getDimSize(1);
  if (!dimsAgree(in, lastDim(input)))
    return emitOpError() << "expected weight rows (" << in
                         << ") to equal input features (" << lastDim(input)
                         << ")";
  if (Value bias = getBias()) {
    auto biasType = cast<ShapedType>(bias.getType());
    if (failed(verifyElementType(*this, "bias", biasType, element)) ||
        failed(
            verifyShape(*this, "bias (the weight's columns)", biasType, {out})))
      return failure();
  }
  SmallVector<int64_t> expected(input.getShape().drop_back());
  expected.push_back(out);
  return verifyShape(*this, "result", result, expected);
}

//===----------------------------------------------------------------------===//
// RopeOp
//===----------------------------------------------------------------------===//

int64_t RopeOp::getEffectiveRotaryDim() {
  if (std::optional<int64_t> dim = getRotaryDim())
    return *dim;
  return lastDim(getInput().getType());
}

LogicalResult RopeOp::verify() {
  auto input = getInput().getType();
  auto table = getCos().getType();
  if (input.getRank() != 4)
    return emitOpError() << "expected input of rank 4 [batch, heads, seq, "
                            "head_dim], found rank "
                         << input.getRank();
  int64_t headDim = lastDim(input);
  if (headDim == 0)
    return emitOpError() << "expected a positive head_dim, found 0";
  int64_t rotaryDim = getEffectiveRotaryDim();
  if (getRotaryDim()) {
    if (rotaryDim <= 0)
      return emitOpError() << "expected a positive rotary_dim, found "
                           << rotaryDim;
    if (!ShapedType::isDynamic(headDim) && rotaryDim > headDim)
      return emitOpError() << "expected rotary_dim (" << rotaryDim
                           << ") <= head_dim (" << headDim << ")";
  }
  if (!ShapedType::isDynamic(rotaryDim) && rotaryDim % 2 != 0)
    return emitOpError() << "expected an even number of rotated channels "
                            "to form pairs, found "
                         << rotaryDim;

  int64_t seq = input.getDimSize(2);
  int64_t half =
      ShapedType::isDynamic(rotaryDim) ? ShapedType::kDynamic : rotaryDim / 2;
  if (table.getRank() == 2)
    return verifyShape(*this, "cos/sin tables [seq, rotary_dim/2]", table,
                       {seq, half});
  if (table.getRank() == 3)
    return verifyShape(*this, "cos/sin tables [batch, seq, rotary_dim/2]",
                       table, {input.getDimSize(0), seq, half});
  return emitOpError() << "expected cos/sin tables of rank 2 [seq, "
                          "rotary_dim/2] or 3 [batch, seq, rotary_dim/2], "
                          "found rank "
                       << table.getRank();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

namespace {
/// The sizes of one attention op, read from whichever layout it uses.
struct AttentionDims {
  int64_t batch, qSeq, kvSeq, headDim, valueHeadDim;
};
} // namespace

static int64_t divideIfStatic(int64_t dim, int64_t by) {
  return ShapedType::isDynamic(dim) ? ShapedType::kDynamic : dim / by;
}

/// heads * dim, or dynamic when dim is; the verifier has checked that the
/// product is a tensor width, so it cannot overflow once widths are static.
static int64_t multiplyIfStatic(int64_t heads, int64_t dim) {
  int64_t product;
  if (ShapedType::isDynamic(dim) || llvm::MulOverflow(heads, dim, product))
    return ShapedType::kDynamic;
  return product;
}

static int64_t addIfStatic(int64_t a, int64_t b) {
  if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b))
    return ShapedType::kDynamic;
  return a + b;
}

/// [batch, heads, seq, head_dim] operands.
static FailureOr<AttentionDims> verifyHeadsFirst(AttentionOp op) {
  auto q = op.getQuery().getType(), k = op.getKey().getType(),
       v = op.getValue().getType();
  int64_t heads = op.getNumHeads(), kvHeads = op.getNumKvHeads();
  AttentionDims dims{q.getDimSize(0), q.getDimSize(2), k.getDimSize(2),
                     q.getDimSize(3), v.getDimSize(3)};
  if (!dimsAgree(q.getDimSize(1), heads))
    return op.emitOpError() << "expected query heads (" << q.getDimSize(1)
                            << ") to equal num_heads (" << heads << ")";
  if (failed(verifyShape(op, "key [batch, num_kv_heads, kv_seq, head_dim]", k,
                         {dims.batch, kvHeads, dims.kvSeq, dims.headDim})) ||
      failed(verifyShape(op, "value [batch, num_kv_heads, kv_seq, v_head_dim]",
                         v,
                         {dims.batch, kvHeads, dims.kvSeq, dims.valueHeadDim})))
    return failure();
  return dims;
}

/// [batch, seq, heads * head_dim] operands.
static FailureOr<AttentionDims> verifySeqFirst(AttentionOp op) {
  auto q = op.getQuery().getType(), k = op.getKey().getType(),
       v = op.getValue().getType();
  int64_t heads = op.getNumHeads(), kvHeads = op.getNumKvHeads();
  for (auto [what, width, by] : {std::tuple{"query", lastDim(q), heads},
                                 std::tuple{"key", lastDim(k), kvHeads},
                                 std::tuple{"value", lastDim(v), kvHeads}}) {
    if (!ShapedType::isDynamic(width) && width % by != 0)
      return op.emitOpError()
             << "expected " << what << " width (" << width
             << ") to be divisible by its head count (" << by << ")";
  }
  AttentionDims dims{q.getDimSize(0), q.getDimSize(1), k.getDimSize(1),
                     divideIfStatic(lastDim(q), heads),
                     divideIfStatic(lastDim(v), kvHeads)};
  int64_t keyWidth = multiplyIfStatic(kvHeads, dims.headDim);
  if (failed(verifyShape(op, "key [batch, kv_seq, num_kv_heads * head_dim]", k,
                         {dims.batch, dims.kvSeq, keyWidth})) ||
      failed(verifyShape(op, "value [batch, kv_seq, num_kv_heads * v_head_dim]",
                         v, {dims.batch, dims.kvSeq, lastDim(v)})))
    return failure();
  return dims;
}

/// Mask dims must broadcast to [batch, num_heads, q_seq, kv_seq].
static LogicalResult verifyMask(AttentionOp op, ArrayRef<int64_t> scores) {
  auto mask = cast<ShapedType>(op.getMask().getType());
  ArrayRef<int64_t> shape = mask.getShape();
  bool broadcasts =
      shape.size() <= scores.size() &&
      llvm::all_of(llvm::zip(llvm::reverse(shape), llvm::reverse(scores)),
                   [](auto dims) {
                     int64_t m = std::get<0>(dims);
                     return m == 1 || dimsAgree(m, std::get<1>(dims));
                   });
  if (broadcasts)
    return success();
  return op.emitOpError() << "expected mask of shape " << formatShape(shape)
                          << " to broadcast to the scores [batch, num_heads, "
                             "q_seq, kv_seq] = "
                          << formatShape(scores);
}

int64_t AttentionOp::getHeadDim() {
  auto q = getQuery().getType();
  if (q.getRank() == 4)
    return q.getDimSize(3);
  return divideIfStatic(lastDim(q), getNumHeads());
}

std::optional<double> AttentionOp::getEffectiveScale() {
  if (std::optional<APFloat> scale = getScale())
    return scale->convertToDouble();
  int64_t headDim = getHeadDim();
  if (ShapedType::isDynamic(headDim) || headDim <= 0)
    return std::nullopt;
  return 1.0 / std::sqrt(static_cast<double>(headDim));
}

LogicalResult AttentionOp::verify() {
  auto q = getQuery().getType();
  int64_t rank = q.getRank();
  if (rank != 3 && rank != 4)
    return emitOpError() << "expected query of rank 3 [batch, seq, heads * "
                            "head_dim] or 4 [batch, heads, seq, head_dim], "
                            "found rank "
                         << rank;
  if (getKey().getType().getRank() != rank ||
      getValue().getType().getRank() != rank)
    return emitOpError() << "expected key and value of the query's rank ("
                         << rank << "), found " << getKey().getType().getRank()
                         << " and " << getValue().getType().getRank();
  int64_t heads = getNumHeads(), kvHeads = getNumKvHeads();
  if (heads <= 0 || kvHeads <= 0)
    return emitOpError() << "expected positive num_heads and num_kv_heads, "
                            "found "
                         << heads << " and " << kvHeads;
  if (heads % kvHeads != 0)
    return emitOpError() << "expected num_heads (" << heads
                         << ") to be a multiple of num_kv_heads (" << kvHeads
                         << ")";
  if (std::optional<APFloat> scale = getScale()) {
    double value = scale->convertToDouble();
    if (!(value > 0.0) || !std::isfinite(value))
      return emitOpError() << "expected a positive finite scale, found "
                           << value;
  }

  Type element = q.getElementType();
  for (auto [what, value] :
       {std::pair{"key", getKey()}, std::pair{"value", getValue()},
        std::pair{"mask", getMask()}, std::pair{"past_key", getPastKey()},
        std::pair{"past_value", getPastValue()}}) {
    if (value && failed(verifyElementType(
                     *this, what, cast<ShapedType>(value.getType()), element)))
      return failure();
  }
  for (Value result : getResults())
    if (failed(verifyElementType(*this, "result",
                                 cast<ShapedType>(result.getType()), element)))
      return failure();

  FailureOr<AttentionDims> dims =
      rank == 4 ? verifyHeadsFirst(*this) : verifySeqFirst(*this);
  if (failed(dims))
    return failure();
  if (dims->headDim == 0 || dims->valueHeadDim == 0)
    return emitOpError() << "expected positive head dims, found "
                         << dims->headDim << " (query/key) and "
                         << dims->valueHeadDim << " (value)";

  int64_t totalKv = dims->kvSeq;
  bool hasPast = getPastKey() || getPastValue();
  if (hasPast) {
    if (!getPastKey() || !getPastValue())
      return emitOpError() << "expected both past_key and past_value, or "
                              "neither";
    auto pastKey = cast<ShapedType>(getPastKey().getType());
    int64_t past =
        pastKey.getRank() == 4 ? pastKey.getDimSize(2) : ShapedType::kDynamic;
    if (failed(verifyShape(
            *this, "past_key [batch, num_kv_heads, past_seq, head_dim]",
            pastKey, {dims->batch, kvHeads, past, dims->headDim})) ||
        failed(verifyShape(
            *this, "past_value [batch, num_kv_heads, past_seq, v_head_dim]",
            cast<ShapedType>(getPastValue().getType()),
            {dims->batch, kvHeads, past, dims->valueHeadDim})))
      return failure();
    totalKv = addIfStatic(past, dims->kvSeq);
  }

  size_t expectedPresent = hasPast ? 2 : 0;
  if (getPresent().size() != expectedPresent)
    return emitOpError() << "expected " << expectedPresent
                         << " present cache results (one key and one value "
                            "per past operand), found "
                         << getPresent().size();
  if (hasPast &&
      (failed(verifyShape(*this, "present key cache",
                          cast<ShapedType>(getPresent()[0].getType()),
                          {dims->batch, kvHeads, totalKv, dims->headDim})) ||
       failed(
           verifyShape(*this, "present value cache",
                       cast<ShapedType>(getPresent()[1].getType()),
                       {dims->batch, kvHeads, totalKv, dims->valueHeadDim}))))
    return failure();

  SmallVector<int64_t> expectedOutput =
      rank == 4
          ? SmallVector<int64_t>{dims->batch, heads, dims->qSeq,
                                 dims->valueHeadDim}
          : SmallVector<int64_t>{dims->batch, dims->qSeq,
                                 multiplyIfStatic(heads, dims->valueHeadDim)};
  if (failed(
          verifyShape(*this, "output", getOutput().getType(), expectedOutput)))
    return failure();

  if (getMask() &&
      failed(verifyMask(*this, {dims->batch, heads, dims->qSeq, totalKv})))
    return failure();
  if (getCausal() && !ShapedType::isDynamic(dims->qSeq) &&
      !ShapedType::isDynamic(totalKv) && dims->qSeq > totalKv)
    return emitOpError() << "expected q_seq (" << dims->qSeq << ") <= kv_seq ("
                         << totalKv
                         << ") for causal attention, or the first queries "
                            "would see no key";
  return success();
}
