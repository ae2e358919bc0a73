//===- DebugOptions.cpp - MLIR's --mlir-* options in resq's tools ---------===//

#include "resq/driver/DebugOptions.h"

#include "resq/InitAll.h"

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

/// Whether registerMLIRDebugOptions() ran (tools without the options, such
/// as the unit tests, get plain pass managers).
bool registered = false;

} // namespace

void resq::driver::registerMLIRDebugOptions() {
  // --mlir-print-ir-before=PASS and friends name registered passes.
  resq::registerAllPasses();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  registerMLIRContextCLOptions();
  registerAsmPrinterCLOptions();
  registered = true;
}

resq::driver::ConfiguredPassManager::ConfiguredPassManager(
    MLIRContext *context, llvm::StringRef stage)
    : pm(context) {
  if (!registered)
    return;
  // Timing is enabled after the options' instrumentation (IR printers,
  // reproducers), as MLIR asks, so that it does not count their work.
  configured = applyPassManagerCLOptions(pm);
  ProcessTiming &process = processTiming();
  if (process.manager.isEnabled()) {
    timing = process.root.nest(stage);
    pm.enableTiming(timing);
  }
}

LogicalResult resq::driver::ConfiguredPassManager::run(ModuleOp module) {
  if (failed(configured))
    return failure();
  return pm.run(module);
}
