//===- RaiseAttention.cpp - RoPE, attention and embedding patterns --------===//
//
// The attention block of a torch export arrives as slices, products,
// concatenations, two batched matmuls and a softmax. These patterns
// recognise it bottom-up: each root op (the reshape that ends a RoPE, the
// reshape after the attention's second matmul, the gather of an embedding)
// is matched back to its inputs, and the constants involved are checked
// (two uses of a RoPE table must be the same table) before anything is
// rewritten. Layout changes the resq ops need are explicit transposes;
// canonicalization folds them into their neighbours.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/RaisePatterns.h"

#include "dialects/resq/ResqOps.h"
#include "passes/common/ModuleParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace resq {
namespace {

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

bool isZero(Value value) {
  return matchPattern(value, m_AnyZeroFloat()) || matchPattern(value, m_Zero());
}

Value reshapeTo(PatternRewriter &b, Location loc, Value value,
                ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(
      shape, cast<RankedTensorType>(value.getType()).getElementType());
  return tosa::ReshapeOp::create(b, loc, type, value,
                                 tosa::getTosaConstShape(b, loc, shape));
}

/// [0, 2, 1, 3]: swaps the seq and heads dims of a 4-D tensor.
Value swapSeqAndHeads(PatternRewriter &b, Location loc, Value value) {
  ArrayRef<int64_t> shape = shapeOf(value);
  SmallVector<int64_t> swapped = {shape[0], shape[2], shape[1], shape[3]};
  auto type = RankedTensorType::get(
      swapped, cast<RankedTensorType>(value.getType()).getElementType());
  return tosa::TransposeOp::create(b, loc, type, value,
                                   b.getDenseI32ArrayAttr({0, 2, 1, 3}));
}

/// The factors of a tosa.mul without shift.
bool matchProduct(Value value, Value &lhs, Value &rhs) {
  auto mul = value.getDefiningOp<tosa::MulOp>();
  if (!mul || !isZero(mul.getShift()))
    return false;
  lhs = mul.getInput1();
  rhs = mul.getInput2();
  return true;
}

/// Whether two values are the same constant table: one value, one
/// parameter seen through reshapes, or equal element values.
bool sameTable(Value a, Value b, const ModuleParams *params) {
  if (a == b)
    return true;
  if (shapeOf(a) != shapeOf(b))
    return false;
  auto pa = a.getDefiningOp<tosa::ReshapeOp>();
  auto pb = b.getDefiningOp<tosa::ReshapeOp>();
  if (pa && pb && pa.getInput1() == pb.getInput1())
    return true;
  std::optional<std::vector<double>> va = constantValues(a, params);
  std::optional<std::vector<double>> vb = constantValues(b, params);
  return va && vb && *va == *vb;
}

bool isConstantTable(Value value, const ModuleParams *params) {
  while (auto reshape = value.getDefiningOp<tosa::ReshapeOp>())
    value = reshape.getInput1();
  return value.getDefiningOp<ParamOp>() ||
         value.getDefiningOp<arith::ConstantOp>() ||
         value.getDefiningOp<tosa::ConstOp>();
}

/// Static start and size of a tosa.slice.
bool sliceBounds(tosa::SliceOp slice, SmallVector<int64_t> &start,
                 SmallVector<int64_t> &size) {
  return tosa::getConstShapeValues(slice.getStart().getDefiningOp(), start) &&
         tosa::getConstShapeValues(slice.getSize().getDefiningOp(), size);
}

/// The source of an extract_slice that takes `count` channels of the last
/// dim from `begin` with `stride`, and all of every other dim; else null.
Value lastDimSlice(tensor::ExtractSliceOp slice, int64_t begin, int64_t count,
                   int64_t stride) {
  Value x = slice.getSource();
  ArrayRef<int64_t> full = shapeOf(x);
  ArrayRef<int64_t> offsets = slice.getStaticOffsets();
  ArrayRef<int64_t> sizes = slice.getStaticSizes();
  ArrayRef<int64_t> strides = slice.getStaticStrides();
  if (offsets.size() != full.size())
    return {};
  for (size_t d = 0; d + 1 < full.size(); ++d)
    if (offsets[d] != 0 || sizes[d] != full[d] || strides[d] != 1)
      return {};
  return offsets.back() == begin && sizes.back() == count &&
                 strides.back() == stride
             ? x
             : Value();
}

/// If `value` is channels [begin, begin + count) of the last dim of some x
/// (all of every other dim), returns x.
Value lastDimRange(Value value, int64_t begin, int64_t count) {
  if (auto slice = value.getDefiningOp<tosa::SliceOp>()) {
    SmallVector<int64_t> start, size;
    Value x = slice.getInput1();
    ArrayRef<int64_t> full = shapeOf(x);
    if (!sliceBounds(slice, start, size))
      return {};
    for (size_t d = 0; d + 1 < full.size(); ++d)
      if (start[d] != 0 || size[d] != full[d])
        return {};
    return start.back() == begin && size.back() == count ? x : Value();
  }
  if (auto slice = value.getDefiningOp<tensor::ExtractSliceOp>())
    return lastDimSlice(slice, begin, count, 1);
  return {};
}

/// If `value` holds member `index` (0 or 1) of each channel pair (2i, 2i+1)
/// of the last dim of some x, returns x. Two forms: a stride-2
/// extract_slice, and reshape(slice(reshape(x, [..., D/2, 2]))).
Value pairMember(Value value, int64_t index) {
  if (auto slice = value.getDefiningOp<tensor::ExtractSliceOp>()) {
    int64_t dim = shapeOf(slice.getSource()).back();
    return dim % 2 ? Value() : lastDimSlice(slice, index, dim / 2, 2);
  }
  auto squeeze = value.getDefiningOp<tosa::ReshapeOp>();
  auto slice =
      squeeze ? squeeze.getInput1().getDefiningOp<tosa::SliceOp>() : nullptr;
  auto split =
      slice ? slice.getInput1().getDefiningOp<tosa::ReshapeOp>() : nullptr;
  if (!split)
    return {};
  Value x = split.getInput1();
  ArrayRef<int64_t> xShape = shapeOf(x);
  ArrayRef<int64_t> pairs = shapeOf(split);
  if (pairs.size() != xShape.size() + 1 || pairs.back() != 2 ||
      pairs.drop_back(2) != xShape.drop_back() ||
      pairs[pairs.size() - 2] * 2 != xShape.back() ||
      shapeOf(value) != pairs.drop_back())
    return {};
  SmallVector<int64_t> start, size;
  if (!sliceBounds(slice, start, size))
    return {};
  for (size_t d = 0; d + 1 < pairs.size(); ++d)
    if (start[d] != 0 || size[d] != pairs[d])
      return {};
  return start.back() == index && size.back() == 1 ? x : Value();
}

/// The axis of x ([batch, *, *, head_dim]) that a RoPE table broadcast
/// against it runs along: 2 for [batch, heads, seq, dim], 1 for [batch,
/// seq, heads, dim]. The table has one row per position on that axis and
/// 1 on every other leading axis.
std::optional<int64_t> seqAxisOf(ArrayRef<int64_t> table, ArrayRef<int64_t> x) {
  if (table.size() != 4 || x.size() != 4 || table[0] != 1)
    return std::nullopt;
  std::optional<int64_t> axis;
  for (int64_t d : {1, 2}) {
    if (table[d] == 1)
      continue;
    if (axis || table[d] != x[d])
      return std::nullopt;
    axis = d;
  }
  if (axis)
    return axis;
  for (int64_t d : {2, 1}) // one position: any unit axis will do
    if (x[d] == 1)
      return d;
  return std::nullopt;
}

/// Emits resq.rope on x with [seq, pairs] tables reshaped from the
/// broadcast ones, moving the seq axis to where resq.rope has it.
Value emitRope(PatternRewriter &b, Location loc, Value x, Value cos, Value sin,
               int64_t seqAxis, RopePairing pairing) {
  ArrayRef<int64_t> table = shapeOf(cos);
  int64_t rows = table[1] * table[2];
  Value cos2d = reshapeTo(b, loc, cos, {rows, table[3]});
  Value sin2d = reshapeTo(b, loc, sin, {rows, table[3]});
  Value input = seqAxis == 1 ? swapSeqAndHeads(b, loc, x) : x;
  Value rotated = RopeOp::create(b, loc, input.getType(), input, cos2d, sin2d,
                                 RopePairingAttr::get(b.getContext(), pairing),
                                 IntegerAttr());
  return seqAxis == 1 ? swapSeqAndHeads(b, loc, rotated) : rotated;
}

/// a * b in either order, where `a` satisfies `isFirst`; returns b.
template <typename Pred>
Value otherFactor(Value lhs, Value rhs, Pred isFirst, Value &first) {
  if ((first = isFirst(lhs)))
    return rhs;
  if ((first = isFirst(rhs)))
    return lhs;
  return {};
}

/// Interleaved RoPE (llama2.c, the GPT-J pairing):
///   e = x[..., 0::2], o = x[..., 1::2]
///   y = reshape(concat([e*cos - o*sin, e*sin + o*cos] as [..., D/2, 1],
///                      last), [..., D])
struct RaiseInterleavedRope : OpRewritePattern<tosa::ReshapeOp> {
  RaiseInterleavedRope(MLIRContext *context, const ModuleParams *params)
      : OpRewritePattern(context), params(params) {}

