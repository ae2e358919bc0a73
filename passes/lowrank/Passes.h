//===- Passes.h - low-rank attention (Eigen Attention) ---------*- C++ -*-===//

#ifndef RESQ_PASSES_LOWRANK_PASSES_H
#define RESQ_PASSES_LOWRANK_PASSES_H

#include "dialects/resq/ResqDialect.h"

#include "mlir/Pass/Pass.h"

namespace resq {

#define GEN_PASS_DECL
#include "passes/lowrank/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/lowrank/Passes.h.inc"

} // namespace resq

#endif // RESQ_PASSES_LOWRANK_PASSES_H
