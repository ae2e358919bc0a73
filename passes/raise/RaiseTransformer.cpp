//===- RaiseTransformer.cpp - graph-level IR to resq structural ops -------===//
//
// Each pattern recognises one construct of an imported torch export and
// replaces it by the resq op that says what it computes. Patterns only fire
// on exact shapes of the construct (constant zero points, a parameter
// weight); anything else is left for the graph-level lowering.
//
//===----------------------------------------------------------------------===//

#include "passes/common/ModuleParams.h"
#include "passes/common/TosaReshapes.h"
#include "passes/raise/Passes.h"
#include "passes/raise/RaisePatterns.h"

#include "dialects/resq/ResqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
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

/// tosa.matmul(x, reshape(W) : [1, K, N]) with zero points 0 ->
/// resq.linear(x, W), when x is [1, M, K] (the importer's view of a MatMul
/// with a 2-D weight) and W is a 2-D `resq.param` [K, N] or the transpose
/// of one [N, K] (an ONNX Gemm with transB).
struct RaiseLinear : OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto reshape = op.getB().getDefiningOp<tosa::ReshapeOp>();
    if (!reshape)
      return rewriter.notifyMatchFailure(op, "weight is not a reshape");
    Value weight = reshape.getInput1();
    auto aType = cast<RankedTensorType>(op.getA().getType());
    if (!resq::matrixParam(weight) || aType.getShape()[0] != 1)
      return rewriter.notifyMatchFailure(op, "not a 2-D parameter weight");
    if (!isZeroConstant(op.getAZp()) || !isZeroConstant(op.getBZp()))
      return rewriter.notifyMatchFailure(op, "non-zero zero points");
    if (!aType.getElementType().isF32() && !aType.getElementType().isF16() &&
        !aType.getElementType().isBF16())
      return rewriter.notifyMatchFailure(op, "not a float matmul");
    rewriter.replaceOpWithNewOp<resq::LinearOp>(op, op.getType(), op.getA(),
                                                weight, Value());
    return success();
  }
};

/// tosa.add(reshape(resq.linear(x, W)), reshape(b : [N] -> [1, N])), either
/// order, -> reshape(resq.linear(x, W, b)): the bias of an ONNX Gemm or of
/// MatMul + Add. The linear must have no bias and no other use.
struct RaiseLinearBias : OpRewritePattern<tosa::AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::AddOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [product, bias] : {std::pair(op.getInput1(), op.getInput2()),
                                 std::pair(op.getInput2(), op.getInput1())}) {
      auto collapse = product.getDefiningOp<tosa::ReshapeOp>();
      auto linear = collapse
                        ? collapse.getInput1().getDefiningOp<resq::LinearOp>()
                        : resq::LinearOp();
      if (!linear || linear.getBias() || !linear->hasOneUse() ||
          !collapse->hasOneUse() || collapse.getType() != op.getType())
        continue;
      Value vector =
          biasVector(rewriter, bias, linear.getType().getShape().back(),
                     linear.getType().getElementType());
      if (!vector)
        continue;
      auto biased =
          resq::LinearOp::create(rewriter, linear.getLoc(), linear.getType(),
                                 linear.getInput(), linear.getWeight(), vector);
      rewriter.replaceOpWithNewOp<tosa::ReshapeOp>(op, op.getType(), biased,
                                                   collapse.getShape());
      rewriter.eraseOp(collapse);
      rewriter.eraseOp(linear);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not a linear plus a bias vector");
  }

  /// The [out] vector that `bias` ([1, ..., 1, out]) broadcasts: the input
  /// of a reshape, or a constant (the importer inlines small biases, and
  /// folding may have reshaped them already). Null for anything else.
  static Value biasVector(PatternRewriter &rewriter, Value bias, int64_t out,
                          Type element) {
    auto type = cast<RankedTensorType>(bias.getType());
    if (type.getElementType() != element || type.getShape().back() != out ||
        llvm::any_of(type.getShape().drop_back(),
                     [](int64_t dim) { return dim != 1; }))
      return Value();
    auto vectorType = RankedTensorType::get({out}, element);
    if (auto reshape = bias.getDefiningOp<tosa::ReshapeOp>())
      if (reshape.getInput1().getType() == vectorType)
        return reshape.getInput1();
    DenseElementsAttr values;
    if (!matchPattern(bias, m_Constant(&values)))
      return Value();
    return arith::ConstantOp::create(rewriter, bias.getLoc(),
                                     values.reshape(vectorType));
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

/// The one op of a single-op elementwise linalg.generic with `inputs`
/// inputs, if it is an `OpTy`.
template <typename OpTy> OpTy singleOpBody(Value value, unsigned inputs) {
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != inputs ||
      generic.getNumDpsInits() != 1)
    return nullptr;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 2)
    return nullptr;
  return dyn_cast<OpTy>(body.front());
}

