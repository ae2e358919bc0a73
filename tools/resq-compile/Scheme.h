//===- Scheme.h - resq-compile --scheme and --calibrate ------------*- C++
//-*-===//
//
// The quantization flow resq-compile runs before lowering:
//   fp32    as imported (or prepared, with --prepare / --calibrate);
//   rtn     prepare, quantize (no split);
//   quarot  prepare, Hadamard rotations, quantize (no split);
//   resq    prepare, calibrate, PCA rotations, quantize with the 8-bit
//           subspace.
// With --weights gptq the rotated model is calibrated again for GPTQ's
// Hessians.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_TOOLS_RESQCOMPILE_SCHEME_H
#define RESQ_TOOLS_RESQCOMPILE_SCHEME_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <optional>
#include <string>

struct CalibrationFlags {
  /// Token ids (.npy/.pb) or text (with `tokenizer`); empty: none.
  std::string data;
  std::string tokenizer;
  /// Stop after this many tokens (0: all the data).
  int64_t tokens = 0;
  /// Window length; must be the compiled sequence length (0: that length).
  int64_t sequence = 0;
  std::optional<int64_t> bosId;
  /// Reuse statistics from, and store them in, this folder (empty: off).
  std::string cacheDir;
};

struct SchemeFlags {
  std::string scheme = "fp32";
  bool prepare = false;
  CalibrationFlags calibration;
  /// Where statistics archives go.
  std::string outputDir;
  int64_t wBits = 4, aBits = 4, kvBits = 4, highBits = 8;
  std::string weights = "rtn";
  bool actOrder = false;
  /// fake or int (resq.qlinear).
  std::string quantMode = "fake";
  int64_t groupSize = 0;
  int64_t seed = 0;
  bool verbose = false;
};

/// Whether the flags ask for anything before lowering.
bool schemeNeedsWork(const SchemeFlags &flags);

/// Runs the flow on `module`, whose archive is `archivePath`.
mlir::LogicalResult applyScheme(mlir::ModuleOp module,
                                const std::string &archivePath,
                                const SchemeFlags &flags);

#endif // RESQ_TOOLS_RESQCOMPILE_SCHEME_H
