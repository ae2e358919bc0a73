//===- Passes.h - resq simplification passes --------------------*- C++ -*-===//

#ifndef RESQ_PASSES_SIMPLIFY_PASSES_H
#define RESQ_PASSES_SIMPLIFY_PASSES_H

#include "mlir/Pass/Pass.h"

namespace resq {

#define GEN_PASS_DECL
#include "passes/simplify/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/simplify/Passes.h.inc"

} // namespace resq

#endif // RESQ_PASSES_SIMPLIFY_PASSES_H
