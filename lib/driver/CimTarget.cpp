//===- CimTarget.cpp - resq-compile --target cim --------------------------===//

#include "CimTarget.h"

#include "passes/calibrate/Passes.h"
#include "resq/driver/StageTimer.h"
#include "resq/params/Archive.h"
#include "resq/run/LoadedModel.h"
#include "resq/tensorio/TensorFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <map>

using namespace mlir;
using namespace resq::driver;

namespace {

/// Runs the instrumented model on the first `flags.calibrationRows` rows of
/// the calibration inputs, batch by batch (the compiled batch size; a
/// partial last batch is padded with zeros and its padding dropped), and
/// writes every observed layer input as f32 [rows, in] to `path`.
LogicalResult recordLayerInputs(ModuleOp module, const StageRunner &stages,
                                const CimOptions &flags,
                                const std::string &path) {
  Location loc = module.getLoc();
  const std::string &archivePath = stages.archive();
  OwningOpRef<ModuleOp> instrumented = stages.instrumentedCopy(
      module, "record the layers' calibration inputs into " + path);
  if (!instrumented)
    return failure();
  std::string error;
  std::unique_ptr<resq::run::LoadedModel> model =
      resq::run::LoadedModel::fromModule(*instrumented, archivePath, error);
  if (!model)
    return emitError(loc) << "cannot JIT-compile the instrumented model: "
                          << error;
  if (model->inputs().size() != 1)
    return emitError(loc) << "--cim-calibrate needs a model with one input, "
                             "not "
                          << model->inputs().size();
  const resq::run::TensorSpec &input = model->inputs().front();
  resq::tensorio::Tensor data;
  if (!resq::tensorio::readTensorFile(flags.calibrationData, data, error))
    return emitError(loc) << "--cim-calibrate: " << error;
  int64_t batch = input.shape.front();
  int64_t rowBytes = int64_t(input.byteSize) / batch;
  if (data.dtype != input.dtype || data.shape.empty() ||
      int64_t(data.bytes.size()) != data.shape.front() * rowBytes)
    return emitError(loc) << "--cim-calibrate: '" << flags.calibrationData
                          << "' does not hold rows of the model input '"
                          << input.name << "' (one row: " << rowBytes
                          << " bytes of its element type)";
  int64_t rows = std::min<int64_t>(data.shape.front(), flags.calibrationRows);

  // Observed outputs, by layer name: [tokens, 1, in] per batch.
  std::map<std::string, std::vector<float>> observed;
  std::map<std::string, int64_t> widths;
  const auto &outputs = model->outputs();
  std::vector<std::vector<uint8_t>> buffers(outputs.size());
  std::vector<void *> pointers;
  for (size_t i = 0; i < outputs.size(); ++i) {
    buffers[i].resize(outputs[i].byteSize);
    pointers.push_back(buffers[i].data());
  }
  std::vector<uint8_t> chunk(input.byteSize);
  for (int64_t start = 0; start < rows; start += batch) {
    int64_t count = std::min(batch, rows - start);
    std::fill(chunk.begin(), chunk.end(), 0);
    std::memcpy(chunk.data(), data.bytes.data() + start * rowBytes,
                count * rowBytes);
    if (!model->runRaw({chunk.data()}, pointers, error))
      return emitError(loc) << "calibration run failed: " << error;
    for (size_t i = 0; i < outputs.size(); ++i) {
      llvm::StringRef name = outputs[i].name;
      if (!name.consume_front(resq::kObservePrefix))
        continue;
      int64_t width = outputs[i].shape.back();
      int64_t tokensPerRow = int64_t(outputs[i].byteSize) / 4 / width / batch;
      const float *values = reinterpret_cast<const float *>(buffers[i].data());
      std::vector<float> &all = observed[name.str()];
      all.insert(all.end(), values, values + count * tokensPerRow * width);
      widths[name.str()] = width;
    }
  }
  resq::params::ArchiveWriter writer;
  for (auto &[name, values] : observed) {
    int64_t width = widths[name];
    int64_t tokens = int64_t(values.size()) / width;
    std::vector<uint8_t> bytes(values.size() * 4);
    std::memcpy(bytes.data(), values.data(), bytes.size());
    if (!writer.addOwned(name, resq::params::DType::F32, {tokens, width},
                         std::move(bytes), error))
      return emitError(loc) << error;
  }
  writer.setMetadata("rows", std::to_string(rows));
  writer.setMetadata("source", flags.calibrationData);
  if (!writer.write(path, error))
    return emitError(loc) << error;
  llvm::errs() << "resq-compile: recorded the inputs of " << observed.size()
               << " layers on " << rows
               << " calibration rows: " << llvm::sys::path::filename(path)
               << "\n";
  return success();
}

} // namespace

LogicalResult resq::driver::applyCimTarget(ModuleOp module,
                                           const StageRunner &stages,
                                           const CompileOptions &options,
                                           const OutputFolder &folder) {
  const CimOptions &cim = options.cim;
  // The calibration file is filled in here, on a copy.
  ResqLowerToCimOptions pass = cim.pass;
  if (!cim.calibrationData.empty()) {
    StageTimer stage(options.verbose, "record the layers' calibration inputs");
    llvm::SmallString<256> path(folder.staged("cim-calibration.safetensors"));
    llvm::sys::fs::make_absolute(path);
    if (failed(recordLayerInputs(module, stages, cim, path.str().str())))
      return failure();
    pass.calibration = path.str().str();
  }
  StageTimer stage(options.verbose, "map the linear layers onto crossbars");
  return stages.run(
      module, "map the linear layers onto crossbars",
      passText(createResqLowerToCim(pass)),
      [&](OpPassManager &pm) { pm.addPass(createResqLowerToCim(pass)); });
}