  LogicalResult matchAndRewrite(tosa::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto concat = op.getInput1().getDefiningOp<tosa::ConcatOp>();
    if (!concat || concat.getInput1().size() != 2 ||
        concat.getAxis() != shapeOf(concat).size() - 1 ||
        shapeOf(concat).back() != 2)
      return failure();
    auto first = concat.getInput1()[0].getDefiningOp<tosa::ReshapeOp>();
    auto second = concat.getInput1()[1].getDefiningOp<tosa::ReshapeOp>();
    if (!first || !second)
      return failure();
    auto real = first.getInput1().getDefiningOp<tosa::SubOp>();
    auto imag = second.getInput1().getDefiningOp<tosa::AddOp>();
    if (!real || !imag)
      return failure();

    // real = e * cos - o * sin
    Value a, b, c, d, even, odd;
    if (!matchProduct(real.getInput1(), a, b) ||
        !matchProduct(real.getInput2(), c, d))
      return failure();
    auto evenOf = [](Value v) { return pairMember(v, 0); };
    auto oddOf = [](Value v) { return pairMember(v, 1); };
    Value cos = otherFactor(a, b, evenOf, even);
    Value sin = otherFactor(c, d, oddOf, odd);
    if (!cos || !sin || even != odd || shapeOf(op) != shapeOf(even))
      return rewriter.notifyMatchFailure(op, "not e*cos - o*sin of one x");
    Value x = even;

    // imag = e * sin + o * cos, in either order
    Value p, q, r, s, e2, o2;
    if (!matchProduct(imag.getInput1(), p, q) ||
        !matchProduct(imag.getInput2(), r, s))
      return failure();
    Value sin2 = otherFactor(p, q, evenOf, e2);
    Value cos2 = otherFactor(r, s, oddOf, o2);
    if (!sin2) {
      sin2 = otherFactor(r, s, evenOf, e2);
      cos2 = otherFactor(p, q, oddOf, o2);
    }
    if (!sin2 || !cos2 || e2 != x || o2 != x)
      return rewriter.notifyMatchFailure(op, "not e*sin + o*cos of one x");
    if (!isConstantTable(cos, params) || !isConstantTable(sin, params) ||
        !sameTable(cos, cos2, params) || !sameTable(sin, sin2, params))
      return rewriter.notifyMatchFailure(op, "tables are not one cos, sin");
    std::optional<int64_t> seqAxis = seqAxisOf(shapeOf(cos), shapeOf(real));
    if (!seqAxis || shapeOf(sin) != shapeOf(cos))
      return rewriter.notifyMatchFailure(op, "unknown table layout");
    rewriter.replaceOp(op, emitRope(rewriter, op.getLoc(), x, cos, sin,
                                    *seqAxis, RopePairing::Interleaved));
    return success();
  }

