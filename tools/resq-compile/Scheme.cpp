//===- Scheme.cpp - resq-compile --scheme and --calibrate -----------------===//

#include "Scheme.h"
#include "CalibrationCache.h"

#include "dialects/resq/ResqOps.h"
#include "resq/driver/Compile.h"
#include "resq/driver/StageTimer.h"
#include "resq/params/Archive.h"
#include "resq/run/Calibrate.h"
#include "resq/run/Progress.h"
#include "resq/run/Tokenizer.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

using namespace mlir;
using resq::driver::StageTimer;

namespace {

std::string absolutePath(const std::string &path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  return absolute.str().str();
}

/// Calibrates an instrumented copy of `module` and writes `statsPath`.
LogicalResult calibrate(ModuleOp module, const std::string &archivePath,
                        const CalibrationFlags &flags,
                        const std::string &statsPath) {
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
  OwningOpRef<ModuleOp> instrumented = module.clone();
  if (failed(resq::driver::runWithArchive(*instrumented, archivePath,
                                          "resq-insert-observers")))
    return failure();

  std::string error;
  std::string cached;
  if (!flags.cacheDir.empty()) {
    cached = calibrationCachePath(*instrumented, archivePath, flags, error);
    if (cached.empty())
      return emitError(loc) << "--calibration-cache: " << error;
    if (llvm::sys::fs::exists(cached)) {
      if (!copyFileAtomically(cached, statsPath, error))
        return emitError(loc) << "--calibration-cache: " << error;
      llvm::errs() << "resq-compile: reused the calibration statistics "
                   << cached << ": " << statsPath << "\n";
      return success();
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
  if (!resq::run::calibrate(*model, ids, options, result, error))
    return emitError(loc) << "calibration failed: " << error;
  bar.finish();
  if (!resq::run::writeStatistics(result, statsPath, error))
    return emitError(loc) << error;
  llvm::errs() << llvm::format(
      "resq-compile: calibrated on %lld tokens (%lld windows of %lld) in "
      "%.1f s: %s\n",
      (long long)result.tokens, (long long)result.windows, (long long)window,
      result.seconds, statsPath.c_str());
  if (!cached.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(flags.cacheDir))
      return emitError(loc) << "--calibration-cache: cannot create "
                            << flags.cacheDir << ": " << ec.message();
    if (!copyFileAtomically(statsPath, cached, error))
      return emitError(loc) << "--calibration-cache: " << error;
  }
  return success();
}

/// Rewrites the archive with only the tensors `module` still names: the
/// passes add folded, rotated and quantized weights beside the originals.
LogicalResult pruneArchive(ModuleOp module, const std::string &archivePath) {
  // Parameters the rewrites replaced are left as dead resq.param ops.
  std::set<std::string> used;
  module.walk([&](resq::ParamOp param) {
    if (param.getResult().use_empty())
      param.erase();
    else
      used.insert(param.getName().str());
  });
  std::string error;
  std::unique_ptr<resq::params::Archive> archive =
      resq::params::Archive::open(archivePath, error);
  if (!archive)
    return emitError(module.getLoc()) << error;
  resq::params::ArchiveWriter writer;
  for (const resq::params::TensorInfo &info : archive->tensors())
    if (used.count(info.name) &&
        !writer.addBorrowed(info.name, info.dtype, info.shape,
                            archive->data(info), info.byteSize(), error))
      return emitError(module.getLoc()) << error;
  for (const auto &[key, value] : archive->metadata())
    writer.setMetadata(key, value);
  if (!writer.write(archivePath, error))
    return emitError(module.getLoc()) << error;
  return success();
}

} // namespace

bool schemeNeedsWork(const SchemeFlags &flags) {
  return flags.scheme != "fp32" || flags.prepare ||
         !flags.calibration.data.empty();
}

LogicalResult applyScheme(ModuleOp module, const std::string &archivePath,
                          const SchemeFlags &flags) {
  const std::string &scheme = flags.scheme;
  if (scheme != "fp32" && scheme != "rtn" && scheme != "quarot" &&
      scheme != "resq")
    return emitError(module.getLoc())
           << "--scheme " << scheme << " is not fp32, rtn, quarot or resq";
  if (flags.quantMode != "fake" && flags.quantMode != "int")
    return emitError(module.getLoc())
           << "--quant-mode " << flags.quantMode << " is not fake or int";
  {
    StageTimer stage(flags.verbose, "prepare (raise, untie, fold norms)");
    if (failed(resq::driver::prepareTransformer(module, archivePath)))
      return failure();
  }
  std::string stats = flags.outputDir + "/calibration.safetensors";
  bool calibrated = false;
  // QuaRot's rotations need no statistics; GPTQ calibrates the rotated model.
  if (scheme == "resq" ||
      (scheme != "quarot" && !flags.calibration.data.empty())) {
    StageTimer stage(flags.verbose, "calibrate");
    if (failed(calibrate(module, archivePath, flags.calibration, stats)))
      return failure();
    calibrated = true;
  }
  std::string seed = " seed=" + std::to_string(flags.seed);
  if (scheme == "quarot" || scheme == "resq") {
    StageTimer stage(flags.verbose, "rotate");
    std::string options = scheme == "resq"
                              ? "scheme=resq stats=" + absolutePath(stats)
                              : "scheme=hadamard";
    if (failed(resq::driver::runWithArchive(
            module, archivePath, "resq-rotate{" + options + seed + "}")))
      return failure();
  }
  if (scheme == "fp32")
    return pruneArchive(module, archivePath);

  // GPTQ's Hessians describe the inputs as they are now: after a rotation,
  // calibrate the rotated model.
  std::string quantize =
      "resq-quantize{w-bits=" + std::to_string(flags.wBits) +
      " a-bits=" + std::to_string(flags.aBits) +
      " kv-bits=" + std::to_string(flags.kvBits) +
      " high-bits=" + std::to_string(scheme == "resq" ? flags.highBits : 0) +
      " group-size=" + std::to_string(flags.groupSize) +
      " weights=" + flags.weights + " mode=" + flags.quantMode +
      (flags.actOrder ? " act-order=1" : "");
  if (flags.weights == "gptq") {
    std::string hessians = stats;
    if (scheme != "rtn" || !calibrated) {
      hessians = flags.outputDir + "/calibration-" + scheme + ".safetensors";
      StageTimer stage(flags.verbose, "calibrate for GPTQ");
      if (failed(calibrate(module, archivePath, flags.calibration, hessians)))
        return failure();
    }
    quantize += " stats=" + absolutePath(hessians);
  }
  {
    StageTimer stage(flags.verbose, "quantize");
    if (failed(
            resq::driver::runWithArchive(module, archivePath, quantize + "}")))
      return failure();
  }
  return pruneArchive(module, archivePath);
}
