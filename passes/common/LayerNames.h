//===- LayerNames.h - the name a linear layer goes by ----------*- C++ -*-===//
//
// Calibration outputs, crossbar layers and the simulator's per-layer report
// name a linear layer after its weight parameter, so that the names match
// from one stage to the next and a user can find the layer in the model.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_COMMON_LAYERNAMES_H
#define RESQ_PASSES_COMMON_LAYERNAMES_H

#include "dialects/resq/ResqOps.h"

#include <string>

namespace resq {

/// The name of the weight parameter of a resq.qlinear (its first weight
/// range's, without the `.int<bits>` suffix --resq-quantize adds) or of a
/// resq.linear (directly or through a transpose); empty when the weight is
/// not a parameter.
std::string layerName(mlir::Operation *linear);

} // namespace resq

#endif // RESQ_PASSES_COMMON_LAYERNAMES_H
