//===- QLinearToLinalg.cpp - resq.qlinear as integer GEMMs ----------------===//
//
// resq.qlinear on the CPU: the input rows are quantized per token with the
// grid of resq.fake_quant (LinalgBuilders.h), so both paths round every
// activation the same way; each piece of the channels (one activation range
// and one weight range) is an i8 x i8 -> i32 batch matmul over the groups,
// which MatmulToRuntime turns into the runtime's exact s8 GEMM; a float
// epilogue applies the scales and zero points and sums the pieces.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/QLinearLowering.h"

#include "passes/lower/LinalgBuilders.h"

#include "dialects/resq/ResqOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <set>

using namespace mlir;

namespace resq {

using utils::IteratorType;

Value unpackNibbles(OpBuilder &b, Location loc, Value packed, int64_t out) {
  auto type = cast<RankedTensorType>(packed.getType());
  int64_t rows = type.getShape()[0], half = type.getShape()[1];
  auto pairType = RankedTensorType::get({rows, half, 2}, b.getI8Type());
  MLIRContext *context = b.getContext();
  AffineMap pairs = b.getMultiDimIdentityMap(3);
  AffineMap bytes = AffineMap::get(
      3, 0, {b.getAffineDimExpr(0), b.getAffineDimExpr(1)}, context);
  Value unpacked = generic(
      b, loc, pairType, ValueRange{packed}, {bytes},
      emptyLike(b, loc, pairType),
      SmallVector<IteratorType>(3, IteratorType::parallel), pairs,
      [](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Type i8 = nb.getI8Type();
        Value four = arith::ConstantOp::create(nb, l, nb.getIntegerAttr(i8, 4));
        Value high = arith::ShRSIOp::create(nb, l, args[0], four);
        Value low = arith::ShRSIOp::create(
            nb, l, arith::ShLIOp::create(nb, l, args[0], four), four);
        Value isHigh = arith::CmpIOp::create(
            nb, l, arith::CmpIPredicate::eq, linalg::IndexOp::create(nb, l, 2),
            arith::ConstantIndexOp::create(nb, l, 1));
        return arith::SelectOp::create(nb, l, isHigh, high, low);
      });
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({rows, out}, b.getI8Type()), unpacked,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
}

Value weightRangeMatrix(OpBuilder &b, Location loc, QLinearOp op, unsigned r) {
  Value w = op.getWeights()[r];
  return op.isPacked(r) ? unpackNibbles(b, loc, w, op.getType().getShape().back())
                        : w;
}

namespace {

/// An activation range's integers and their per-(token, group) parameters:
/// x = scale * (code - zero), zero already shifted like the codes.
struct QuantizedInput {
  Value scale; // [tokens, groups] f32
  Value zero;  // [tokens, groups] f32
};

/// Slice `sizes` of `value` at `offsets` (unit strides).
Value slice(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> offsets,
            ArrayRef<int64_t> sizes) {
  SmallVector<OpFoldResult> o, s, ones(sizes.size(), b.getIndexAttr(1));
  for (auto [offset, size] : llvm::zip(offsets, sizes)) {
    o.push_back(b.getIndexAttr(offset));
    s.push_back(b.getIndexAttr(size));
  }
  auto element = cast<RankedTensorType>(value.getType()).getElementType();
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(sizes, element), value, o, s, ones);
}

/// The quantization, product and epilogue steps of lowerQLinear.
class QLinearLowering {
public:
  static LogicalResult lower(QLinearOp op, PatternRewriter &rewriter,
                             QLinearProduct product);

private:
  static LogicalResult lowerImpl(QLinearOp op, PatternRewriter &rewriter,
                                 QLinearProduct product) {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Type f32 = rewriter.getF32Type(), i8 = rewriter.getI8Type();
    RowView rows = collapseToRows(rewriter, loc, op.getInput());
    auto rowType = cast<RankedTensorType>(rows.matrix.getType());
    int64_t tokens = rowType.getShape()[0], in = rowType.getShape()[1];
    int64_t out = op.getType().getShape().back();
    int64_t width = op.getGroupWidth(), groups = in / width;
    bool symmetric = op.getSymmetric();
    double clip = op.getClipRatio().convertToDouble();

    // Activations: [tokens, groups, width] -> codes [groups, tokens, width].
    Value x = splitLastDim(rewriter, loc, rows.matrix, width).first;
    auto codesType = RankedTensorType::get({groups, tokens, width}, i8);
    Value codes = emptyLike(rewriter, loc, codesType);
    SmallVector<QuantizedInput> inputs;
    SmallVector<int64_t> inputStarts;
    int64_t start = 0;
    for (auto range : op.getRanges().getAsRange<BitRangeAttr>()) {
      QuantParams params{int64_t(range.getBits()), symmetric, clip};
      inputs.push_back(quantizeRange(rewriter, loc, x, start, range.getSize(),
                                     params, codes));
      inputStarts.push_back(start);
      start += range.getSize();
    }

    // Weights: range r as [groups, size_r, out] i8.
    SmallVector<Value> weights;
    SmallVector<int64_t> weightStarts;
    start = 0;
    for (auto [r, range] :
         llvm::enumerate(op.getWeightRanges().getAsRange<BitRangeAttr>())) {
      Value w = op.getWeights()[r];
      if (op.isPacked(r))
        w = unpackNibbles(rewriter, loc, w, out);
      weights.push_back(tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({groups, range.getSize(), out}, i8), w,
          SmallVector<ReassociationIndices>{{0, 1}, {2}}));
      weightStarts.push_back(start);
      start += range.getSize();
    }

