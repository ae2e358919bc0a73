//===- DebugOptions.h - MLIR's --mlir-* options in resq's tools -*- C++ -*-===//
//
// resq-compile and resq-run (when it JIT-compiles) run pass managers of
// their own. registerMLIRDebugOptions() gives them the options mlir-opt has
// (--mlir-print-ir-after-all, --mlir-timing, --mlir-pass-pipeline-crash-
// reproducer, --mlir-disable-threading, --mlir-elide-elementsattrs-if-
// larger, ...); every pass manager the driver creates is a
// ConfiguredPassManager, which applies them and times its passes under the
// name of its stage.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_DRIVER_DEBUGOPTIONS_H
#define RESQ_DRIVER_DEBUGOPTIONS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

namespace resq::driver {

/// Registers MLIR's pass-manager, timing, context and printer options.
/// Call before parsing the command line.
void registerMLIRDebugOptions();

/// One stage's pass manager with the --mlir-* options applied. The stage's
/// passes are timed under `stage` when --mlir-timing is given; the report
/// is printed when the process exits.
class ConfiguredPassManager {
public:
  ConfiguredPassManager(mlir::MLIRContext *context, llvm::StringRef stage);

  mlir::PassManager &get() { return pm; }
  /// Runs `module` (fails at once when the options could not be applied,
  /// which has been reported).
  mlir::LogicalResult run(mlir::ModuleOp module);

private:
  mlir::PassManager pm;
  mlir::LogicalResult configured = mlir::success();
  mlir::TimingScope timing;
};

} // namespace resq::driver

#endif // RESQ_DRIVER_DEBUGOPTIONS_H
