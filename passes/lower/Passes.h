//===- Passes.h - lowering resq to the CPU ---------------------*- C++ -*-===//

#ifndef RESQ_PASSES_LOWER_PASSES_H
#define RESQ_PASSES_LOWER_PASSES_H

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

namespace resq {

#define GEN_PASS_DECL
#include "passes/lower/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/lower/Passes.h.inc"

/// Options of --resq-lower-to-cpu.
struct CpuPipelineOptions : mlir::PassPipelineOptions<CpuPipelineOptions> {
  Option<std::string> entry{
      *this, "entry",
      llvm::cl::desc("Compile this function as a model's entry: its weights "
                     "become arguments, its results out-parameters, and "
                     "resq_entry/resq_abi are exported (empty: lower only)"),
      llvm::cl::init("")};
  Option<bool> runtimeKernels{
      *this, "runtime-kernels",
      llvm::cl::desc("Call libresq_runtime's GEMMs for matmuls and allocate "
                     "buffers with its caching allocator "
                     "(the program must then link libresq_runtime.so)"),
      llvm::cl::init(false)};
  Option<bool> runtimeChecks{
      *this, "runtime-checks",
      llvm::cl::desc("Check indices and integer divisors that come from the "
                     "inputs (--resq-insert-runtime-checks); the reports go "
                     "to libresq_runtime, so this needs runtime-kernels"),
      llvm::cl::init(false)};
};

/// Registers --resq-lower-to-cpu: resq and graph-level ops down to the LLVM
/// dialect.
void registerResqCpuPipeline();

/// Adds the passes of --resq-lower-to-cpu to `pm`.
void buildResqCpuPipeline(mlir::OpPassManager &pm,
                          const CpuPipelineOptions &options);

} // namespace resq

#endif // RESQ_PASSES_LOWER_PASSES_H
