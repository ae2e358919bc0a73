//===- CpuPipeline.cpp - the --resq-lower-to-cpu pipeline -----------------===//
//
// resq ops to linalg, the graph level (TOSA) to linalg, then bufferization,
// loops (each nest its own function, --resq-outline-loop-nests) and the
// LLVM dialect with upstream passes. Matmuls call the runtime's GEMMs when
// runtime-kernels is set; the other loops stay scalar.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void resq::buildResqCpuPipeline(OpPassManager &pm,
                                const CpuPipelineOptions &options) {
  std::string entry = options.entry;
  bool compileEntry = !entry.empty();
  // resq ops are lowered while their weights are still resq.params (a
  // matrix rotation requires one); then the weights become arguments.
  pm.addPass(createResqLowerToLinalg());
  // cim ops become calls of the crossbar simulator in libresq_runtime.
  pm.addPass(createResqCimToRuntime());
  if (compileEntry)
    pm.addPass(
        createResqParamsToArguments(ResqParamsToArgumentsOptions{entry}));
  OpPassManager &tosa = pm.nest<func::FuncOp>();
  tosa.addPass(tosa::createTosaToLinalgNamed());
  tosa.addPass(tosa::createTosaToLinalg());
  tosa.addPass(createTosaToArithPass());
  // Before tosa-to-tensor, whose chain of inserts bufferizes in superlinear
  // time in the number of inputs.
  tosa.addPass(createResqConcatToTensor());
  tosa.addPass(createTosaToTensorPass());
  pm.addPass(createCanonicalizerPass());
  // Indices and divisors from the inputs are checked; the runtime reports.
  if (options.runtimeChecks)
    pm.addPass(createResqInsertRuntimeChecks());
  pm.addPass(createResqDecomposeAggregates());
  // Each output becomes a buffer of its own.
  pm.addNestedPass<func::FuncOp>(createResqDistinctResults());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Outputs are buffers the caller owns; every other buffer is freed.
  if (compileEntry) {
    bufferization::BufferResultsToOutParamsPassOptions outParams;
    outParams.hoistStaticAllocs = true;
    outParams.modifyPublicFunctions = true;
    pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  }
  bufferization::buildBufferDeallocationPipeline(pm);
  if (options.runtimeKernels)
    pm.addPass(createResqMatmulToRuntime());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createResqOutlineLoopNests());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // The runtime's allocator reuses buffers across runs (BufferCache.cpp).
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = options.runtimeKernels;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  if (compileEntry)
    pm.addPass(createResqEmitEntryPoint(ResqEmitEntryPointOptions{entry}));
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void resq::registerResqCpuPipeline() {
  PassPipelineRegistration<CpuPipelineOptions>(
      "resq-lower-to-cpu",
      "Lower resq and graph-level (TOSA/linalg) IR to the LLVM dialect",
      [](OpPassManager &pm, const CpuPipelineOptions &options) {
        buildResqCpuPipeline(pm, options);
      });
}
