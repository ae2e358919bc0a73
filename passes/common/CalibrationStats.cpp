//===- CalibrationStats.cpp - reading resq-compile --calibrate's output ---===//

#include "passes/common/CalibrationStats.h"
#include "passes/common/ModuleParams.h"

#include "llvm/Support/Path.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace resq {

bool CalibrationStats::open(const std::string &path, std::string &error) {
  archive = params::Archive::open(path, error);
  if (!archive)
    return false;
  auto entry = archive->metadata().find("tokens");
  if (entry == archive->metadata().end() ||
      (tokens = std::atoll(entry->second.c_str())) <= 0) {
    error = "'" + path + "' has no token count: not a statistics archive";
    return false;
  }
  entry = archive->metadata().find("model");
  if (entry == archive->metadata().end()) {
    error = "'" + path +
            "' does not say which model it was collected on (no 'model' "
            "fingerprint): calibrate with resq-compile --calibrate";
    return false;
  }
  model = entry->second;
  return true;
}

std::optional<std::string>
CalibrationStats::modelFingerprint(mlir::ModuleOp module, std::string &error) {
  std::unique_ptr<ModuleParams> params = ModuleParams::open(module, error);
  if (!params)
    return error.empty() ? std::optional<std::string>("none") : std::nullopt;
  return params->fingerprint(module, error);
}

bool CalibrationStats::openOrReport(mlir::ModuleOp module,
                                    const std::string &path,
                                    llvm::StringRef need) {
  std::string error;
  if (path.empty() || !open(path, error)) {
    module.emitError() << need << " (stats=FILE): "
                       << (path.empty() ? "none given" : error);
    return false;
  }
  std::optional<std::string> expected = modelFingerprint(module, error);
  if (!expected) {
    module.emitError() << error;
    return false;
  }
  if (*expected != model) {
    module.emitError()
        << "the statistics '" << llvm::sys::path::filename(path)
        << "' were collected on another model, or on this one at another "
           "stage (weights fingerprint "
        << model << ", this module's " << *expected
        << "): calibrate the module as it is here";
    return false;
  }
  return true;
}

std::optional<Eigen::MatrixXd>
CalibrationStats::mean(const std::string &site, int64_t g,
                       std::string &error) const {
  const params::TensorInfo *info = archive->find(site);
  if (!info || info->dtype != params::DType::F64 || info->shape.size() != 3 ||
      g >= info->shape[0] || info->shape[1] != info->shape[2]) {
    error = "the statistics have no float64 [groups, w, w] '" + site +
            "': are they of this model?";
    return std::nullopt;
  }
  int64_t w = info->shape[1];
  Eigen::MatrixXd m(w, w);
  std::memcpy(m.data(), archive->data(*info) + g * w * w * sizeof(double),
              w * w * sizeof(double));
  // Second moments are finite, symmetric, with a non-negative diagonal;
  // anything else is a corrupt file, which would make every rotation NaN.
  for (int64_t i = 0; i < w; ++i)
    for (int64_t j = 0; j < w; ++j)
      if (!std::isfinite(m(i, j)) || m(i, j) != m(j, i) ||
          (i == j && m(i, i) < 0)) {
        error = "the statistics '" + site + "' (group " + std::to_string(g) +
                ") are not second moments: element (" + std::to_string(i) +
                ", " + std::to_string(j) + ") is " + std::to_string(m(i, j));
        return std::nullopt;
      }
  return m / double(tokens);
}

} // namespace resq
