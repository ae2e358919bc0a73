//===- TransformerStructure.cpp - the layers of a raised transformer ------===//

#include "passes/common/TransformerStructure.h"
#include "passes/common/ModuleParams.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;

namespace resq {

namespace {

/// Ops that pass a value on unchanged in meaning for the structure: layout
/// changes, online rotations and quantizers inserted by later passes, and
/// low-rank attention's projections of the queries and keys.
bool isTransparent(Operation *op) {
  return isa<tosa::ReshapeOp, tosa::TransposeOp, RotateOp, FakeQuantOp,
             SubspaceQuantOp, ProjectOp>(op);
}

/// Follows `value` back through transparent ops and RoPE, recording the
/// RoPE, to the op that computes it.
Operation *producerThroughLayout(Value value, RopeOp *rope = nullptr) {
  while (Operation *op = value.getDefiningOp()) {
    if (auto r = dyn_cast<RopeOp>(op)) {
      if (rope)
        *rope = r;
      value = r.getInput();
    } else if (isTransparent(op)) {
      value = op->getOperand(0);
    } else {
      return op;
    }
  }
  return nullptr;
}

/// `value` before any transparent ops.
Value sourceOf(Value value) {
  while (Operation *op = value.getDefiningOp()) {
    if (!isTransparent(op))
      break;
    value = op->getOperand(0);
  }
  return value;
}

/// The single user of `value` after transparent ops, or null.
Operation *userThroughLayout(Value value) {
  while (value.hasOneUse()) {
    Operation *user = *value.getUsers().begin();
    if (!isTransparent(user))
      return user;
    value = user->getResult(0);
  }
  return nullptr;
}

/// The linears whose input is `value`, directly or through transparent ops.
SmallVector<LinearOp> linearReaders(Value value) {
  SmallVector<LinearOp> linears;
  for (Operation *user : value.getUsers()) {
    if (auto linear = dyn_cast<LinearOp>(user)) {
      if (linear.getInput() == value)
        linears.push_back(linear);
    } else if (isTransparent(user)) {
      linears.append(linearReaders(user->getResult(0)));
    }
  }
  return linears;
}

template <typename OpTy> OpTy userOfType(Value value) {
  for (Operation *user : value.getUsers())
    if (auto op = dyn_cast<OpTy>(user))
      return op;
  return nullptr;
}

void findMlp(TransformerLayer &layer) {
  // The residual add after o, then the norm that reads it.
  auto residual =
      layer.o ? userOfType<tosa::AddOp>(layer.o.getResult()) : tosa::AddOp();
  if (!residual)
    return;
  layer.mlpNorm = userOfType<RmsNormOp>(residual.getResult());
  if (!layer.mlpNorm)
    return;
  for (LinearOp linear : linearReaders(layer.mlpNorm.getResult())) {
    if (userOfType<SiluOp>(linear.getResult()))
      layer.gate = linear;
    else
      layer.up = linear;
  }
  if (!layer.gate || !layer.up)
    return;
  auto silu = userOfType<SiluOp>(layer.gate.getResult());
  auto product = userOfType<tosa::MulOp>(silu.getResult());
  if (!product || (product.getInput1() != layer.up.getResult() &&
                   product.getInput2() != layer.up.getResult()))
    return;
  SmallVector<LinearOp> down = linearReaders(product.getResult());
  if (down.size() == 1)
    layer.down = down.front();
}

} // namespace

bool TransformerLayer::isLowRank() const {
  return attention && (attention->hasAttr(ResqDialect::getKeyRankAttrName()) ||
                       attention->hasAttr(ResqDialect::getValueRankAttrName()));
}

LogicalResult refuseLowRank(ArrayRef<TransformerStructure> models,
                            StringRef pass) {
  for (const TransformerStructure &model : models)
    for (const TransformerLayer &layer : model.layers)
      if (layer.isLowRank())
        return AttentionOp(layer.attention).emitError()
               << "--" << pass
               << " does not support low-rank attention (after "
                  "--resq-lowrank-attention) yet";
  return success();
}

std::vector<std::string> TransformerLayer::missing() const {
  std::vector<std::string> names;
  auto need = [&](bool present, const char *name) {
    if (!present)
      names.push_back(name);
  };
  need(bool(attnNorm), "attn_norm");
  need(bool(q), "q");
  need(bool(k), "k");
  need(bool(v), "v");
  need(qRope && kRope, "rope");
  need(bool(attention), "attention");
  need(bool(o), "o");
  need(bool(mlpNorm), "mlp_norm");
  need(bool(gate), "gate");
  need(bool(up), "up");
  need(bool(down), "down");
  return names;
}

bool TransformerStructure::complete() const {
  if (!embedding || !finalNorm || !lmHead || layers.empty())
    return false;
  for (const TransformerLayer &layer : layers)
    if (!layer.missing().empty())
      return false;
  return true;
}

TransformerStructure findTransformerStructure(func::FuncOp func) {
  TransformerStructure model;
  // A declaration has no layers to find.
  if (func.isExternal())
    return model;
  func.walk([&](Operation *op) {
    if (auto embedding = dyn_cast<EmbeddingOp>(op);
        embedding && !model.embedding)
      model.embedding = embedding;
    auto attention = dyn_cast<AttentionOp>(op);
    if (!attention)
      return;
    TransformerLayer layer;
    layer.attention = attention;
    layer.q = dyn_cast_or_null<LinearOp>(
        producerThroughLayout(attention.getQuery(), &layer.qRope));
    layer.k = dyn_cast_or_null<LinearOp>(
        producerThroughLayout(attention.getKey(), &layer.kRope));
    layer.v =
        dyn_cast_or_null<LinearOp>(producerThroughLayout(attention.getValue()));
    if (layer.q && layer.k && layer.v &&
        sourceOf(layer.q.getInput()) == sourceOf(layer.k.getInput()) &&
        sourceOf(layer.q.getInput()) == sourceOf(layer.v.getInput()))
      layer.attnNorm = sourceOf(layer.q.getInput()).getDefiningOp<RmsNormOp>();
    layer.o =
        dyn_cast_or_null<LinearOp>(userThroughLayout(attention.getOutput()));
    findMlp(layer);
    model.layers.push_back(layer);
  });
  // The lm_head is a linear whose result is returned, after the final norm.
  Operation *terminator = func.getBody().front().getTerminator();
  for (Value result : terminator->getOperands())
    if (auto linear = result.getDefiningOp<LinearOp>()) {
      model.lmHead = linear;
      model.finalNorm = sourceOf(linear.getInput()).getDefiningOp<RmsNormOp>();
    }
  return model;
}

FailureOr<std::vector<TransformerStructure>>
findCompleteTransformers(ModuleOp module) {
  std::vector<TransformerStructure> found;
  for (auto func : module.getOps<func::FuncOp>()) {
    TransformerStructure model = findTransformerStructure(func);
    if (model.layers.empty())
      continue;
    if (!model.complete())
      return func.emitError()
             << "@" << func.getSymName()
             << " is not a complete transformer (`resq-opt "
                "--resq-raise-transformer --resq-report-structure` shows "
                "what is missing)";
    found.push_back(model);
  }
  if (found.empty())
    return module.emitError()
           << "no transformer found: no resq.attention after "
              "--resq-raise-transformer";
  return found;
}

FailureOr<TransformerWeights> openTransformerWeights(ModuleOp module,
                                                     StringRef pass) {
  TransformerWeights weights;
  weights.params = ModuleParams::openOrReport(module, pass);
  if (!weights.params)
    return failure();
  FailureOr<std::vector<TransformerStructure>> models =
      findCompleteTransformers(module);
  if (failed(models))
    return failure();
  weights.models = std::move(*models);
  return weights;
}

} // namespace resq
