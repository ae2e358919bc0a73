//===- CpuPipeline.cpp - the --resq-lower-to-cpu pipeline -----------------===//
//
// resq ops to linalg, the graph level (TOSA) to linalg, then bufferization,
// loops (each nest its own function, --resq-outline-loop-nests) and the LLVM
// dialect with upstream passes. Loops are scalar for now;
// vectorization and the runtime's microkernels come with the CPU backend.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

namespace {
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
};

std::string cpuPipeline(const CpuPipelineOptions &options) {
  std::string entry = options.entry;
  bool compileEntry = !entry.empty();
  std::string text;
  // resq ops are lowered while their weights are still resq.params (a
  // matrix rotation requires one); then the weights become arguments.
  text += "resq-lower-to-linalg,";
  // cim ops become calls of the crossbar simulator in libresq_runtime.
  text += "resq-cim-to-runtime,";
  if (compileEntry)
    text += "resq-params-to-arguments{entry=" + entry + "},";
  text += "func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith,"
          "tosa-to-tensor),"
          "canonicalize,resq-decompose-aggregates,"
          "one-shot-bufferize{bufferize-function-boundaries "
          "function-boundary-type-conversion=identity-layout-map},";
  // Outputs are buffers the caller owns; every other buffer is freed.
  if (compileEntry)
    text += "buffer-results-to-out-params{hoist-static-allocs "
            "modify-public-functions},";
  text += "buffer-deallocation-pipeline,";
  if (options.runtimeKernels)
    text += "resq-matmul-to-runtime,";
  text += "func.func(convert-linalg-to-loops),resq-outline-loop-nests,"
          "expand-strided-metadata,"
          "lower-affine,convert-scf-to-cf,";
  // The runtime's allocator reuses buffers across runs (BufferCache.cpp).
  text += options.runtimeKernels
              ? "finalize-memref-to-llvm{use-generic-functions},"
              : "finalize-memref-to-llvm,";
  text += "convert-math-to-llvm,convert-math-to-libm,convert-arith-to-llvm,"
          "convert-func-to-llvm,convert-cf-to-llvm,";
  if (compileEntry)
    text += "resq-emit-entry-point{entry=" + entry + "},";
  text += "reconcile-unrealized-casts";
  return text;
}
} // namespace

mlir::LogicalResult resq::buildResqCpuPipeline(mlir::OpPassManager &pm,
                                               llvm::StringRef entry,
                                               bool runtimeKernels) {
  CpuPipelineOptions options;
  options.entry = entry.str();
  options.runtimeKernels = runtimeKernels;
  return mlir::parsePassPipeline(cpuPipeline(options), pm);
}

void resq::registerResqCpuPipeline() {
  mlir::PassPipelineRegistration<CpuPipelineOptions>(
      "resq-lower-to-cpu",
      "Lower resq and graph-level (TOSA/linalg) IR to the LLVM dialect",
      [](mlir::OpPassManager &pm, const CpuPipelineOptions &options) {
        // The pipeline text is built here and tested; a parse error is a
        // bug in this file, reported by the pass manager.
        (void)mlir::parsePassPipeline(cpuPipeline(options), pm);
      });
}
