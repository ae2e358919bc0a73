//===- Passes.h - lowering resq to the CPU -----------------------*- C++
//-*-===//

#ifndef RESQ_PASSES_LOWER_PASSES_H
#define RESQ_PASSES_LOWER_PASSES_H

#include "mlir/Pass/Pass.h"

namespace resq {

#define GEN_PASS_DECL
#include "passes/lower/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/lower/Passes.h.inc"

/// Registers --resq-lower-to-cpu: resq and graph-level ops down to the LLVM
/// dialect.
void registerResqCpuPipeline();

/// Adds --resq-lower-to-cpu{entry=... runtime-kernels=...} to `pm` (every
/// pass it names must be registered). An empty `entry` lowers without
/// exporting a model ABI.
mlir::LogicalResult buildResqCpuPipeline(mlir::OpPassManager &pm,
                                         llvm::StringRef entry,
                                         bool runtimeKernels);

} // namespace resq

#endif // RESQ_PASSES_LOWER_PASSES_H
