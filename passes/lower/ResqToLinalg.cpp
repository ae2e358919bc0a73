//===- ResqToLinalg.cpp - the --resq-lower-to-linalg pass -----------------===//
//
// The reference semantics of the resq structural ops, as linalg on tensors.
// The pass description in Passes.td lists what each op becomes.
//
//===----------------------------------------------------------------------===//

#include "passes/common/TosaReshapes.h"
#include "passes/lower/LinalgBuilders.h"
#include "passes/lower/Passes.h"

#include "dialects/resq/ResqOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "resq/numerics/Hadamard.h"
#include "resq/numerics/HadamardSize.h"
#include "resq/numerics/RandomSigns.h"

#include <cmath>
#include <limits>

namespace resq {
#define GEN_PASS_DEF_RESQLOWERTOLINALG
#include "passes/lower/Passes.h.inc"
} // namespace resq

using namespace mlir;
using namespace resq;

namespace {

struct SiluToLinalg : OpRewritePattern<SiluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SiluOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op)))
      return failure();
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    AffineMap identity = rewriter.getMultiDimIdentityMap(type.getRank());
    SmallVector<utils::IteratorType> parallel(type.getRank(),
                                              utils::IteratorType::parallel);
    Value result = generic(
        rewriter, loc, type, op.getInput(), {identity},
        emptyLike(rewriter, loc, type), parallel, identity,
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value x = args[0];
          Value one = floatConstant(b, l, x.getType(), 1.0);
          Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, x));
          return arith::DivFOp::create(b, l, x,
                                       arith::AddFOp::create(b, l, one, e));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct RmsNormToLinalg : OpRewritePattern<RmsNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RmsNormOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op)))
      return failure();
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    // Narrow floats are normalised in f32 (ONNX's default stash_type).
    Type compute =
        element.getIntOrFloatBitWidth() < 32 ? rewriter.getF32Type() : element;
    int64_t rank = type.getRank();
    int64_t width = type.getShape().back();
    MLIRContext *context = rewriter.getContext();

    // Sum of squares over the last dim.
    auto sumType = RankedTensorType::get(type.getShape().drop_back(), compute);
    Value sumInit = filled(rewriter, loc, sumType, 0.0);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap rows =
        AffineMap::getMultiDimIdentityMap(rank, context).dropResult(rank - 1);
    SmallVector<utils::IteratorType> reduceLast(rank,
                                                utils::IteratorType::parallel);
    reduceLast.back() = utils::IteratorType::reduction;
    Value sums = generic(
        rewriter, loc, sumType, op.getInput(), {identity}, sumInit, reduceLast,
        rows, [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = convertFloat(b, l, args[0], compute);
          Value square = arith::MulFOp::create(b, l, x, x);
          return Value(arith::AddFOp::create(b, l, square, args[1]));
        });

    // x / sqrt(sum / width + epsilon) * gamma.
    double epsilon = op.getEpsilon().convertToDouble();
    AffineMap last =
        AffineMap::get(rank, 0, rewriter.getAffineDimExpr(rank - 1));
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    Value result = generic(
        rewriter, loc, type, ValueRange{op.getInput(), sums, op.getGamma()},
        {identity, rows, last}, emptyLike(rewriter, loc, type), parallel,
        identity, [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value x = convertFloat(b, l, args[0], compute);
          Value mean = arith::DivFOp::create(
              b, l, args[1], floatConstant(b, l, compute, double(width)));
          Value rms = math::SqrtOp::create(
              b, l,
              arith::AddFOp::create(b, l, mean,
                                    floatConstant(b, l, compute, epsilon)));
          Value normalized =
              convertFloat(b, l, arith::DivFOp::create(b, l, x, rms), element);
          return arith::MulFOp::create(b, l, normalized, args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LinearToLinalg : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op)))
      return failure();
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    int64_t rank = inputType.getRank();
    int64_t in = inputType.getShape().back();
    int64_t out = resultType.getShape().back();
    int64_t rows = inputType.getNumElements() / std::max<int64_t>(in, 1);

    // [..., in] -> [rows, in].
    SmallVector<ReassociationIndices> fold;
    ReassociationIndices leading;
    for (int64_t d = 0; d + 1 < rank; ++d)
      leading.push_back(d);
    Value matrix = op.getInput();
    auto matrixType = RankedTensorType::get({rows, in}, element);
    if (rank == 1) {
      matrix = tensor::ExpandShapeOp::create(
          rewriter, loc, matrixType, matrix,
          SmallVector<ReassociationIndices>{{0, 1}});
    } else if (rank > 2) {
      fold = {leading, {rank - 1}};
      matrix = tensor::CollapseShapeOp::create(rewriter, loc, matrixType,
                                               matrix, fold);
    }

    auto productType = RankedTensorType::get({rows, out}, element);
    Value init = filled(rewriter, loc, productType, 0.0);
    Value product = linalg::MatmulOp::create(rewriter, loc,
                                             ValueRange{matrix, op.getWeight()},
                                             ValueRange{init})
                        .getResult(0);
    if (Value bias = op.getBias()) {
      AffineMap identity = rewriter.getMultiDimIdentityMap(2);
      AffineMap columns = AffineMap::get(2, 0, rewriter.getAffineDimExpr(1),
                                         rewriter.getContext());
      SmallVector<utils::IteratorType> parallel(2,
                                                utils::IteratorType::parallel);
      product = generic(
          rewriter, loc, productType, ValueRange{product, bias},
          {identity, columns}, emptyLike(rewriter, loc, productType), parallel,
          identity, [](OpBuilder &b, Location l, ValueRange args) {
            return Value(arith::AddFOp::create(b, l, args[0], args[1]));
          });
    }

    // [rows, out] -> [..., out].
    Value result = product;
    if (rank == 1)
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, resultType, product,
          SmallVector<ReassociationIndices>{{0, 1}});
    else if (rank > 2)
      result = tensor::ExpandShapeOp::create(rewriter, loc, resultType, product,
                                             fold);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct EmbeddingToLinalg : OpRewritePattern<EmbeddingOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(EmbeddingOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op)))
      return failure();
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap indices = identity.dropResult(rank - 1);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    Value table = op.getTable();
    int64_t vocab = cast<RankedTensorType>(table.getType()).getDimSize(0);
    Value result = generic(
        rewriter, loc, type, op.getIndices(), {indices},
        emptyLike(rewriter, loc, type), parallel, identity,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          // Negative ids count from the end, as in ONNX Gather.
          Type integer = args[0].getType();
          Value zero =
              arith::ConstantOp::create(b, l, b.getIntegerAttr(integer, 0));
          Value size =
              arith::ConstantOp::create(b, l, b.getIntegerAttr(integer, vocab));
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, args[0], zero);
          Value id = arith::SelectOp::create(
              b, l, negative, arith::AddIOp::create(b, l, args[0], size),
              args[0]);
          Value row = arith::IndexCastOp::create(b, l, b.getIndexType(), id);
          Value column = linalg::IndexOp::create(b, l, rank - 1);
          return tensor::ExtractOp::create(b, l, table,
                                           ValueRange{row, column});
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Rotary embedding, one output element at a time: with `first` the lower
/// channel of its pair, `partner` the other channel and `i` the pair's
/// table column,
///   out = x * cos[s, i] - partner * sin[s, i]   (first)
///   out = x * cos[s, i] + partner * sin[s, i]   (second)
/// and channels from rotary_dim on pass through.
struct RopeToLinalg : OpRewritePattern<RopeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RopeOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op)))
      return failure();
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rotary = op.getEffectiveRotaryDim();
    int64_t half = rotary / 2;
    bool interleaved = op.getPairing() == RopePairing::Interleaved;
    bool perBatch =
        cast<RankedTensorType>(op.getCos().getType()).getRank() == 3;
    Value input = op.getInput(), cos = op.getCos(), sin = op.getSin();
    AffineMap identity = rewriter.getMultiDimIdentityMap(4);
    SmallVector<utils::IteratorType> parallel(4, utils::IteratorType::parallel);

    Value result = generic(
        rewriter, loc, type, ValueRange{}, {}, emptyLike(rewriter, loc, type),
        parallel, identity, [&](OpBuilder &b, Location l, ValueRange) -> Value {
          auto index = [&](int64_t value) {
            return arith::ConstantIndexOp::create(b, l, value);
          };
          Value batch = linalg::IndexOp::create(b, l, 0);
          Value head = linalg::IndexOp::create(b, l, 1);
          Value seq = linalg::IndexOp::create(b, l, 2);
          Value channel = linalg::IndexOp::create(b, l, 3);
          Value rotated = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult,
                                                channel, index(rotary));
          Value first, partner, column;
          if (interleaved) {
            Value parity = arith::RemUIOp::create(b, l, channel, index(2));
            first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                          parity, index(0));
            partner = arith::SelectOp::create(
                b, l, first, arith::AddIOp::create(b, l, channel, index(1)),
                arith::SubIOp::create(b, l, channel, index(1)));
            column = arith::DivUIOp::create(b, l, channel, index(2));
          } else {
            first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult,
                                          channel, index(half));
            partner = arith::SelectOp::create(
                b, l, first, arith::AddIOp::create(b, l, channel, index(half)),
                arith::SubIOp::create(b, l, channel, index(half)));
            column = arith::SelectOp::create(
                b, l, first, channel,
                arith::SubIOp::create(b, l, channel, index(half)));
          }
          // Pass-through channels read in-range stand-ins, then ignore them.
          partner = arith::SelectOp::create(b, l, rotated, partner, channel);
          column = arith::SelectOp::create(b, l, rotated, column, index(0));
          SmallVector<Value> at = {seq, column};
          if (perBatch)
            at.insert(at.begin(), batch);
          Value c = tensor::ExtractOp::create(b, l, cos, at);
          Value s = tensor::ExtractOp::create(b, l, sin, at);
          Value x = tensor::ExtractOp::create(
              b, l, input, ValueRange{batch, head, seq, channel});
          Value other = tensor::ExtractOp::create(
              b, l, input, ValueRange{batch, head, seq, partner});
          Value xc = arith::MulFOp::create(b, l, x, c);
          Value os = arith::MulFOp::create(b, l, other, s);
          Value out = arith::SelectOp::create(
              b, l, first, arith::SubFOp::create(b, l, xc, os),
              arith::AddFOp::create(b, l, xc, os));
          return arith::SelectOp::create(b, l, rotated, out, x);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Scaled dot-product attention with grouped-query heads, heads-first:
/// scores (q k^T * scale + mask, causal positions at -inf), a softmax whose
/// all-masked rows are zero, and the weighted sum of values. 3-D operands
/// are viewed as [batch, heads, seq, head_dim] and the result viewed back.
struct AttentionToLinalg : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  /// [B, S, H*D] -> [B, H, S, D].
  static Value headsFirst(OpBuilder &b, Location loc, Value value,
                          int64_t heads) {
    auto type = cast<RankedTensorType>(value.getType());
    int64_t batch = type.getDimSize(0), seq = type.getDimSize(1);
    int64_t dim = type.getDimSize(2) / heads;
    Type element = type.getElementType();
    Value split = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({batch, seq, heads, dim}, element), value,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    Value init = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{batch, heads, seq, dim}, element);
    return linalg::TransposeOp::create(b, loc, split, init,
                                       ArrayRef<int64_t>{0, 2, 1, 3})
        .getResult()[0];
  }

  /// [B, H, S, D] -> [B, S, H*D].
  static Value seqFirst(OpBuilder &b, Location loc, Value value) {
    auto type = cast<RankedTensorType>(value.getType());
    int64_t batch = type.getDimSize(0), heads = type.getDimSize(1);
    int64_t seq = type.getDimSize(2), dim = type.getDimSize(3);
    Type element = type.getElementType();
    Value init = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{batch, seq, heads, dim}, element);
    Value moved = linalg::TransposeOp::create(b, loc, value, init,
                                              ArrayRef<int64_t>{0, 2, 1, 3})
                      .getResult()[0];
    return tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({batch, seq, heads * dim}, element),
        moved, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  }

  /// result[b, h] = lhs[b, h] * rhs[b, h / group] for lhs [B, H, M, K] and
  /// rhs [B, H / group, K, N]: the query heads of one KV head are
  /// consecutive, so lhs is viewed as [B * H / group, group * M, K] and the
  /// product is one linalg.batch_matmul (the runtime's GEMM for f32).
  static Value groupedProduct(OpBuilder &b, Location loc, Value lhs, Value rhs,
                              int64_t group, RankedTensorType resultType) {
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    Type element = lhsType.getElementType();
    int64_t batch = lhsType.getDimSize(0), heads = lhsType.getDimSize(1);
    int64_t m = lhsType.getDimSize(2), k = lhsType.getDimSize(3);
    int64_t n = rhsType.getDimSize(3), kvHeads = heads / group;
    // [B, H, M, K] -> [B, H/g, g, M, K] -> [B * H/g, g * M, K].
    Value split = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({batch, kvHeads, group, m, k}, element),
        lhs, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    Value rows = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({batch * kvHeads, group * m, k}, element),
        split, SmallVector<ReassociationIndices>{{0, 1}, {2, 3}, {4}});
    Value right = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({batch * kvHeads, k, n}, element), rhs,
        SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
    auto productType =
        RankedTensorType::get({batch * kvHeads, group * m, n}, element);
    Value init = filled(b, loc, productType, 0.0);
    Value product = linalg::BatchMatmulOp::create(
                        b, loc, ValueRange{rows, right}, ValueRange{init})
                        .getResult(0);
    // [B * H/g, g * M, N] -> [B, H/g, g, M, N] -> [B, H, M, N].
    Value unsplit = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({batch, kvHeads, group, m, n}, element),
        product, SmallVector<ReassociationIndices>{{0, 1}, {2, 3}, {4}});
    return tensor::CollapseShapeOp::create(
        b, loc, resultType, unsplit,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
  }

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    bool seqFirstLayout = op.getQuery().getType().getRank() == 3;
    int64_t heads = op.getNumHeads(), kvHeads = op.getNumKvHeads();
    int64_t group = heads / kvHeads;
    Value q = op.getQuery(), k = op.getKey(), v = op.getValue();
    if (seqFirstLayout) {
      q = headsFirst(rewriter, loc, q, heads);
      k = headsFirst(rewriter, loc, k, kvHeads);
      v = headsFirst(rewriter, loc, v, kvHeads);
    }
    if (op.getPastKey()) {
      k = tensor::ConcatOp::create(rewriter, loc, 2,
                                   ValueRange{op.getPastKey(), k});
      v = tensor::ConcatOp::create(rewriter, loc, 2,
                                   ValueRange{op.getPastValue(), v});
    }
    auto qType = cast<RankedTensorType>(q.getType());
    auto vType = cast<RankedTensorType>(v.getType());
    Type element = qType.getElementType();
    int64_t batch = qType.getDimSize(0), qSeq = qType.getDimSize(2);
    int64_t kvSeq = cast<RankedTensorType>(k.getType()).getDimSize(2);
    int64_t valueDim = vType.getDimSize(3);
    double scale = *op.getEffectiveScale();

    auto d = [&](unsigned i) { return rewriter.getAffineDimExpr(i); };
    auto map = [&](unsigned dims, ArrayRef<AffineExpr> results) {
      return AffineMap::get(dims, 0, results, context);
    };
    auto iterators = [](unsigned parallel, unsigned reduction) {
      SmallVector<utils::IteratorType> kinds(parallel,
                                             utils::IteratorType::parallel);
      kinds.append(reduction, utils::IteratorType::reduction);
      return kinds;
    };

    // scores[b, h, i, j] = sum_c q[b, h, i, c] * k[b, h / g, j, c]: one
    // batch matmul per KV head, its query heads stacked as rows.
    auto scoresType =
        RankedTensorType::get({batch, heads, qSeq, kvSeq}, element);
    auto kType = cast<RankedTensorType>(k.getType());
    Value keysT =
        linalg::TransposeOp::create(
            rewriter, loc, k,
            emptyLike(
                rewriter, loc,
                RankedTensorType::get(
                    {batch, kvHeads, kType.getDimSize(3), kvSeq}, element)),
            ArrayRef<int64_t>{0, 1, 3, 2})
            .getResult()[0];
    Value scores = groupedProduct(rewriter, loc, q, keysT, group, scoresType);
    // Scale, mask, causal.
    AffineMap identity4 = rewriter.getMultiDimIdentityMap(4);
    SmallVector<Value> biasInputs = {scores};
    SmallVector<AffineMap> biasMaps = {identity4};
    if (Value mask = op.getMask()) {
      auto maskShape = cast<RankedTensorType>(mask.getType()).getShape();
      SmallVector<AffineExpr> exprs;
      int64_t offset = 4 - static_cast<int64_t>(maskShape.size());
      for (size_t i = 0; i < maskShape.size(); ++i) {
        int64_t dim = offset + static_cast<int64_t>(i);
        exprs.push_back(maskShape[i] == 1 && scoresType.getDimSize(dim) != 1
                            ? rewriter.getAffineConstantExpr(0)
                            : d(dim));
      }
      biasInputs.push_back(mask);
      biasMaps.push_back(map(4, exprs));
    }
    bool causal = op.getCausal();
    bool masked = static_cast<bool>(op.getMask());
    scores = generic(
        rewriter, loc, scoresType, biasInputs, biasMaps,
        emptyLike(rewriter, loc, scoresType), iterators(4, 0), identity4,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value value = arith::MulFOp::create(
              b, l, args[0], floatConstant(b, l, element, scale));
          if (masked)
            value = arith::AddFOp::create(b, l, value, args[1]);
          if (!causal)
            return value;
          // Query i sees key j when j <= i + kv_seq - q_seq.
          Value i = linalg::IndexOp::create(b, l, 2);
          Value j = linalg::IndexOp::create(b, l, 3);
          Value last = arith::AddIOp::create(
              b, l, i, arith::ConstantIndexOp::create(b, l, kvSeq - qSeq));
          Value hidden =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::ugt, j, last);
          Value minusInf = floatConstant(
              b, l, element, -std::numeric_limits<double>::infinity());
          return arith::SelectOp::create(b, l, hidden, minusInf, value);
        });

    // Softmax over keys; a row of -inf (nothing visible) gives zeros.
    auto rowType = RankedTensorType::get({batch, heads, qSeq}, element);
    AffineMap rows = map(4, {d(0), d(1), d(2)});
    Value maxima =
        generic(rewriter, loc, rowType, scores, {identity4},
                filled(rewriter, loc, rowType,
                       -std::numeric_limits<double>::infinity()),
                iterators(3, 1), rows,
                [](OpBuilder &b, Location l, ValueRange args) -> Value {
                  return arith::MaximumFOp::create(b, l, args[0], args[1]);
                });
    Value exps =
        generic(rewriter, loc, scoresType, ValueRange{scores, maxima},
                {identity4, rows}, emptyLike(rewriter, loc, scoresType),
                iterators(4, 0), identity4,
                [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                  Value minusInf = floatConstant(
                      b, l, element, -std::numeric_limits<double>::infinity());
                  Value empty = arith::CmpFOp::create(
                      b, l, arith::CmpFPredicate::OEQ, args[1], minusInf);
                  Value e = math::ExpOp::create(
                      b, l, arith::SubFOp::create(b, l, args[0], args[1]));
                  return arith::SelectOp::create(
                      b, l, empty, floatConstant(b, l, element, 0.0), e);
                });
    Value sums =
        generic(rewriter, loc, rowType, exps, {identity4},
                filled(rewriter, loc, rowType, 0.0), iterators(3, 1), rows,
                [](OpBuilder &b, Location l, ValueRange args) -> Value {
                  return arith::AddFOp::create(b, l, args[0], args[1]);
                });
    Value probabilities = generic(
        rewriter, loc, scoresType, ValueRange{exps, sums}, {identity4, rows},
        emptyLike(rewriter, loc, scoresType), iterators(4, 0), identity4,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value zero = floatConstant(b, l, element, 0.0);
          Value empty = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                              args[1], zero);
          return arith::SelectOp::create(
              b, l, empty, zero, arith::DivFOp::create(b, l, args[0], args[1]));
        });

    // out[b, h, i, c] = sum_j p[b, h, i, j] * v[b, h / g, j, c].
    auto outType =
        RankedTensorType::get({batch, heads, qSeq, valueDim}, element);
    Value out = groupedProduct(rewriter, loc, probabilities, v, group, outType);
    if (seqFirstLayout)
      out = seqFirst(rewriter, loc, out);

    SmallVector<Value> results = {out};
    if (op.getPastKey())
      results.append({k, v});
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Uniform fake quantization. The input is viewed so that the elements
/// sharing a scale are reduced together: per_group splits the last dim into
/// [groups, size]; the statistics (min, max) are reduced over the set's
/// dims, then each element is rounded (to nearest even) on its set's grid.
struct FakeQuantToLinalg : OpRewritePattern<FakeQuantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FakeQuantOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    Value input = op.getInput();
    QuantGranularity granularity = op.getGranularity();

    // The working view: per_group adds a trailing [groups, size] split.
    SmallVector<ReassociationIndices> split;
    if (granularity == QuantGranularity::PerGroup)
      std::tie(input, split) =
          splitLastDim(rewriter, loc, input, *op.getGroupSize());
    auto view = cast<RankedTensorType>(input.getType());
    int64_t rank = view.getRank();

    // Dims that index the statistics: none (per tensor), the last (per
    // channel), all but the last (per token / group).
    SmallVector<AffineExpr> statDims;
    SmallVector<utils::IteratorType> kinds;
    for (int64_t d = 0; d < rank; ++d) {
      bool keep =
          granularity == QuantGranularity::PerChannel
              ? d == rank - 1
              : granularity != QuantGranularity::PerTensor && d < rank - 1;
      if (keep)
        statDims.push_back(rewriter.getAffineDimExpr(d));
      kinds.push_back(keep ? utils::IteratorType::parallel
                           : utils::IteratorType::reduction);
    }
    SmallVector<int64_t> statShape;
    for (AffineExpr e : statDims)
      statShape.push_back(
          view.getDimSize(cast<AffineDimExpr>(e).getPosition()));
    auto statType = RankedTensorType::get(statShape, element);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap stats = AffineMap::get(rank, 0, statDims, context);

    auto [lo, hi] =
        setBounds(rewriter, loc, input, statType, {identity, stats}, kinds);
    QuantParams params{int64_t(op.getBits()), op.getSymmetric(),
                       op.getClipRatio().convertToDouble()};
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    Value result = generic(
        rewriter, loc, view, ValueRange{input, lo, hi},
        {identity, stats, stats}, emptyLike(rewriter, loc, view), parallel,
        identity, [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value x = args[0];
          QuantGrid grid = quantGrid(b, l, params, args[1], args[2]);
          Value q = roundOnGrid(b, l, grid, x);
          Value out = arith::MulFOp::create(
              b, l, arith::SubFOp::create(b, l, q, grid.zero), grid.scale);
          // A set of zeros has no grid: it stays as it is.
          return arith::SelectOp::create(b, l, grid.degenerate, x, out);
        });
    if (granularity == QuantGranularity::PerGroup)
      result =
          tensor::CollapseShapeOp::create(rewriter, loc, type, result, split);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Mixed precision by channel range: each range of each row (or of each
/// group of the row) is fake-quantized per token on its own, as a
/// resq.fake_quant of the range's slice (lowered by the pattern above).
struct SubspaceQuantToLinalg : OpRewritePattern<SubspaceQuantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SubspaceQuantOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op)))
      return failure();
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    int64_t rank = type.getRank();
    int64_t last = type.getShape().back();
    int64_t group = op.getGroupSize().value_or(last);

    // [..., last] -> [..., last / group, group]: ranges slice the last dim.
    auto [input, split] = splitLastDim(rewriter, loc, op.getInput(), group);
    auto view = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> shape(view.getShape());
    Value result = emptyLike(rewriter, loc, view);

    int64_t offset = 0;
    SmallVector<OpFoldResult> zeros(rank + 1, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> ones(rank + 1, rewriter.getIndexAttr(1));
    for (auto range : op.getRanges().getAsRange<BitRangeAttr>()) {
      SmallVector<int64_t> sliceShape(shape);
      sliceShape.back() = range.getSize();
      auto sliceType = RankedTensorType::get(sliceShape, element);
      SmallVector<OpFoldResult> offsets(zeros), sizes;
      offsets.back() = rewriter.getIndexAttr(offset);
      for (int64_t dim : sliceShape)
        sizes.push_back(rewriter.getIndexAttr(dim));
      Value slice = tensor::ExtractSliceOp::create(rewriter, loc, sliceType,
                                                   input, offsets, sizes, ones);
      Value quantized = FakeQuantOp::create(
          rewriter, loc, sliceType, slice,
          QuantGranularityAttr::get(rewriter.getContext(),
                                    QuantGranularity::PerToken),
          IntegerAttr(), rewriter.getI64IntegerAttr(range.getBits()),
          op.getSymmetricAttr(), op.getClipRatioAttr());
      result = tensor::InsertSliceOp::create(rewriter, loc, quantized, result,
                                             offsets, sizes, ones);
      offset += range.getSize();
    }
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, type, result,
                                                         split);
    return success();
  }
};