  const ModuleParams *params;
};

/// Half-split RoPE (Hugging Face Llama):
///   y = x * cos + concat(-x[..., D/2:], x[..., :D/2]) * sin
/// with tables of the full head dim whose halves are equal.
struct RaiseHalfRope : OpRewritePattern<tosa::AddOp> {
  RaiseHalfRope(MLIRContext *context, const ModuleParams *params)
      : OpRewritePattern(context), params(params) {}

  /// x when `value` is concat(-x[..., h:], x[..., :h]) on the last dim.
  static Value rotateHalfOf(Value value) {
    auto concat = value.getDefiningOp<tosa::ConcatOp>();
    if (!concat || concat.getInput1().size() != 2 ||
        concat.getAxis() != shapeOf(concat).size() - 1)
      return {};
    int64_t dim = shapeOf(concat).back();
    auto negate = concat.getInput1()[0].getDefiningOp<tosa::NegateOp>();
    if (!negate || dim % 2 || !isZero(negate.getInput1Zp()) ||
        !isZero(negate.getOutputZp()))
      return {};
    Value high = lastDimRange(negate.getInput1(), dim / 2, dim / 2);
    Value low = lastDimRange(concat.getInput1()[1], 0, dim / 2);
    return high && high == low ? high : Value();
  }

