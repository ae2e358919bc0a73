//===- CimBuilders.h - readout chains both crossbar lowerings build -------===//

#ifndef RESQ_PASSES_CIM_CIMBUILDERS_H
#define RESQ_PASSES_CIM_CIMBUILDERS_H

#include "dialects/cim/CimAttributes.h"
#include "passes/lower/QLinearLowering.h"
#include "resq/cimsim/Layer.h"

#include "mlir/IR/Builders.h"

#include <string>

namespace resq {

/// How one layer runs on crossbars: its name (the simulator counts its
/// events under it), its crossbars, and how its partial sums are read out
/// (exact, an ADC with its range, or sense amplifiers with their scales).
struct LayerPlan {
  std::string name;
  cim::CrossbarAttr crossbar;
  cimsim::ReadoutConfig readout;
  int64_t columnsPerAdc = 8;
};

/// The crossbar products of the one piece of an eligible qlinear, as
/// lowerQLinear's product step: f32 [1, tokens, out], exact integers when
/// the readout is ideal.
mlir::Value crossbarProduct(mlir::OpBuilder &b, mlir::Location loc,
                            const QLinearPiece &piece, const LayerPlan &plan);

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