/// Replaces `op` by `input * matrix` (`input * matrix^T` with `transposed`)
/// as a resq.linear, which LinearToLinalg then lowers.
void replaceByProduct(PatternRewriter &rewriter, Operation *op, Value input,
                      Value matrix, bool transposed) {
  if (transposed) {
    Location loc = op->getLoc();
    auto type = cast<RankedTensorType>(matrix.getType());
    auto swapped = RankedTensorType::get(
        {type.getShape()[1], type.getShape()[0]}, type.getElementType());
    matrix = linalg::TransposeOp::create(rewriter, loc, matrix,
                                         emptyLike(rewriter, loc, swapped),
                                         ArrayRef<int64_t>{1, 0})
                 .getResult()[0];
  }
  rewriter.replaceOpWithNewOp<LinearOp>(op, op->getResult(0).getType(), input,
                                        matrix, Value());
}

/// `matrix` rotation: `x * Q`, or `x * Q^T` for the inverse.
struct MatrixRotateToLinalg : OpRewritePattern<RotateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RotateOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != RotationKind::Matrix ||
        failed(requireStatic(rewriter, op)))
      return failure();
    replaceByProduct(rewriter, op, op.getInput(), op.getMatrix(),
                     op.getInverse());
    return success();
  }
};

/// A projection is `x * P` with P [n, r]; a lift, `x * P^T`.
struct ProjectToLinalg : OpRewritePattern<ProjectOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ProjectOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op)))
      return failure();
    replaceByProduct(rewriter, op, op.getInput(), op.getBasis(), op.getLift());
    return success();
  }
};

