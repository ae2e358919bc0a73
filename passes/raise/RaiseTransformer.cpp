//===- RaiseTransformer.cpp - graph-level IR to resq structural ops -------===//
//
// Each pattern recognises one construct of an imported torch export and
// replaces it by the resq op that says what it computes. Patterns only fire
// on exact shapes of the construct (constant zero points, a parameter
// weight); anything else is left for the graph-level lowering.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Passes.h"

#include "dialects/resq/ResqOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace resq {
#define GEN_PASS_DEF_RESQRAISETRANSFORMER
#include "passes/raise/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

/// True for a constant whose every element is zero.
bool isZeroConstant(Value value) {
  return matchPattern(value, m_AnyZeroFloat()) || matchPattern(value, m_Zero());
}

/// tosa.matmul(x, reshape(param W [K, N]) : [1, K, N]) with zero points 0
/// -> resq.linear(x, W), when x is [1, M, K] (the importer's view of a
/// MatMul with a 2-D weight).
struct RaiseLinear : OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto reshape = op.getB().getDefiningOp<tosa::ReshapeOp>();
    if (!reshape)
      return rewriter.notifyMatchFailure(op, "weight is not a reshape");
    auto param = reshape.getInput1().getDefiningOp<resq::ParamOp>();
    auto aType = cast<RankedTensorType>(op.getA().getType());
    auto weightType =
        param ? cast<RankedTensorType>(param.getType()) : RankedTensorType();
    if (!param || weightType.getRank() != 2 || aType.getShape()[0] != 1)
      return rewriter.notifyMatchFailure(op, "not a 2-D parameter weight");
    if (!isZeroConstant(op.getAZp()) || !isZeroConstant(op.getBZp()))
      return rewriter.notifyMatchFailure(op, "non-zero zero points");
    if (!aType.getElementType().isF32() && !aType.getElementType().isF16() &&
        !aType.getElementType().isBF16())
      return rewriter.notifyMatchFailure(op, "not a float matmul");
    rewriter.replaceOpWithNewOp<resq::LinearOp>(op, op.getType(), op.getA(),
                                                param.getResult(), Value());
    return success();
  }
};

/// tosa.mul(x, tosa.sigmoid(x)) (either order, shift 0) -> resq.silu(x).
struct RaiseSilu : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [x, gate] : {std::pair(op.getInput1(), op.getInput2()),
                           std::pair(op.getInput2(), op.getInput1())}) {
      auto sigmoid = gate.getDefiningOp<tosa::SigmoidOp>();
      if (!sigmoid || sigmoid.getInput() != x || x.getType() != op.getType())
        continue;
      rewriter.replaceOpWithNewOp<resq::SiluOp>(op, op.getType(), x);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not x * sigmoid(x)");
  }
};

struct RaiseTransformer
    : resq::impl::ResqRaiseTransformerBase<RaiseTransformer> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseLinear, RaiseSilu>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
