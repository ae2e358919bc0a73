//===- CalibrationCache.h - reuse of calibration statistics -----*- C++ -*-===//
//
// Calibration runs the whole model over every calibration token, and a
// sweep over schemes and bit widths calibrates the same prepared (or the
// same rotated) model again and again. `--calibration-cache DIR` keys each
// statistics file by a hash of everything the statistics depend on: the
// instrumented module's IR, the bytes of its weight archive, the token data
// (and tokenizer) and the calibration options. A hit copies the stored file;
// anything that changes the model or the data changes the key.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_LIB_DRIVER_CALIBRATIONCACHE_H
#define RESQ_LIB_DRIVER_CALIBRATIONCACHE_H

#include "resq/driver/Compile.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

/// The cache file for calibrating `module` (whose weights are in
/// `archivePath`) with `flags`, under `flags.cacheDir`; empty with `error`
/// set when an input cannot be read.
std::string calibrationCachePath(mlir::ModuleOp module,
                                 const std::string &archivePath,
                                 const resq::driver::CalibrationOptions &flags,
                                 std::string &error);

/// Copies `from` to `to` through a temporary file beside `to`, so that a
/// reader never sees half a file.
bool copyFileAtomically(const std::string &from, const std::string &to,
                        std::string &error);

#endif // RESQ_LIB_DRIVER_CALIBRATIONCACHE_H
