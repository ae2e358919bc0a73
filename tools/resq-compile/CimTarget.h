//===- CimTarget.h - resq-compile --target cim ---------------------*- C++
//-*-===//
//
// After the quantization flow, --target cim maps the integer linear layers
// onto crossbars (--resq-lower-to-cim). With --cim-calibrate, the layers'
// float inputs on calibration data are recorded first (the model
// instrumented by --resq-insert-observers, JIT-compiled and run on the
// data) into <out>/cim-calibration.safetensors, from which the pass fits
// ADC ranges and sense-amplifier scales.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_TOOLS_RESQCOMPILE_CIMTARGET_H
#define RESQ_TOOLS_RESQCOMPILE_CIMTARGET_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>

struct CimFlags {
  /// Options of --resq-lower-to-cim, e.g. "backend=adc adc-bits=4".
  std::string options;
  /// Network inputs (.npy/.pb, [N, features...]) to calibrate on; empty:
  /// none.
  std::string calibrationData;
  /// Calibration rows used (the first ones of the file).
  int64_t calibrationRows = 256;
  std::string outputDir;
  bool verbose = false;
};

/// Lowers the quantized linears of `module` (archive `archivePath`) to cim
/// ops.
mlir::LogicalResult applyCimTarget(mlir::ModuleOp module,
                                   const std::string &archivePath,
                                   const CimFlags &flags);

#endif // RESQ_TOOLS_RESQCOMPILE_CIMTARGET_H