  /// Whether the last dim of a table holds the same values twice.
  bool halvesEqual(Value table) const {
    std::optional<std::vector<double>> values = constantValues(table, params);
    int64_t dim = shapeOf(table).back();
    if (!values)
      return false;
    for (size_t row = 0; row < values->size(); row += dim)
      for (int64_t i = 0; i < dim / 2; ++i)
        if ((*values)[row + i] != (*values)[row + i + dim / 2])
          return false;
    return true;
  }

  LogicalResult matchAndRewrite(tosa::AddOp op,
                                PatternRewriter &rewriter) const override {
    Value a, b, c, d;
    if (!matchProduct(op.getInput1(), a, b) ||
        !matchProduct(op.getInput2(), c, d))
      return failure();
    // One product has the rotated half; the other multiplies that x.
    Value rotated;
    Value sin = otherFactor(c, d, rotateHalfOf, rotated);
    Value x, cos;
    if (sin) {
      x = rotated;
      cos = a == x ? b : b == x ? a : Value();
    } else if ((sin = otherFactor(a, b, rotateHalfOf, rotated))) {
      x = rotated;
      cos = c == x ? d : d == x ? c : Value();
    }
    if (!cos || shapeOf(x) != shapeOf(op))
      return failure();
    ArrayRef<int64_t> table = shapeOf(cos);
    std::optional<int64_t> seqAxis = seqAxisOf(table, shapeOf(x));
    if (!seqAxis || shapeOf(sin) != table || table.back() != shapeOf(x).back())
      return rewriter.notifyMatchFailure(op, "unknown table layout");
    if (!isConstantTable(cos, params) || !isConstantTable(sin, params) ||
        !halvesEqual(cos) || !halvesEqual(sin))
      return rewriter.notifyMatchFailure(op, "tables without equal halves");
    // resq.rope takes one angle per pair: the first half of each table.
    Location loc = op.getLoc();
    SmallVector<int64_t> half(table);
    half.back() /= 2;
    SmallVector<int64_t> zeros(table.size(), 0);
    auto halfType = RankedTensorType::get(
        half, cast<RankedTensorType>(cos.getType()).getElementType());
    auto firstHalf = [&](Value full) -> Value {
      return tosa::SliceOp::create(
          rewriter, loc, halfType, full,
          tosa::getTosaConstShape(rewriter, loc, zeros),
          tosa::getTosaConstShape(rewriter, loc, half));
    };
    rewriter.replaceOp(op,
                       emitRope(rewriter, loc, x, firstHalf(cos),
                                firstHalf(sin), *seqAxis, RopePairing::Half));
    return success();
  }

