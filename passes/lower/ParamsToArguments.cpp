//===- ParamsToArguments.cpp - weights become entry arguments -------------===//
//
// A compiled model binds its weights at run time, by name, from the
// safetensors archive. This pass turns every resq.param of the entry function
// into a trailing argument of that function and records the model's calling
// convention (inputs, params, outputs: names, element types, shapes) as the
// module's `resq.abi` string, which --resq-emit-entry-point embeds in the
// compiled code and the runtime reads back (see include/resq/Runtime.h).
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Abi.h"
#include "passes/lower/Passes.h"

#include "dialects/resq/ResqOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"

namespace resq {
#define GEN_PASS_DEF_RESQPARAMSTOARGUMENTS
#include "passes/lower/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

struct ParamsToArguments
    : resq::impl::ResqParamsToArgumentsBase<ParamsToArguments> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entryFunc = module.lookupSymbol<func::FuncOp>(entry);
    if (!entryFunc || entryFunc.isExternal()) {
      module.emitError() << "no entry function @" << entry
                         << " with a body to compile";
      return signalPassFailure();
    }
    if (failed(checkParamsStayInEntry(module, entryFunc)))
      return signalPassFailure();

    // One argument per distinct name, in order of first use.
    llvm::MapVector<StringRef, SmallVector<resq::ParamOp>> byName;
    entryFunc.walk(
        [&](resq::ParamOp op) { byName[op.getName()].push_back(op); });

    unsigned numInputs = entryFunc.getNumArguments();
    Block &body = entryFunc.getBody().front();
    for (auto &[name, ops] : byName) {
      unsigned index = entryFunc.getNumArguments();
      Type type = ops.front().getType();
      if (failed(
              entryFunc.insertArgument(index, type, {}, ops.front().getLoc())))
        return signalPassFailure();
      entryFunc.setArgAttr(index, resq::abi::kParamAttr,
                           StringAttr::get(&getContext(), name));
      for (resq::ParamOp op : ops) {
        op.replaceAllUsesWith(body.getArgument(index));
        op.erase();
      }
    }

    FailureOr<std::string> abi = resq::abi::describeEntry(entryFunc, numInputs);
    if (failed(abi))
      return signalPassFailure();

    // The names now live in the ABI text; LLVM translation would only warn
    // about these attributes.
    for (unsigned i = 0, e = entryFunc.getNumArguments(); i < e; ++i)
      for (StringRef attr : {StringRef("resq.name"), StringRef("resq.unsigned"),
                             StringRef(resq::abi::kParamAttr)})
        entryFunc.removeArgAttr(i, attr);
    for (unsigned i = 0, e = entryFunc.getNumResults(); i < e; ++i)
      for (StringRef attr : {"resq.name", "resq.unsigned"})
        entryFunc.removeResultAttr(i, StringAttr::get(&getContext(), attr));

    Builder builder(&getContext());
    // Inputs are the caller's and weights are mapped read-only: bufferization
    // must never write into them.
    for (unsigned i = 0, e = entryFunc.getNumArguments(); i < e; ++i)
      entryFunc.setArgAttr(
          i, bufferization::BufferizationDialect::kWritableAttrName,
          builder.getBoolAttr(false));
    entryFunc->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                       builder.getUnitAttr());
    module->setAttr(resq::abi::kModuleAttr, builder.getStringAttr(*abi));
  }

  LogicalResult checkParamsStayInEntry(ModuleOp module,
                                       func::FuncOp entryFunc) {
    WalkResult result = module.walk([&](resq::ParamOp op) {
      if (op->getParentOfType<func::FuncOp>() == entryFunc)
        return WalkResult::advance();
      op.emitOpError() << "'" << op.getName()
                       << "' is outside the entry function @"
                       << entryFunc.getName()
                       << "; weights are bound to the entry's arguments, so "
                          "inline its callees first (--inline)";
      return WalkResult::interrupt();
    });
    return failure(result.wasInterrupted());
  }
};

} // namespace