    // The result starts as the bias (or zero); every piece adds to it.
    auto resultType = RankedTensorType::get({tokens, out}, f32);
    Value result = filled(rewriter, loc, resultType, 0.0);
    if (Value bias = op.getBias())
      result = generic(
          rewriter, loc, resultType, ValueRange{bias},
          {AffineMap::get(2, 0, rewriter.getAffineDimExpr(1), context)}, result,
          SmallVector<IteratorType>(2, IteratorType::parallel),
          rewriter.getMultiDimIdentityMap(2),
          [](OpBuilder &, Location, ValueRange args) { return args[0]; });

    // Pieces: the channel runs between consecutive boundaries of either
    // range list.
    std::set<int64_t> cuts(inputStarts.begin(), inputStarts.end());
    cuts.insert(weightStarts.begin(), weightStarts.end());
    cuts.insert(width);
    auto owner = [](ArrayRef<int64_t> starts, int64_t channel) {
      return std::upper_bound(starts.begin(), starts.end(), channel) -
             starts.begin() - 1;
    };
    for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
      int64_t begin = *it, size = *std::next(it) - begin;
      int64_t a = owner(inputStarts, begin), r = owner(weightStarts, begin);
      Value pieceCodes =
          slice(rewriter, loc, codes, {0, 0, begin}, {groups, tokens, size});
      Value pieceWeights =
          slice(rewriter, loc, weights[r], {0, begin - weightStarts[r], 0},
                {groups, size, out});
      QLinearPiece piece{pieceCodes, pieceWeights,
                         cast<BitRangeAttr>(op.getRanges()[a]).getBits(),
                         cast<BitRangeAttr>(op.getWeightRanges()[r]).getBits(),
                         symmetric};
      Value products = product(rewriter, loc, piece);
      if (!products)
        return failure();
      Value columnSums =
          symmetric ? Value() : sumColumns(rewriter, loc, pieceWeights);
      Value weightScales = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get({out}, f32), op.getScales(),
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(r),
                                 rewriter.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                 rewriter.getIndexAttr(out)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                 rewriter.getIndexAttr(1)});
      result = accumulate(rewriter, loc, result, products, columnSums,
                          inputs[a], weightScales);
    }
    rewriter.replaceOp(
        op, expandFromRows(rewriter, loc, rows, result, op.getType()));
    return success();
  }

  /// Quantizes channels [start, start + size) of every group of `x`
  /// ([tokens, groups, width]) per (token, group): the codes go into
  /// `codes` ([groups, tokens, width] i8, updated), shifted by 2^(bits-1) when
  /// asymmetric so that 8 bits fit in i8.
  static QuantizedInput quantizeRange(OpBuilder &b, Location loc, Value x,
                                      int64_t start, int64_t size,
                                      const QuantParams &params, Value &codes) {
    auto xType = cast<RankedTensorType>(x.getType());
    int64_t tokens = xType.getShape()[0], groups = xType.getShape()[1];
    Value part = slice(b, loc, x, {0, 0, start}, {tokens, groups, size});
    MLIRContext *context = b.getContext();
    AffineExpr t = b.getAffineDimExpr(0), g = b.getAffineDimExpr(1),
               i = b.getAffineDimExpr(2);
    auto statType = RankedTensorType::get({tokens, groups}, b.getF32Type());
    AffineMap stats = AffineMap::get(3, 0, {t, g}, context);
    auto [lo, hi] =
        setBounds(b, loc, part, statType, {b.getMultiDimIdentityMap(3), stats},
                  {IteratorType::parallel, IteratorType::parallel,
                   IteratorType::reduction});
    double shift = params.symmetric ? 0.0 : std::ldexp(1.0, params.bits - 1);

    // Per (token, group), once: the scale, the grid's zero point and the
    // shifted zero point of the codes. A set of zeros has scale 0 and zero
    // points 0 (not NaN), so it adds nothing.
    Type f32 = b.getF32Type();
    AffineMap identity2 = b.getMultiDimIdentityMap(2);
    auto setParams = linalg::GenericOp::create(
        b, loc, TypeRange{statType, statType, statType}, ValueRange{lo, hi},
        ValueRange{emptyLike(b, loc, statType), emptyLike(b, loc, statType),
                   emptyLike(b, loc, statType)},
        SmallVector<AffineMap>(5, identity2),
        SmallVector<IteratorType>(2, IteratorType::parallel),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          QuantGrid q = quantGrid(nb, l, params, args[0], args[1]);
          Value none = floatConstant(nb, l, f32, 0.0);
          Value zero =
              arith::SelectOp::create(nb, l, q.degenerate, none, q.zero);
          Value shifted = arith::SelectOp::create(
              nb, l, q.degenerate, none,
              arith::SubFOp::create(nb, l, q.zero,
                                    floatConstant(nb, l, f32, shift)));
          linalg::YieldOp::create(nb, l, ValueRange{q.scale, zero, shifted});
        });
    Value scale = setParams.getResult(0), gridZero = setParams.getResult(1),
          zero = setParams.getResult(2);

    // Codes, heads-first for the batch matmul: iterate (t, g, i), write at
    // (g, t, i). The grid is resq.fake_quant's, from the set's parameters.
    auto partCodesType =
        RankedTensorType::get({groups, tokens, size}, b.getI8Type());
    AffineMap byGroup = AffineMap::get(3, 0, {g, t, i}, context);
    Value partCodes = generic(
        b, loc, partCodesType, ValueRange{part, scale, gridZero},
        {b.getMultiDimIdentityMap(3), stats, stats},
        emptyLike(b, loc, partCodesType),
        SmallVector<IteratorType>(3, IteratorType::parallel), byGroup,
        [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
          QuantGrid q = gridOf(nb, l, params, args[1], args[2]);
          Value none = floatConstant(nb, l, f32, 0.0);
          Value code =
              arith::SubFOp::create(nb, l, roundOnGrid(nb, l, q, args[0]),
                                    floatConstant(nb, l, f32, shift));
          code = arith::SelectOp::create(nb, l, q.degenerate, none, code);
          return arith::FPToSIOp::create(nb, l, nb.getI8Type(), code);
        });
    SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                         b.getIndexAttr(start)};
    SmallVector<OpFoldResult> sizes = {
        b.getIndexAttr(groups), b.getIndexAttr(tokens), b.getIndexAttr(size)};
    SmallVector<OpFoldResult> ones(3, b.getIndexAttr(1));
    codes = tensor::InsertSliceOp::create(b, loc, partCodes, codes, offsets,
                                          sizes, ones);
    return {scale, zero};
  }

  /// sum_i w[g, i, o] as i32 ([groups, out]).
  static Value sumColumns(OpBuilder &b, Location loc, Value weights) {
    auto type = cast<RankedTensorType>(weights.getType());
    int64_t groups = type.getShape()[0], out = type.getShape()[2];
    auto sumType = RankedTensorType::get({groups, out}, b.getI32Type());
    AffineMap sums = AffineMap::get(
        3, 0, {b.getAffineDimExpr(0), b.getAffineDimExpr(2)}, b.getContext());
    return generic(
        b, loc, sumType, ValueRange{weights}, {b.getMultiDimIdentityMap(3)},
        filled(b, loc, sumType, 0.0),
        {IteratorType::parallel, IteratorType::reduction,
         IteratorType::parallel},
        sums, [](OpBuilder &nb, Location l, ValueRange args) -> Value {
          Value wide = arith::ExtSIOp::create(nb, l, nb.getI32Type(), args[0]);
          return arith::AddIOp::create(nb, l, wide, args[1]);
        });
  }

  /// result[t, o] += sw[o] * sum_g sx[t, g] * (acc[g, t, o] - zx[t, g] *
  /// colsum[g, o]); without column sums (symmetric) the zero point is 0.
  static Value accumulate(OpBuilder &b, Location loc, Value result,
                          Value products, Value columnSums,
                          const QuantizedInput &input, Value weightScales) {
    MLIRContext *context = b.getContext();
    AffineExpr t = b.getAffineDimExpr(0), o = b.getAffineDimExpr(1),
               g = b.getAffineDimExpr(2);
    SmallVector<Value> inputs = {products, input.scale, weightScales};
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {g, t, o}, context),
                                   AffineMap::get(3, 0, {t, g}, context),
                                   AffineMap::get(3, 0, {o}, context)};
    if (columnSums) {
      inputs.append({input.zero, columnSums});
      maps.append({AffineMap::get(3, 0, {t, g}, context),
                   AffineMap::get(3, 0, {g, o}, context)});
    }
    return generic(
        b, loc, cast<RankedTensorType>(result.getType()), inputs, maps, result,
        {IteratorType::parallel, IteratorType::parallel,
         IteratorType::reduction},
        AffineMap::get(3, 0, {t, o}, context),
        [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
          Type f32 = nb.getF32Type();
          Value sum = args[0].getType().isF32()
                          ? args[0]
                          : arith::SIToFPOp::create(nb, l, f32, args[0]);
          if (columnSums) {
            Value offset = arith::MulFOp::create(
                nb, l, args[3], arith::SIToFPOp::create(nb, l, f32, args[4]));
            sum = arith::SubFOp::create(nb, l, sum, offset);
          }
          Value term = arith::MulFOp::create(
              nb, l, args[2], arith::MulFOp::create(nb, l, args[1], sum));
          return arith::AddFOp::create(nb, l, args.back(), term);
        });
  }
};