  const ModuleParams *params;
};

/// If `value` ([batch, heads, seq, dim], or [batch, seq, heads, dim] with
/// `seqFirst`) repeats each of fewer KV heads `heads / kvHeads` times
/// (reshape to a unit group dim, tile, reshape back), returns the KV-head
/// tensor and sets `kvHeads`.
Value unrepeatHeads(Value value, bool seqFirst, int64_t &kvHeads) {
  auto merge = value.getDefiningOp<tosa::ReshapeOp>();
  auto tile = merge ? merge.getInput1().getDefiningOp<tosa::TileOp>() : nullptr;
  auto split =
      tile ? tile.getInput1().getDefiningOp<tosa::ReshapeOp>() : nullptr;
  if (!split)
    return {};
  Value source = split.getInput1();
  ArrayRef<int64_t> in = shapeOf(source), out = shapeOf(value);
  ArrayRef<int64_t> grouped = shapeOf(split), tiled = shapeOf(tile);
  int64_t headAxis = seqFirst ? 2 : 1;
  if (in.size() != 4 || grouped.size() != 5)
    return {};
  // [.., kv, 1, ..] -> [.., kv, g, ..] -> [.., kv * g, ..]
  SmallVector<int64_t> expect(in);
  expect.insert(expect.begin() + headAxis + 1, 1);
  if (ArrayRef<int64_t>(expect) != grouped)
    return {};
  int64_t group = tiled[headAxis + 1];
  for (size_t d = 0; d < 5; ++d)
    if (int64_t(d) != headAxis + 1 && tiled[d] != grouped[d])
      return {};
  SmallVector<int64_t> merged(in);
  merged[headAxis] *= group;
  if (ArrayRef<int64_t>(merged) != out)
    return {};
  kvHeads = in[headAxis];
  return source;
}

/// The scalar value of a constant (splat or one element).
std::optional<double> scalarConstant(Value value) {
  std::optional<std::vector<double>> values = constantValues(value, nullptr);
  if (!values || values->empty())
    return std::nullopt;
  for (double v : *values)
    if (v != values->front())
      return std::nullopt;
  return values->front();
}

/// scores * scale from `value`: x / c (a linalg.generic dividing by a
/// scalar constant), x * c (tosa.mul), or x itself (scale 1).
Value unscale(Value value, double &scale) {
  scale = 1.0;
  if (auto generic = value.getDefiningOp<linalg::GenericOp>()) {
    Block &body = generic.getRegion().front();
    if (generic.getNumDpsInputs() != 2 || body.getOperations().size() != 2)
      return value;
    auto div = dyn_cast<arith::DivFOp>(body.front());
    std::optional<double> divisor =
        scalarConstant(generic.getDpsInputOperand(1)->get());
    if (!div || !divisor || div.getLhs() != body.getArgument(0) ||
        div.getRhs() != body.getArgument(1) ||
        shapeOf(generic.getDpsInputOperand(1)->get()).size() != 0)
      return value;
    scale = 1.0 / *divisor;
    return generic.getDpsInputOperand(0)->get();
  }
  Value a, b;
  if (matchProduct(value, a, b)) {
    if (std::optional<double> c = scalarConstant(b)) {
      scale = *c;
      return a;
    }
  }
  return value;
}

/// Batched q k^T -> (mask) -> softmax -> p v, as the importer emits torch's
/// scaled dot-product attention with an explicit (GQA-repeated) K and V:
///   reshape(matmul(reshape(softmax(scale * reshape(matmul(reshape(q),
///     reshape(transpose(k))) + mask)), reshape(v)))
/// becomes resq.attention(q, k, v, mask) with k and v before the repeat.
struct RaiseAttention : OpRewritePattern<tosa::ReshapeOp> {
  RaiseAttention(MLIRContext *context, const ModuleParams *params)
      : OpRewritePattern(context), params(params) {}

  /// `value` ([B*H, x, y]) as a reshape of a 4-D [B, H, x, y] tensor.
  static Value heads4d(Value value) {
    auto reshape = value.getDefiningOp<tosa::ReshapeOp>();
    if (!reshape || shapeOf(reshape.getInput1()).size() != 4)
      return {};
    ArrayRef<int64_t> in = shapeOf(reshape.getInput1()), out = shapeOf(value);
    return out.size() == 3 && out[0] == in[0] * in[1] && out[1] == in[2] &&
                   out[2] == in[3]
               ? reshape.getInput1()
               : Value();
  }

  static bool plainMatmul(tosa::MatMulOp matmul) {
    return matmul && isZero(matmul.getAZp()) && isZero(matmul.getBZp());
  }

  /// K or V as [B, kvH, S, D], from `value` in [B, H, S, D] (or [B, S, H,
  /// D] with `seqFirst`), undoing a repeat of the KV heads.
  static Value kvHeadsFirst(PatternRewriter &rewriter, Location loc,
                            Value value, bool seqFirst, int64_t &kvHeads) {
    kvHeads = shapeOf(value)[seqFirst ? 2 : 1];
    int64_t fewer = 0;
    if (Value source = unrepeatHeads(value, seqFirst, fewer)) {
      value = source;
      kvHeads = fewer;
    }
    return seqFirst ? swapSeqAndHeads(rewriter, loc, value) : value;
  }

