//===- Pipelines.cpp - resq's named pass pipelines ------------------------===//

#include "resq/driver/Pipelines.h"

#include "passes/calibrate/Passes.h"
#include "passes/params/Passes.h"
#include "passes/prepare/Passes.h"
#include "passes/raise/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

llvm::cl::ValuesClass resq::driver::quantSchemeValues() {
  return llvm::cl::values(
      clEnumValN(QuantScheme::Fp32, "fp32", "float weights and activations"),
      clEnumValN(QuantScheme::Rtn, "rtn", "quantization without rotations"),
      clEnumValN(QuantScheme::Quarot, "quarot",
                 "randomized Hadamard rotations, then quantization"),
      clEnumValN(QuantScheme::Resq, "resq",
                 "PCA rotations from calibration, the high-variance "
                 "subspace in high-bits"));
}

resq::ResqRotateOptions
resq::driver::rotationOf(const QuantizePipelineOptions &options) {
  ResqRotateOptions rotate;
  rotate.seed = options.seed;
  if (options.scheme == QuantScheme::Resq) {
    rotate.scheme = RotationScheme::Resq;
    rotate.stats = options.stats;
  }
  return rotate;
}

void resq::driver::buildPreparePipeline(OpPassManager &pm) {
  pm.addPass(createResqUntieEmbeddings());
  pm.addPass(createResqRaiseTransformer());
  pm.addPass(createResqFoldNorms());
}

void resq::driver::buildCalibrateInstrumentPipeline(OpPassManager &pm) {
  pm.addPass(createResqInsertObservers());
}

void resq::driver::buildQuantizePipeline(
    OpPassManager &pm, const QuantizePipelineOptions &options) {
  QuantScheme scheme = options.scheme;
  if ((scheme == QuantScheme::Quarot || scheme == QuantScheme::Resq) &&
      !options.rotated)
    pm.addPass(createResqRotate(rotationOf(options)));
  if (scheme != QuantScheme::Fp32) {
    ResqQuantizeOptions quantize;
    quantize.wBits = options.wBits;
    quantize.aBits = options.aBits;
    quantize.kvBits = options.kvBits;
    // Only ResQ splits each space; RTN and QuaRot quantize it uniformly.
    quantize.highBits = scheme == QuantScheme::Resq ? options.highBits : 0;
    quantize.groupSize = options.groupSize;
    quantize.weights = options.weights;
    quantize.actOrder = options.actOrder;
    quantize.mode = options.mode;
    quantize.stats = options.gptqStats;
    pm.addPass(createResqQuantize(quantize));
  }
  // The rewrites leave the weights they replaced in the archive.
  pm.addPass(createResqPruneParams());
}

void resq::driver::registerResqPipelines() {
  PassPipelineRegistration<>(
      "resq-prepare",
      "Prepare a model for quantization: untie its embeddings, raise it to "
      "resq ops, fold its norms",
      buildPreparePipeline);
  PassPipelineRegistration<>(
      "resq-calibrate-instrument",
      "Add the observers whose outputs calibration reads "
      "(--resq-insert-observers)",
      buildCalibrateInstrumentPipeline);
  PassPipelineRegistration<QuantizePipelineOptions>(
      "resq-quantize-pipeline",
      "Quantize a prepared model with a scheme (fp32, rtn, quarot, resq) "
      "and prune its archive",
      buildQuantizePipeline);
}
