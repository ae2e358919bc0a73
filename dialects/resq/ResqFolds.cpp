//===- ResqFolds.cpp - folders and canonicalizations of resq ops ----------===//
//
// All of these are local to the IR: none reads the parameter archive.
//
//===----------------------------------------------------------------------===//

#include "dialects/resq/ResqOps.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

using namespace mlir;
using namespace resq;

//===----------------------------------------------------------------------===//
// SiluOp
//===----------------------------------------------------------------------===//

/// silu(x) = x / (1 + exp(-x)) in double precision, rounded once to the
/// element type. For x < 0 it is computed as -exp(x + log(-x)) / (1 + exp(x))
/// so that large negative inputs keep their tiny (subnormal) results.
/// Non-finite inputs and types wider than double are left to run time.
static std::optional<APFloat> foldSilu(const APFloat &value) {
  if (!value.isFinite() ||
      APFloat::semanticsSizeInBits(value.getSemantics()) > 64)
    return std::nullopt;
  bool losesInfo = false;
  APFloat wide = value;
  wide.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
  double x = wide.convertToDouble();
  double silu = x < 0 ? -std::exp(x + std::log(-x)) / (1.0 + std::exp(x))
                      : x / (1.0 + std::exp(-x));
  APFloat result(silu);
  result.convert(value.getSemantics(), APFloat::rmNearestTiesToEven,
                 &losesInfo);
  return result;
}

OpFoldResult SiluOp::fold(FoldAdaptor adaptor) {
  return constFoldUnaryOpConditional<FloatAttr, FloatAttr::ValueType, void>(
      adaptor.getOperands(), foldSilu);
}

//===----------------------------------------------------------------------===//
// RotateOp
//===----------------------------------------------------------------------===//

/// Two matrix operands denote the same matrix: the same value, or
/// parameters of the same name (and so the same archive tensor).
static bool isSameMatrix(Value a, Value b) {
  if (a == b)
    return true;
  auto paramA = a.getDefiningOp<ParamOp>();
  auto paramB = b.getDefiningOp<ParamOp>();
  return paramA && paramB && paramA.getName() == paramB.getName() &&
         paramA.getType() == paramB.getType();
}

static bool isSameTransform(RotateOp a, RotateOp b) {
  if (a.getKind() != b.getKind())
    return false;
  if (a.getKind() == RotationKind::Hadamard)
    return a.getSeed() == b.getSeed();
  return isSameMatrix(a.getMatrix(), b.getMatrix());
}

/// x Q Q^T = x Q^T Q = x for orthogonal Q, whatever the modes.
OpFoldResult RotateOp::fold(FoldAdaptor) {
  auto inner = getInput().getDefiningOp<RotateOp>();
  if (!inner || inner.getInverse() == getInverse() ||
      !isSameTransform(*this, inner))
    return {};
  return inner.getInput();
}

//===----------------------------------------------------------------------===//
// ProjectOp
//===----------------------------------------------------------------------===//

/// (x P^T) P = x because P^T P = I; (x P) P^T is a projection and stays.
OpFoldResult ProjectOp::fold(FoldAdaptor) {
  auto inner = getInput().getDefiningOp<ProjectOp>();
  if (getLift() || !inner || !inner.getLift() ||
      !isSameMatrix(getBasis(), inner.getBasis()) ||
      inner.getInput().getType() != getType())
    return {};
  return inner.getInput();
}

//===----------------------------------------------------------------------===//
// SubspaceQuantOp
//===----------------------------------------------------------------------===//

namespace {
/// A single range is plain per-token (or per-group) fake quantization.
struct SingleRangeToFakeQuant : OpRewritePattern<SubspaceQuantOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SubspaceQuantOp op,
                                PatternRewriter &rewriter) const override {
    ArrayAttr ranges = op.getRanges();
    if (ranges.size() != 1)
      return rewriter.notifyMatchFailure(op, "more than one channel range");
    // With a dynamic last dim the range's size is not known to be the row's.
    if (!op.getGroupSize() &&
        ShapedType::isDynamic(op.getInput().getType().getShape().back()))
      return rewriter.notifyMatchFailure(op, "dynamic channel count");
    auto range = cast<BitRangeAttr>(ranges[0]);
    QuantGranularity granularity = op.getGroupSize()
                                       ? QuantGranularity::PerGroup
                                       : QuantGranularity::PerToken;
    rewriter.replaceOpWithNewOp<FakeQuantOp>(
        op, op.getType(), op.getInput(),
        QuantGranularityAttr::get(op.getContext(), granularity),
        op.getGroupSizeAttr(), rewriter.getI64IntegerAttr(range.getBits()),
        op.getSymmetricAttr(), op.getClipRatioAttr());
    return success();
  }
};
} // namespace

void SubspaceQuantOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                  MLIRContext *context) {
  patterns.add<SingleRangeToFakeQuant>(context);
}
