//===- Calibration.cpp - resq-compile --calibrate -------------------------===//

#include "Calibration.h"

#include "dialects/resq/ResqAttributes.h"
#include "dialects/resq/ResqDialect.h"
#include "resq/driver/Compile.h"
#include "resq/run/Calibrate.h"
#include "resq/run/Progress.h"
#include "resq/run/Tokenizer.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

LogicalResult prepareAndCalibrate(ModuleOp module,
                                  const std::string &archivePath,
                                  const CalibrationFlags &flags) {
  if (failed(resq::driver::prepareTransformer(module, archivePath)))
    return failure();
  if (flags.data.empty())
    return success();
  Location loc = module.getLoc();

  // The instrumented copy names the archive by its full path: the JIT binds
  // it from there.
  OwningOpRef<ModuleOp> instrumented = module.clone();
  llvm::SmallString<256> absolute(archivePath);
  llvm::sys::fs::make_absolute(absolute);
  (*instrumented)
      ->setAttr(resq::ResqDialect::getParamsAttrName(),
                resq::ParamArchiveAttr::get(module.getContext(), absolute));
  PassManager pm(module.getContext());
  if (failed(parsePassPipeline("resq-insert-observers", pm)) ||
      failed(pm.run(*instrumented)))
    return failure();

  std::string error;
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
  if (!resq::run::writeStatistics(result, flags.statsPath, error))
    return emitError(loc) << error;
  llvm::errs() << llvm::format(
      "resq-compile: calibrated on %lld tokens (%lld windows of %lld) in "
      "%.1f s: %s\n",
      (long long)result.tokens, (long long)result.windows, (long long)window,
      result.seconds, flags.statsPath.c_str());
  return success();
}
