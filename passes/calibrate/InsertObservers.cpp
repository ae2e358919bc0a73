//===- InsertObservers.cpp - activations for calibration as results -------===//

#include "passes/calibrate/Passes.h"
#include "passes/common/LayerNames.h"
#include "passes/common/TransformerStructure.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"

namespace resq {
#define GEN_PASS_DEF_RESQINSERTOBSERVERS
#include "passes/calibrate/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

/// `value` (row-major: tokens, then groups of `width` channels) reshaped to
/// [tokens, groups, width].
Value asTokenGroups(OpBuilder &b, Location loc, Value value, int64_t groups,
                    int64_t width) {
  int64_t tokens = cast<RankedTensorType>(value.getType()).getNumElements() /
                   (groups * width);
  SmallVector<int64_t> target = {tokens, groups, width};
  auto type = RankedTensorType::get(
      target, cast<RankedTensorType>(value.getType()).getElementType());
  ImplicitLocOpBuilder builder(loc, b);
  return tosa::ReshapeOp::create(b, loc, type, value,
                                 tosa::getTosaConstShape(builder, target));
}

struct InsertObservers : resq::impl::ResqInsertObserversBase<InsertObservers> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool attention =
        module.walk([](resq::AttentionOp) { return WalkResult::interrupt(); })
            .wasInterrupted();
    if (!attention)
      return instrumentNetwork(module);
    FailureOr<std::vector<resq::TransformerStructure>> models =
        resq::findCompleteTransformers(module);
    if (failed(models))
      return signalPassFailure();
    for (resq::TransformerStructure &model : *models)
      instrument(model.embedding->getParentOfType<func::FuncOp>(), model);
  }

  /// A network without attention: the input of every linear layer (float
  /// or integer) whose weight is a parameter, named after the layer.
  void instrumentNetwork(ModuleOp module) {
    bool found = false;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      auto returnOp =
          cast<func::ReturnOp>(func.getBody().front().getTerminator());
      OpBuilder b(returnOp);
      SmallVector<Value> observed;
      SmallVector<std::string> names;
      func.walk([&](Operation *op) {
        if (!isa<resq::LinearOp, resq::QLinearOp>(op))
          return;
        std::string name = resq::layerName(op);
        if (name.empty())
          return;
        Value input = op->getOperand(0);
        int64_t width = shapeOf(input).back();
        observed.push_back(asTokenGroups(b, op->getLoc(), input, 1, width));
        names.push_back((resq::kObservePrefix + name).str());
      });
      found |= !observed.empty();
      appendResults(func, returnOp, observed, names);
    }
    if (!found) {
      module.emitError() << "--resq-insert-observers: no transformer and no "
                            "linear layer on a parameter weight to observe "
                            "(run --resq-raise-transformer first)";
      signalPassFailure();
    }
  }

  void instrument(func::FuncOp func, resq::TransformerStructure &model) {
    auto returnOp =
        cast<func::ReturnOp>(func.getBody().front().getTerminator());
    OpBuilder b(returnOp);
    SmallVector<Value> observed;
    SmallVector<std::string> names;
    auto observe = [&](Value value, int64_t groups, int64_t layer,
                       StringRef site) {
      // Every site is [batch, seq, channels...]: the channels of a token
      // form `groups` groups.
      ArrayRef<int64_t> shape = shapeOf(value);
      int64_t channels =
          cast<RankedTensorType>(value.getType()).getNumElements() /
          (shape[0] * shape[1]);
      int64_t width = channels / groups;
      observed.push_back(
          asTokenGroups(b, value.getLoc(), value, groups, width));
      names.push_back(
          (resq::kObservePrefix + "layers." + Twine(layer) + "." + site).str());
    };
    for (auto [index, layer] : llvm::enumerate(model.layers)) {
      int64_t kvHeads = layer.attention.getNumKvHeads();
      observe(layer.q.getInput(), 1, index, "attn_in");
      observe(layer.o.getInput(), 1, index, "o_in");
      observe(layer.up.getInput(), 1, index, "mlp_in");
      observe(layer.down.getInput(), 1, index, "down_in");
      observe(layer.v.getResult(), kvHeads, index, "v_out");
      // k after RoPE is [batch, kv heads, seq, head dim]: tokens first.
      Value k = layer.kRope.getResult();
      ArrayRef<int64_t> s = shapeOf(k);
      auto type = RankedTensorType::get(
          {s[0], s[2], s[1], s[3]},
          cast<RankedTensorType>(k.getType()).getElementType());
      Value tokensFirst = tosa::TransposeOp::create(
          b, k.getLoc(), type, k, b.getDenseI32ArrayAttr({0, 2, 1, 3}));
      observe(tokensFirst, kvHeads, index, "k_rope");
    }
    appendResults(func, returnOp, observed, names);
  }

  /// Makes `observed` extra results of `func`, named `names`.
  static void appendResults(func::FuncOp func, func::ReturnOp returnOp,
                            ArrayRef<Value> observed,
                            ArrayRef<std::string> names) {
    SmallVector<DictionaryAttr> resultAttrs;
    for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
      resultAttrs.push_back(func.getResultAttrDict(i));
    MLIRContext *context = func.getContext();
    for (const std::string &name : names)
      resultAttrs.push_back(DictionaryAttr::get(
          context, {NamedAttribute(StringAttr::get(context, "resq.name"),
                                   StringAttr::get(context, name))}));
    SmallVector<Value> results(returnOp.getOperands());
    results.append(observed.begin(), observed.end());
    returnOp->setOperands(results);
    SmallVector<Type> types(func.getResultTypes());
    for (Value value : observed)
      types.push_back(value.getType());
    func.setFunctionType(
        FunctionType::get(context, func.getArgumentTypes(), types));
    func.setAllResultAttrs(resultAttrs);
  }
};

} // namespace