/// The K x K factor of H_n = H_K (x) H_p: with every length-p block already
/// transformed by H_p, out[r, c*p + d] = sum_a x[r, a*p + d] * H_K[a, c]
/// (H_K^T with `transposed`: Paley factors are not symmetric), as a matmul
/// of the [rows * p, K] view.
Value mixBlocks(OpBuilder &b, Location loc, Value x, int64_t k, int64_t p,
                Type compute, bool transposed) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rows = type.getShape()[0];
  auto blocked = RankedTensorType::get({rows, k, p}, compute);
  SmallVector<ReassociationIndices> split = {{0}, {1, 2}};
  Value view = tensor::ExpandShapeOp::create(b, loc, blocked, x, split);
  Eigen::MatrixXd factor = numerics::hadamardFactor(k);
  SmallVector<Attribute> entries;
  for (int64_t a = 0; a < k; ++a)
    for (int64_t c = 0; c < k; ++c)
      entries.push_back(
          b.getFloatAttr(compute, transposed ? factor(c, a) : factor(a, c)));
  auto factorType = RankedTensorType::get({k, k}, compute);
  Value h = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(factorType, entries));
  // [rows, k, p] -> [rows * p, k], one matmul with the factor (the
  // runtime's GEMM for f32), and back.
  auto transposedType = RankedTensorType::get({rows, p, k}, compute);
  Value columns = linalg::TransposeOp::create(b, loc, view,
                                              emptyLike(b, loc, transposedType),
                                              ArrayRef<int64_t>{0, 2, 1})
                      .getResult()[0];
  auto matrixType = RankedTensorType::get({rows * p, k}, compute);
  SmallVector<ReassociationIndices> fold = {{0, 1}, {2}};
  Value matrix =
      tensor::CollapseShapeOp::create(b, loc, matrixType, columns, fold);
  Value init = filled(b, loc, matrixType, 0.0);
  Value product =
      linalg::MatmulOp::create(b, loc, ValueRange{matrix, h}, ValueRange{init})
          .getResult(0);
  Value unfolded =
      tensor::ExpandShapeOp::create(b, loc, transposedType, product, fold);
  Value mixed =
      linalg::TransposeOp::create(b, loc, unfolded, emptyLike(b, loc, blocked),
                                  ArrayRef<int64_t>{0, 2, 1})
          .getResult()[0];
  return tensor::CollapseShapeOp::create(b, loc, type, mixed, split);
}

