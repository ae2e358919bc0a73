//===- ResqDialect.cpp - registration and module-level checks of resq ----===//

#include "dialects/resq/ResqDialect.h"

#include "dialects/resq/ResqOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace resq;

#include "dialects/resq/ResqDialect.cpp.inc"

void ResqDialect::initialize() {
  registerAttributes();
  registerOps();
}

Operation *ResqDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || typed.getType() != type)
    return nullptr;
  return arith::ConstantOp::create(builder, loc, type, typed);
}

/// Every `resq.param` of one name must have one type: they all read the same
/// tensor of the archive. Nested modules name their own archives and are
/// checked on their own; malformed params are left to their own verifier.
static LogicalResult verifyParamTypesAgree(ModuleOp module) {
  llvm::StringMap<ParamOp> firstUse;
  WalkResult result = module->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op != module.getOperation() && isa<ModuleOp>(op))
      return WalkResult::skip();
    auto param = dyn_cast<ParamOp>(op);
    if (!param || !param.getNameAttr() || op->getNumResults() != 1)
      return WalkResult::advance();
    auto [it, inserted] = firstUse.try_emplace(param.getName(), param);
    if (inserted || it->second.getType() == param.getType())
      return WalkResult::advance();
    InFlightDiagnostic diag = param.emitOpError()
                              << "type " << param.getType()
                              << " differs from the type "
                              << it->second.getType() << " of parameter '"
                              << param.getName() << "' declared earlier";
    diag.attachNote(it->second.getLoc()) << "declared here";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

LogicalResult ResqDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  // The calling convention a compiled model exports, written by
  // --resq-params-to-arguments (passes/lower/Abi.h).
  if (attr.getName() == "resq.abi") {
    if (!isa<ModuleOp>(op) || !isa<StringAttr>(attr.getValue()))
      return op->emitError()
             << "'resq.abi' must be a string attribute of a builtin.module";
    return success();
  }
  // The rotation scheme applied, written by --resq-rotate and read by the
  // quantization pass.
  if (attr.getName() == getRotationAttrName()) {
    auto scheme = dyn_cast<StringAttr>(attr.getValue());
    if (!isa<ModuleOp>(op) || !scheme ||
        (scheme.getValue() != "hadamard" && scheme.getValue() != "resq"))
      return op->emitError() << "'" << getRotationAttrName()
                             << "' must be \"hadamard\" or \"resq\" on a "
                                "builtin.module";
    return success();
  }
  // The ranks --resq-lowrank-attention chose for an attention's keys and
  // values (a record for reports; the types carry them).
  if (attr.getName() == getKeyRankAttrName() ||
      attr.getName() == getValueRankAttrName()) {
    auto rank = dyn_cast<IntegerAttr>(attr.getValue());
    if (!isa<AttentionOp>(op) || !rank || rank.getInt() < 1)
      return op->emitError() << "'" << attr.getName().getValue()
                             << "' must be a positive integer attribute of a "
                                "resq.attention";
    return success();
  }
  if (attr.getName() != getParamsAttrName())
    return op->emitError() << "unknown resq attribute '"
                           << attr.getName().getValue() << "'";
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError() << "'" << getParamsAttrName()
                           << "' may only be attached to a builtin.module";
  if (!isa<ParamArchiveAttr>(attr.getValue()))
    return op->emitError() << "'" << getParamsAttrName()
                           << "' expects a #resq.archive attribute, found "
                           << attr.getValue();
  return verifyParamTypesAgree(module);
}
