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

bool resq::driver::wantsLowRank(const QuantizePipelineOptions &options) {
  return options.kRank != 0 || options.vRank != 0 || options.kvThreshold != 0 ||
         options.kvBitsPerToken != 0;
}

std::string
resq::driver::checkQuantizePipeline(const QuantizePipelineOptions &options) {
  if (!wantsLowRank(options))
    return "";
  if ((options.kRank != 0 || options.vRank != 0) + (options.kvThreshold != 0) +
          (options.kvBitsPerToken != 0) >
      1)
    return "low-rank attention takes ranks, a threshold or a KV budget, one "
           "of them";
  switch (options.scheme) {
  case QuantScheme::Fp32:
    break;
  case QuantScheme::Rtn:
  case QuantScheme::Quarot:
    return std::string("low-rank attention projects onto PCA bases of the "
                       "calibration data; scheme ") +
           (options.scheme == QuantScheme::Rtn ? "rtn" : "quarot") +
           " has none (use fp32 or resq)";
  case QuantScheme::Resq:
    // --resq-rotate truncates ResQ's own bases: one basis decides what is
    // dropped, kept at low and kept at high precision.
    break;
  }
  return "";
}

resq::ResqRotateOptions
resq::driver::rotationOf(const QuantizePipelineOptions &options) {
  ResqRotateOptions rotate;
  rotate.seed = options.seed;
  if (options.scheme == QuantScheme::Resq) {
    rotate.scheme = RotationScheme::Resq;
    rotate.stats = options.stats;
    rotate.kRank = options.kRank;
    rotate.vRank = options.vRank;
    rotate.kvThreshold = options.kvThreshold;
    rotate.kvBitsPerToken = options.kvBitsPerToken;
    rotate.kvBits = options.kvBits;
    rotate.kvHighBits = options.highBits;
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
  // Eigen Attention's bases on their own; scheme=resq truncates its own.
  if (wantsLowRank(options) && scheme == QuantScheme::Fp32) {
    ResqLowRankAttentionOptions lowRank;
    lowRank.kRank = options.kRank;
    lowRank.vRank = options.vRank;
    lowRank.threshold = options.kvThreshold;
    lowRank.kvBitsPerToken = options.kvBitsPerToken;
    lowRank.stats = options.stats;
    pm.addPass(createResqLowRankAttention(lowRank));
  }
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
  // Registered by hand (not PassPipelineRegistration) so that options the
  // pipeline cannot build are an error of the pipeline text.
  registerPassPipeline(
      "resq-quantize-pipeline",
      "Quantize a prepared model with a scheme (fp32, rtn, quarot, resq), "
      "optionally with low-rank attention, and prune its archive",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        QuantizePipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        if (std::string problem = checkQuantizePipeline(options);
            !problem.empty())
          return errorHandler("--resq-quantize-pipeline: " + problem);
        buildQuantizePipeline(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optionHandler) {
        optionHandler(QuantizePipelineOptions());
      });
}