/// `hadamard` rotation of size n = K * 2^m: x * diag(s) * H_n / sqrt(n), or
/// x * H_n^T * diag(s) / sqrt(n) with `inverse`, where H_n = H_K (x) H_(2^m)
/// (lib/numerics builds H_K). H_(2^m) is applied to each length-2^m block as
/// m butterfly stages (a fast Walsh-Hadamard transform): stage h maps x[i]
/// to x[i] + x[i+h] where bit h of i is clear and to x[i-h] - x[i] where it
/// is set; then the K x K factor mixes the blocks. f16/bf16 rotate in f32.
struct HadamardRotateToLinalg : OpRewritePattern<RotateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RotateOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != RotationKind::Hadamard ||
        failed(requireStatic(rewriter, op)))
      return failure();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t n = type.getShape().back();
    std::optional<numerics::HadamardSize> size =
        numerics::factorHadamardSize(n);
    if (!size)
      return rewriter.notifyMatchFailure(op, "no Hadamard matrix of size n");
    Location loc = op.getLoc();
    Type element = type.getElementType();
    Type compute = element.getIntOrFloatBitWidth() < 32
                       ? Type(rewriter.getF32Type())
                       : element;
    RowView view = collapseToRows(rewriter, loc, op.getInput());
    auto matrixType = cast<RankedTensorType>(view.matrix.getType());
    auto computeType = RankedTensorType::get(matrixType.getShape(), compute);

    // diag(s) / sqrt(n) as one constant row.
    SmallVector<Attribute> signs;
    double scale = 1.0 / std::sqrt(double(n));
    for (int64_t j = 0; j < n; ++j)
      signs.push_back(rewriter.getFloatAttr(
          compute, scale * numerics::randomSign(*op.getSeed(), j)));
    auto signType = RankedTensorType::get({n}, compute);
    Value signRow = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(signType, signs));

    AffineMap identity = rewriter.getMultiDimIdentityMap(2);
    AffineMap columns = AffineMap::get(2, 0, rewriter.getAffineDimExpr(1),
                                       rewriter.getContext());
    SmallVector<utils::IteratorType> parallel(2, utils::IteratorType::parallel);
    auto scaleBySigns = [&](Value x) {
      return generic(rewriter, loc, computeType, ValueRange{x, signRow},
                     {identity, columns}, emptyLike(rewriter, loc, computeType),
                     parallel, identity,
                     [&](OpBuilder &b, Location l, ValueRange args) {
                       Value v = convertFloat(b, l, args[0], compute);
                       return Value(arith::MulFOp::create(b, l, v, args[1]));
                     });
    };
    auto convertAll = [&](Value x, RankedTensorType to) {
      return generic(rewriter, loc, to, ValueRange{x}, {identity},
                     emptyLike(rewriter, loc, to), parallel, identity,
                     [&](OpBuilder &b, Location l, ValueRange args) {
                       return convertFloat(b, l, args[0], to.getElementType());
                     });
    };

    Value x = op.getInverse() ? convertAll(view.matrix, computeType)
                              : scaleBySigns(view.matrix);
    int64_t blockSize = n / size->factor;
    for (int64_t h = 1; h < blockSize; h *= 2) {
      Value source = x;
      x = generic(
          rewriter, loc, computeType, ValueRange{}, {},
          emptyLike(rewriter, loc, computeType), parallel, identity,
          [&](OpBuilder &b, Location l, ValueRange) {
            Value row = linalg::IndexOp::create(b, l, 0);
            Value col = linalg::IndexOp::create(b, l, 1);
            Value bit = arith::ConstantIndexOp::create(b, l, h);
            Value partner = arith::XOrIOp::create(b, l, col, bit);
            Value self =
                tensor::ExtractOp::create(b, l, source, ValueRange{row, col});
            Value other = tensor::ExtractOp::create(b, l, source,
                                                    ValueRange{row, partner});
            Value zero = arith::ConstantIndexOp::create(b, l, 0);
            Value masked = arith::AndIOp::create(b, l, col, bit);
            Value upper = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne,
                                                masked, zero);
            Value sum = arith::AddFOp::create(b, l, self, other);
            Value difference = arith::SubFOp::create(b, l, other, self);
            return Value(arith::SelectOp::create(b, l, upper, difference, sum));
          });
    }
    if (size->factor > 1)
      x = mixBlocks(rewriter, loc, x, size->factor, blockSize, compute,
                    op.getInverse());
    if (op.getInverse())
      x = scaleBySigns(x);
    if (compute != element)
      x = convertAll(x, matrixType);
    rewriter.replaceOp(op, expandFromRows(rewriter, loc, view, x, type));
    return success();
  }
};

struct ResqLowerToLinalgPass
    : resq::impl::ResqLowerToLinalgBase<ResqLowerToLinalgPass> {
  void runOnOperation() override {
    // MLIR 22's reshape folder crashes on an inferred dim of a constant.
    resolveInferredReshapeDims(getOperation());
    RewritePatternSet patterns(&getContext());
    patterns.add<SiluToLinalg, RmsNormToLinalg, LinearToLinalg,
                 EmbeddingToLinalg, RopeToLinalg, AttentionToLinalg,
                 FakeQuantToLinalg, SubspaceQuantToLinalg, MatrixRotateToLinalg,
                 HadamardRotateToLinalg, ProjectToLinalg>(&getContext());
    populateQLinearToLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // What is left has no lowering here: say which op, once.
    WalkResult left = getOperation()->walk([](Operation *op) {
      if (!isa<SiluOp, RmsNormOp, LinearOp, EmbeddingOp, RopeOp, AttentionOp,
               FakeQuantOp, SubspaceQuantOp, RotateOp, QLinearOp, ProjectOp>(
              op))
        return WalkResult::advance();
      op->emitError() << "cannot lower '" << op->getName()
                      << "' to linalg: its shapes must be static";
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
