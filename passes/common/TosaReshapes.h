//===- TosaReshapes.h - reshapes the greedy driver can fold -----*- C++ -*-===//
//
// MLIR 22's tosa.reshape folder, which every greedy rewrite (and the
// canonicalizer) runs, turns a reshape of a constant into a constant typed
// by the shape operand's dims: an inferred dimension (-1) there makes a
// malformed type and a crash. Passes that rewrite greedily give such
// reshapes their static shape first.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_COMMON_TOSARESHAPES_H
#define RESQ_PASSES_COMMON_TOSARESHAPES_H

#include "mlir/IR/Operation.h"

namespace resq {

/// Replaces the shape operand of every `tosa.reshape` under `root` whose
/// result type is static and whose shape infers a dimension (-1) by the
/// result's shape. The reshape means the same.
void resolveInferredReshapeDims(mlir::Operation *root);

} // namespace resq

#endif // RESQ_PASSES_COMMON_TOSARESHAPES_H
