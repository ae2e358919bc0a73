//===- QuantizeFlow.h - the quantization stages of resq-compile -*- C++ -*-===//
//
// Before lowering, resq-compile runs:
//   prepare     --resq-prepare (any scheme but fp32, --prepare, --calibrate);
//   calibrate   the prepared model instrumented (--resq-calibrate-instrument),
//               JIT-compiled and run on the calibration tokens, into
//               <out>/calibration.safetensors (scheme resq, or data given
//               with rtn or fp32);
//   quantize    --resq-quantize-pipeline with the statistics as file
//               options; with weights=gptq after a rotation, the rotated
//               model is calibrated first (<out>/calibration-<scheme>...).
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_LIB_DRIVER_QUANTIZEFLOW_H
#define RESQ_LIB_DRIVER_QUANTIZEFLOW_H

#include "OutputFolder.h"
#include "resq/driver/Compile.h"
#include "resq/driver/Stage.h"

namespace resq::driver {

/// Runs the quantization stages `options` ask for on `module`.
mlir::LogicalResult applyQuantization(mlir::ModuleOp module,
                                      const StageRunner &stages,
                                      const CompileOptions &options,
                                      const OutputFolder &folder);

} // namespace resq::driver

#endif // RESQ_LIB_DRIVER_QUANTIZEFLOW_H
