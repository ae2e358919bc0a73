//===- RuntimeCalls.cpp - declaring libresq_runtime entry points ----------===//

#include "passes/lower/RuntimeCalls.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

using namespace mlir;

func::FuncOp resq::declareRuntimeFunction(ModuleOp module, StringRef name,
                                          TypeRange operands) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  auto func = func::FuncOp::create(
      builder, module.getLoc(), name,
      FunctionType::get(module.getContext(), operands, {}));
  func.setPrivate();
  func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                builder.getUnitAttr());
  return func;
}
