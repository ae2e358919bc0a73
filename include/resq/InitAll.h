//===- InitAll.h - the one registration point of every resq tool ----------===//
//
// Every tool registers dialects and passes through this header, so that a
// dialect or pass added here is available everywhere at once.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_INITALL_H
#define RESQ_INITALL_H

#include "dialects/cim/CimDialect.h"
#include "dialects/resq/ResqDialect.h"
#include "passes/calibrate/Passes.h"
#include "passes/cim/Passes.h"
#include "passes/lower/Passes.h"
#include "passes/lowrank/Passes.h"
#include "passes/params/Passes.h"
#include "passes/prepare/Passes.h"
#include "passes/quantize/Passes.h"
#include "passes/raise/Passes.h"
#include "passes/rotate/Passes.h"
#include "passes/simplify/Passes.h"
#include "resq/driver/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

namespace resq {

/// resq's own dialects.
inline void registerResqDialects(mlir::DialectRegistry &registry) {
  registry.insert<ResqDialect, cim::CimDialect>();
}

/// resq's own passes and pipelines.
inline void registerResqPasses() {
  registerResqSimplifyPasses();
  registerResqLowerPasses();
  registerResqRaisePasses();
  registerResqPreparePasses();
  registerResqCalibratePasses();
  registerResqRotatePasses();
  registerResqLowRankPasses();
  registerResqQuantizePasses();
  registerResqCimPasses();
  registerResqParamsPasses();
  registerResqCpuPipeline();
  driver::registerResqPipelines();
}

/// Upstream MLIR's dialects and extensions plus resq's.
inline void registerAllDialects(mlir::DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registerResqDialects(registry);
}

/// Upstream MLIR's passes plus resq's.
inline void registerAllPasses() {
  mlir::registerAllPasses();
  registerResqPasses();
}

} // namespace resq

#endif // RESQ_INITALL_H
