//===- DebugOptions.cpp - MLIR's --mlir-* options in resq's tools ---------===//

#include "resq/driver/DebugOptions.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

namespace {

/// The process's timing manager: one report for every stage.
struct ProcessTiming {
  ProcessTiming() {
    applyDefaultTimingManagerCLOptions(manager);
    root = manager.getRootScope();
  }
  DefaultTimingManager manager;
  // Declared after the manager: stopped before the report is printed.
  TimingScope root;
};

ProcessTiming &processTiming() {
  static ProcessTiming timing;
  return timing;
}

} // namespace

void resq::driver::registerMLIRDebugOptions() {
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  registerMLIRContextCLOptions();
  registerAsmPrinterCLOptions();
}

resq::driver::ConfiguredPassManager::ConfiguredPassManager(
    MLIRContext *context, llvm::StringRef stage)
    : pm(context) {
  ProcessTiming &process = processTiming();
  if (process.manager.isEnabled()) {
    timing = process.root.nest(stage);
    pm.enableTiming(timing);
  }
}

LogicalResult resq::driver::ConfiguredPassManager::run(ModuleOp module) {
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  return pm.run(module);
}