/// The float value of a splat constant (through tosa.reshape), if any.
std::optional<double> splatValue(Value value) {
  if (auto reshape = value.getDefiningOp<tosa::ReshapeOp>())
    value = reshape.getInput1();
  DenseFPElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

/// x * (1 / sqrt(sum(x * x, last) / D + eps)) * reshape(gamma) -> resq.rms_norm
/// (torch's RMSNorm as the importer emits Pow/ReduceMean/Add/Sqrt/Div/Mul).
struct RaiseRmsNorm : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [normalized, scale] : {std::pair(op.getInput1(), op.getInput2()),
                                     std::pair(op.getInput2(), op.getInput1())})
      if (succeeded(raise(op, normalized, scale, rewriter)))
        return success();
    return rewriter.notifyMatchFailure(op, "not an RMSNorm");
  }

  LogicalResult raise(tosa::MulOp op, Value normalized, Value scale,
                      PatternRewriter &rewriter) const {
    auto reshape = scale.getDefiningOp<tosa::ReshapeOp>();
    auto gamma = reshape ? reshape.getInput1().getDefiningOp<resq::ParamOp>()
                         : resq::ParamOp();
    auto mul = normalized.getDefiningOp<tosa::MulOp>();
    if (!gamma || cast<RankedTensorType>(gamma.getType()).getRank() != 1 ||
        !mul)
      return failure();
    for (auto [x, inverse] : {std::pair(mul.getInput1(), mul.getInput2()),
                              std::pair(mul.getInput2(), mul.getInput1())}) {
      std::optional<double> epsilon = matchInverseRms(x, inverse);
      auto type = cast<RankedTensorType>(x.getType());
      if (!epsilon || x.getType() != op.getType() ||
          type.getShape().back() !=
              cast<RankedTensorType>(gamma.getType()).getShape()[0])
        continue;
      rewriter.replaceOpWithNewOp<resq::RmsNormOp>(
          op, op.getType(), x, gamma.getResult(),
          rewriter.getF64FloatAttr(*epsilon));
      return success();
    }
    return failure();
  }

  /// epsilon if `inverse` = 1 / sqrt(sum(x * x, last) / D + epsilon).
  static std::optional<double> matchInverseRms(Value x, Value inverse) {
    auto divide = singleOpBody<arith::DivFOp>(inverse, 2);
    if (!divide)
      return std::nullopt;
    auto generic = inverse.getDefiningOp<linalg::GenericOp>();
    std::optional<double> one = splatValue(generic.getDpsInputs()[0]);
    if (!one || *one != 1.0)
      return std::nullopt;
    Value root = generic.getDpsInputs()[1];
    if (!singleOpBody<math::SqrtOp>(root, 1))
      return std::nullopt;
    auto add = root.getDefiningOp<linalg::GenericOp>()
                   .getDpsInputs()[0]
                   .getDefiningOp<tosa::AddOp>();
    if (!add)
      return std::nullopt;
    for (auto [mean, eps] : {std::pair(add.getInput1(), add.getInput2()),
                             std::pair(add.getInput2(), add.getInput1())}) {
      std::optional<double> epsilon = splatValue(eps);
      if (epsilon && *epsilon > 0 && isMeanOfSquares(x, mean))
        return epsilon;
    }
    return std::nullopt;
  }

  /// `mean` = sum(x * x, last dim) / D.
  static bool isMeanOfSquares(Value x, Value mean) {
    auto divide = singleOpBody<arith::DivFOp>(mean, 1);
    if (!divide)
      return false;
    auto generic = mean.getDefiningOp<linalg::GenericOp>();
    Block &body = generic.getRegion().front();
    std::optional<double> count = splatValue(divide.getRhs());
    if (!count)
      if (auto constant = divide.getRhs().getDefiningOp<arith::ConstantOp>())
        if (auto value = dyn_cast<FloatAttr>(constant.getValue()))
          count = value.getValueAsDouble();
    auto type = cast<RankedTensorType>(x.getType());
    if (divide.getLhs() != body.getArgument(0) || !count ||
        *count != double(type.getShape().back()))
      return false;
    auto sum = generic.getDpsInputs()[0].getDefiningOp<tosa::ReduceSumOp>();
    if (!sum || sum.getAxis() != uint32_t(type.getRank() - 1))
      return false;
    auto square = sum.getInput().getDefiningOp<tosa::MulOp>();
    return square && square.getInput1() == x && square.getInput2() == x;
  }
};

struct RaiseTransformer
    : resq::impl::ResqRaiseTransformerBase<RaiseTransformer> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string error;
    std::unique_ptr<resq::ModuleParams> params =
        resq::ModuleParams::open(module, error);
    // Without the weights, patterns that must compare constant tables (RoPE)
    // do not fire; the rest of the raising does not depend on them.
    if (!params && !error.empty())
      module.emitWarning() << "cannot read the parameter archive (" << error
                           << "): RoPE is not raised";
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<RaiseLinear, RaiseLinearBias, RaiseSilu, RaiseRmsNorm>(
        context);
    resq::populateRaiseAttentionPatterns(patterns, params.get());
    // Fold the transposes and reshapes the rewrites leave next to each other.
    tosa::TransposeOp::getCanonicalizationPatterns(patterns, context);
    tosa::ReshapeOp::getCanonicalizationPatterns(patterns, context);
    // MLIR 22's reshape folder crashes on an inferred dim of a constant.
    resq::resolveInferredReshapeDims(module);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
