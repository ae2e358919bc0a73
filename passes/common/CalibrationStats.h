//===- CalibrationStats.h - reading resq-compile --calibrate's output -----===//
//
// The statistics archive holds, per site "layers.L.SITE", the float64 sums
// of X^T X per group ([groups, width, width]) and the token count N in its
// metadata (resq/run/Calibrate.h writes it).
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
  /// `path` is empty or unreadable.
  bool openOrReport(mlir::ModuleOp module, const std::string &path,
                    llvm::StringRef need);
  /// The mean of X^T X over the N tokens for group `g` of `site`, or
  /// nullopt with `error` naming what is missing.
  std::optional<Eigen::MatrixXd> mean(const std::string &site, int64_t g,
                                      std::string &error) const;

private:
  std::shared_ptr<params::Archive> archive;
  int64_t tokens = 0;
};

} // namespace resq

#endif // RESQ_PASSES_COMMON_CALIBRATIONSTATS_H