LogicalResult QLinearLowering::lower(QLinearOp op, PatternRewriter &rewriter,
                                     QLinearProduct product) {
  return lowerImpl(op, rewriter, product);
}

/// The CPU's products: an i8 x i8 -> i32 batch matmul over the groups.
Value batchMatmulProduct(OpBuilder &b, Location loc,
                         const QLinearPiece &piece) {
  auto codes = cast<RankedTensorType>(piece.codes.getType());
  auto weights = cast<RankedTensorType>(piece.weights.getType());
  auto accType = RankedTensorType::get(
      {codes.getShape()[0], codes.getShape()[1], weights.getShape()[2]},
      b.getI32Type());
  return linalg::BatchMatmulOp::create(b, loc,
                                       ValueRange{piece.codes, piece.weights},
                                       ValueRange{filled(b, loc, accType, 0.0)})
      .getResult(0);
}

struct QLinearToLinalg : OpRewritePattern<QLinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QLinearOp op,
                                PatternRewriter &rewriter) const override {
    return QLinearLowering::lower(op, rewriter, batchMatmulProduct);
  }
};

} // namespace

LogicalResult lowerQLinear(QLinearOp op, PatternRewriter &rewriter,
                           QLinearProduct product) {
  return QLinearLowering::lower(op, rewriter, product);
}

void populateQLinearToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<QLinearToLinalg>(patterns.getContext());
}

} // namespace resq
