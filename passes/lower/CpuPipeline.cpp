//===- CpuPipeline.cpp - the --resq-lower-to-cpu pipeline -----------------===//
//
// resq ops to linalg, the graph level (TOSA) to linalg, then bufferization,
// loops and the LLVM dialect with upstream passes. Loops are scalar for now;
// vectorization and the runtime's microkernels come with the CPU backend.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

namespace {
constexpr llvm::StringLiteral kCpuPipeline =
    "resq-lower-to-linalg,"
    "func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith,"
    "tosa-to-tensor),"
    "canonicalize,resq-decompose-aggregates,"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "func.func(convert-linalg-to-loops),expand-strided-metadata,lower-affine,"
    "convert-scf-to-cf,finalize-memref-to-llvm,convert-math-to-llvm,"
    "convert-math-to-libm,convert-arith-to-llvm,convert-func-to-llvm,"
    "convert-cf-to-llvm,reconcile-unrealized-casts";
} // namespace

void resq::registerResqCpuPipeline() {
  mlir::PassPipelineRegistration<>(
      "resq-lower-to-cpu",
      "Lower resq and graph-level (TOSA/linalg) IR to the LLVM dialect",
      [](mlir::OpPassManager &pm) {
        // The pipeline text is fixed and tested; a parse error is a bug in
        // this file, reported by the pass manager.
        (void)mlir::parsePassPipeline(kCpuPipeline, pm);
      });
}
