//===- Lower.cpp - the driver's dialects and the lowering to LLVM ---------===//

#include "resq/driver/Load.h"

#include "resq/InitAll.h"
#include "resq/driver/DebugOptions.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

using namespace mlir;

void resq::driver::registerDriverDialects(DialectRegistry &registry) {
  resq::registerAllDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

LogicalResult resq::driver::lowerToLLVMDialect(ModuleOp module,
                                               llvm::StringRef entry) {
  ConfiguredPassManager pm(module->getContext(), "lower to the LLVM dialect");
  CpuPipelineOptions options;
  options.entry = entry.str();
  options.runtimeKernels = true;
  options.runtimeChecks = true;
  buildResqCpuPipeline(pm.get(), options);
  return pm.run(module);
}
