//===- CalibrationStats.h - reading resq-compile --calibrate's output -----===//
//
// The statistics archive holds, per site "layers.L.SITE", the float64 sums
// of X^T X per group ([groups, width, width]) and the token count N in its
// metadata (resq/run/Calibrate.h writes it), and the fingerprint of the
// model's weights it was collected on (`model`, ModuleParams::fingerprint).
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_COMMON_CALIBRATIONSTATS_H
#define RESQ_PASSES_COMMON_CALIBRATIONSTATS_H

#include "resq/params/Archive.h"

#include "mlir/IR/BuiltinOps.h"

#include <Eigen/Core>

#include <memory>
#include <optional>
#include <string>

namespace resq {

class CalibrationStats {
public:
  /// Opens `path`; false with `error` set if it is not a statistics archive.
  bool open(const std::string &path, std::string &error);
  /// As open(), but reports on `module` "NEED (stats=FILE): why" when
  /// `path` is empty or unreadable, and an error when the statistics were
  /// collected on another model (or on this one at another stage).
  bool openOrReport(mlir::ModuleOp module, const std::string &path,
                    llvm::StringRef need);
  /// The mean of X^T X over the N tokens for group `g` of `site`, or
  /// nullopt with `error` naming what is missing.
  std::optional<Eigen::MatrixXd> mean(const std::string &site, int64_t g,
                                      std::string &error) const;

  /// The fingerprint calibration records: ModuleParams::fingerprint of the
  /// module's archive, "none" for a module without one. Nullopt with
  /// `error` set when the archive cannot be read.
  static std::optional<std::string> modelFingerprint(mlir::ModuleOp module,
                                                     std::string &error);

private:
  std::shared_ptr<params::Archive> archive;
  int64_t tokens = 0;
  std::string model;
};

} // namespace resq

#endif // RESQ_PASSES_COMMON_CALIBRATIONSTATS_H
