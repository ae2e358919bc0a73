//===- QuantizeFlow.cpp - the quantization stages of resq-compile ---------===//

#include "QuantizeFlow.h"
#include "CalibrationCache.h"

#include "dialects/resq/ResqOps.h"
#include "passes/common/CalibrationStats.h"
#include "passes/common/TransformerStructure.h"
#include "resq/driver/StageTimer.h"
#include "resq/params/Archive.h"
#include "resq/run/Calibrate.h"
#include "resq/run/Progress.h"
#include "resq/run/Tokenizer.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace resq::driver;

namespace {

/// The --scheme spelling, for file names.
std::string schemeName(QuantScheme scheme) {
  switch (scheme) {
  case QuantScheme::Fp32:
    return "fp32";
  case QuantScheme::Rtn:
    return "rtn";
  case QuantScheme::Quarot:
    return "quarot";
  case QuantScheme::Resq:
    return "resq";
  }
  llvm_unreachable("unknown scheme");
}

std::string absolutePath(const std::string &path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  return absolute.str().str();
}

/// Calibrates an instrumented copy of `module` and writes `statsPath`.
LogicalResult calibrate(ModuleOp module, const StageRunner &stages,
                        const CalibrationOptions &flags,
                        const std::string &statsPath) {
  const std::string &archivePath = stages.archive();
  Location loc = module.getLoc();
  if (flags.data.empty())
    return emitError(loc) << "this scheme needs calibration data: "
                             "--calibrate FILE";
  if (!module.walk([](resq::AttentionOp) { return WalkResult::interrupt(); })
           .wasInterrupted())
    return emitError(loc)
           << "no transformer found: --calibrate collects token statistics "
              "of attention layers (a network without attention calibrates "
              "crossbar readouts with --target cim --cim-calibrate)";
  OwningOpRef<ModuleOp> instrumented =
      stages.instrumentedCopy(module, "calibrate into " + statsPath);
  if (!instrumented)
    return failure();

  std::string error;
  // The statistics are bound to the weights they describe; the passes that
  // read them check it (CalibrationStats::openOrReport).
  std::optional<std::string> fingerprint;
  stages.withArchive(module, [&] {
    fingerprint = resq::CalibrationStats::modelFingerprint(module, error);
  });
  if (!fingerprint)
    return emitError(loc) << "cannot read the model's weights: " << error;
  std::string cached;
  if (!flags.cacheDir.empty()) {
    cached = calibrationCachePath(*instrumented, archivePath, flags, error);
    if (cached.empty())
      return emitError(loc) << "--calibration-cache: " << error;
    if (llvm::sys::fs::exists(cached)) {
      // A corrupt entry (a crash while it was written by another tool, a
      // disk error) is reported and replaced by a new calibration.
      if (!resq::run::validateStatistics(cached, *fingerprint, error)) {
        llvm::errs() << "resq-compile: warning: --calibration-cache: " << error
                     << "; calibrating again\n";
      } else {
        if (!copyFileAtomically(cached, statsPath, error))
          return emitError(loc) << "--calibration-cache: " << error;
        llvm::errs() << "resq-compile: reused the calibration statistics "
                     << cached << " as " << llvm::sys::path::filename(statsPath)
                     << "\n";
        return success();
      }
    }
  }
  std::unique_ptr<resq::run::LoadedModel> model =
      resq::run::LoadedModel::fromModule(*instrumented, archivePath, error);
  if (!model)
    return emitError(loc) << "cannot JIT-compile the instrumented model: "
                          << error;
  int64_t window = model->inputs().front().shape.back();
  if (flags.sequence && flags.sequence != window)
    return emitError(loc)
           << "--calib-seq " << flags.sequence
           << ": calibration windows have the compiled sequence length, "
           << window << " (set it with --input-shape)";

  std::unique_ptr<resq::run::Tokenizer> tokenizer;
  if (!flags.tokenizer.empty() &&
      !(tokenizer = resq::run::Tokenizer::load(flags.tokenizer, error)))
    return emitError(loc) << error;
  resq::tensorio::Tensor ids;
  if (!resq::run::readTokenFile(flags.data, tokenizer.get(), ids, error))
    return emitError(loc) << "--calibrate: " << error;

  resq::run::CalibrationOptions options;
  options.maxTokens = flags.tokens;
  options.bosId = flags.bosId;
  resq::run::ProgressBar bar("calibration windows");
  options.progress = [&](int64_t done, int64_t total, double rate) {
    bar.update(done, total, rate);
  };
  resq::run::CalibrationResult result;
  result.model = *fingerprint;
  if (!resq::run::calibrate(*model, ids, options, result, error))
    return emitError(loc) << "calibration failed: " << error;
  bar.finish();
  if (!resq::run::writeStatistics(result, statsPath, error))
    return emitError(loc) << error;
  llvm::errs() << llvm::format(
      "resq-compile: calibrated on %lld tokens (%lld windows of %lld) in "
      "%.1f s: %s\n",
      (long long)result.tokens, (long long)result.windows, (long long)window,
      result.seconds, llvm::sys::path::filename(statsPath).str().c_str());
  if (!cached.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(flags.cacheDir))
      return emitError(loc) << "--calibration-cache: cannot create "
                            << flags.cacheDir << ": " << ec.message();
    if (!copyFileAtomically(statsPath, cached, error))
      return emitError(loc) << "--calibration-cache: " << error;
  }
  return success();
}

} // namespace