  LogicalResult matchAndRewrite(tosa::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto pv = op.getInput1().getDefiningOp<tosa::MatMulOp>();
    if (!plainMatmul(pv) || shapeOf(op).size() != 4)
      return failure();
    Value probs = heads4d(pv.getA());
    Value v = heads4d(pv.getB());
    auto softmax = probs ? probs.getDefiningOp<linalg::SoftmaxOp>() : nullptr;
    if (!softmax || !v || softmax.getDimension() != 3)
      return failure();
    Value logits = softmax.getInput();
    Value mask;
    if (auto add = logits.getDefiningOp<tosa::AddOp>()) {
      if (isConstantTable(add.getInput2(), params)) {
        mask = add.getInput2();
        logits = add.getInput1();
      } else if (isConstantTable(add.getInput1(), params)) {
        mask = add.getInput1();
        logits = add.getInput2();
      }
    }
    double scale;
    Value scores = unscale(logits, scale);
    auto scoresReshape = scores.getDefiningOp<tosa::ReshapeOp>();
    auto qk = scoresReshape
                  ? scoresReshape.getInput1().getDefiningOp<tosa::MatMulOp>()
                  : nullptr;
    if (!plainMatmul(qk) || shapeOf(scores).size() != 4)
      return rewriter.notifyMatchFailure(op, "no q k^T matmul");
    Value q = heads4d(qk.getA());
    Value kT = heads4d(qk.getB());
    auto kTranspose = kT ? kT.getDefiningOp<tosa::TransposeOp>() : nullptr;
    if (!q || !kTranspose)
      return rewriter.notifyMatchFailure(op, "q or k^T not found");
    ArrayRef<int32_t> kPerms = kTranspose.getPerms();
    bool kSeqFirst = kPerms == ArrayRef<int32_t>{0, 2, 3, 1};
    if (!kSeqFirst && kPerms != ArrayRef<int32_t>{0, 1, 3, 2})
      return rewriter.notifyMatchFailure(op, "k^T is not a transpose of k");

    Location loc = op.getLoc();
    int64_t heads = shapeOf(q)[1];
    int64_t kHeads = 0, vHeads = 0;
    // k^T [B, H, D, S] is a transpose of k as [B, H, S, D] or [B, S, H, D];
    // v is [B, H, S, D], possibly a transpose of [B, S, H, D].
    Value k =
        kvHeadsFirst(rewriter, loc, kTranspose.getInput1(), kSeqFirst, kHeads);
    auto vTranspose = v.getDefiningOp<tosa::TransposeOp>();
    bool vSeqFirst =
        vTranspose && vTranspose.getPerms() == ArrayRef<int32_t>{0, 2, 1, 3};
    Value value =
        kvHeadsFirst(rewriter, loc, vSeqFirst ? vTranspose.getInput1() : v,
                     vSeqFirst, vHeads);
    if (kHeads != vHeads || heads % kHeads)
      return rewriter.notifyMatchFailure(op, "k and v heads differ");

    rewriter.replaceOpWithNewOp<AttentionOp>(
        op, op.getType(), TypeRange{}, q, k, value, mask, Value(), Value(),
        rewriter.getI64IntegerAttr(heads), rewriter.getI64IntegerAttr(kHeads),
        rewriter.getF64FloatAttr(scale), UnitAttr());
    return success();
  }

  const ModuleParams *params;
};

/// tosa.gather(reshape(table [V, D]), wrap(ids)) -> resq.embedding, where
/// wrap is the importer's linalg.generic that maps negative ids into range
/// and truncates them to i32.
struct RaiseEmbedding : OpRewritePattern<tosa::GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::GatherOp op,
                                PatternRewriter &rewriter) const override {
    auto reshape = op.getValues().getDefiningOp<tosa::ReshapeOp>();
    auto table =
        reshape ? reshape.getInput1().getDefiningOp<ParamOp>() : nullptr;
    if (!table || shapeOf(table).size() != 2)
      return failure();
    auto wrap = op.getIndices().getDefiningOp<linalg::GenericOp>();
    if (!wrap || wrap.getNumDpsInputs() != 1)
      return failure();
    Value ids = wrap.getDpsInputOperand(0)->get();
    bool hasSelect = false, hasTrunc = false;
    for (Operation &inner : wrap.getRegion().front()) {
      hasSelect |= isa<arith::SelectOp>(inner);
      hasTrunc |= isa<arith::TruncIOp>(inner);
    }
    SmallVector<int64_t> expected(shapeOf(ids));
    expected.push_back(shapeOf(table).back());
    if (!hasSelect || !hasTrunc || ArrayRef<int64_t>(expected) != shapeOf(op))
      return failure();
    rewriter.replaceOpWithNewOp<EmbeddingOp>(op, op.getType(), table, ids);
    return success();
  }
};

} // namespace

void populateRaiseAttentionPatterns(RewritePatternSet &patterns,
                                    const ModuleParams *params) {
  MLIRContext *context = patterns.getContext();
  patterns.add<RaiseInterleavedRope, RaiseHalfRope, RaiseAttention>(context,
                                                                    params);
  patterns.add<RaiseEmbedding>(context);
}

} // namespace resq
