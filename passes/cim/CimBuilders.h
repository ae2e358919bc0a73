//===- CimBuilders.h - readout chains both crossbar lowerings build -*- C++
//-*-===//

#ifndef RESQ_PASSES_CIM_CIMBUILDERS_H
#define RESQ_PASSES_CIM_CIMBUILDERS_H

#include "resq/cimsim/Layer.h"

#include "mlir/IR/Builders.h"

namespace resq {

/// The ADC-less readout of partial sums `sums` [M, B, T, S, N] (f32):
/// cim.sense_amp with `readout`'s decision, threshold and dead zone, then
/// cim.scale_accumulate with its scales, plus its per-column offsets when
/// it has any (a digital add per column). Returns [M, N] f32; every cim op
/// is named `layer`.
mlir::Value senseAndScale(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value sums,
                          const cimsim::ReadoutConfig &readout,
                          int64_t cellBits, mlir::StringAttr layer);

} // namespace resq

#endif // RESQ_PASSES_CIM_CIMBUILDERS_H
