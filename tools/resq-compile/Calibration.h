//===- Calibration.h - resq-compile --calibrate --------------------*- C++
//-*-===//
//
// With --calibrate, resq-compile prepares the model (raise, untie, fold
// norms), instruments a copy with --resq-insert-observers, JIT-compiles it,
// runs it on the calibration tokens and writes the statistics archive.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_TOOLS_RESQCOMPILE_CALIBRATION_H
#define RESQ_TOOLS_RESQCOMPILE_CALIBRATION_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <optional>
#include <string>

struct CalibrationFlags {
  /// Token ids (.npy/.pb) or text (with `tokenizer`); empty: no calibration.
  std::string data;
  std::string tokenizer;
  /// Stop after this many tokens (0: all the data).
  int64_t tokens = 0;
  /// Window length; must be the compiled sequence length (0: that length).
  int64_t sequence = 0;
  std::optional<int64_t> bosId;
  /// Where the statistics go.
  std::string statsPath;
};

/// Prepares `module` and, when `flags.data` is set, calibrates it.
mlir::LogicalResult prepareAndCalibrate(mlir::ModuleOp module,
                                        const std::string &archivePath,
                                        const CalibrationFlags &flags);

#endif // RESQ_TOOLS_RESQCOMPILE_CALIBRATION_H
