//===- CimTarget.h - resq-compile --target cim ------------------*- C++ -*-===//
//
// After the quantization stages, --target cim maps the integer linear layers
// onto crossbars (--resq-lower-to-cim). With --cim-calibrate, the layers'
// float inputs on calibration data are recorded first (the model
// instrumented by --resq-calibrate-instrument, JIT-compiled and run on the
// data) into <out>/cim-calibration.safetensors, which the pass reads
// (calibration=FILE) to fit ADC ranges and sense-amplifier scales.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_LIB_DRIVER_CIMTARGET_H
#define RESQ_LIB_DRIVER_CIMTARGET_H

#include "OutputFolder.h"
#include "resq/driver/Compile.h"
#include "resq/driver/Stage.h"

namespace resq::driver {

/// Lowers the quantized linears of `module` to cim ops.
mlir::LogicalResult applyCimTarget(mlir::ModuleOp module,
                                   const StageRunner &stages,
                                   const CompileOptions &options,
                                   const OutputFolder &folder);

} // namespace resq::driver

#endif // RESQ_LIB_DRIVER_CIMTARGET_H