/// Whether the options ask for anything before lowering.
static bool needsQuantizationStages(const CompileOptions &options) {
  return options.quantize.scheme != QuantScheme::Fp32 || options.prepare ||
         !options.calibration.data.empty() || wantsLowRank(options.quantize);
}

LogicalResult resq::driver::applyQuantization(ModuleOp module,
                                              const StageRunner &stages,
                                              const CompileOptions &options,
                                              const OutputFolder &folder) {
  if (!needsQuantizationStages(options))
    return success();
  // The statistics files are filled in here, on a copy.
  QuantizePipelineOptions quantize;
  quantize.copyOptionValuesFrom(options.quantize);
  QuantScheme scheme = quantize.scheme;
  bool verbose = options.verbose;
  {
    StageTimer stage(verbose, "prepare (raise, untie, fold norms)");
    if (failed(stages.run(module, "prepare", "resq-prepare",
                          buildPreparePipeline)))
      return failure();
    // A network without attention (an MLP) is prepared once its linears
    // are raised; a transformer must be complete.
    bool attention =
        module.walk([](resq::AttentionOp) { return WalkResult::interrupt(); })
            .wasInterrupted();
    if (attention && failed(resq::findCompleteTransformers(module)))
      return failure();
  }
  std::string stats = absolutePath(folder.staged("calibration.safetensors"));
  bool calibrated = false;
  // QuaRot's rotations need no statistics; GPTQ calibrates the rotated model.
  if (scheme == QuantScheme::Resq ||
      (scheme != QuantScheme::Quarot && !options.calibration.data.empty())) {
    StageTimer stage(verbose, "calibrate");
    if (failed(calibrate(module, stages, options.calibration, stats)))
      return failure();
    calibrated = true;
  }
  // ResQ's rotations and low-rank attention take their bases from it.
  if (scheme == QuantScheme::Resq || wantsLowRank(quantize))
    quantize.stats = stats;
  // fp32 quantizes nothing: its pipeline only prunes the archive.
  if (scheme != QuantScheme::Fp32 &&
      quantize.weights == WeightQuantizer::Gptq) {
    // GPTQ's Hessians describe the inputs as they are when it quantizes:
    // after a rotation, rotate first and calibrate the rotated model.
    std::string hessians = stats;
    if (scheme == QuantScheme::Quarot || scheme == QuantScheme::Resq) {
      StageTimer stage(verbose, "rotate");
      ResqRotateOptions rotate = rotationOf(quantize);
      if (failed(stages.run(module, "rotate",
                            passText(createResqRotate(rotate)),
                            [&](OpPassManager &pm) {
                              pm.addPass(createResqRotate(rotate));
                            })))
        return failure();
      quantize.rotated = true;
    }
    if (quantize.rotated || !calibrated) {
      StageTimer stage(verbose, "calibrate for GPTQ");
      if (quantize.rotated)
        hessians = absolutePath(folder.staged(
            "calibration-" + schemeName(scheme) + ".safetensors"));
      if (failed(calibrate(module, stages, options.calibration, hessians)))
        return failure();
    }
    quantize.gptqStats = hessians;
  }
  StageTimer stage(verbose, "quantize");
  return stages.run(
      module, "quantize", pipelineText("resq-quantize-pipeline", quantize),
      [&](OpPassManager &pm) { buildQuantizePipeline(pm, quantize); });
}
