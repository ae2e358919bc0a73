//===- Passes.h - raising graph-level IR to resq ops -----------*- C++ -*-===//

#ifndef RESQ_PASSES_RAISE_PASSES_H
#define RESQ_PASSES_RAISE_PASSES_H

#include "dialects/resq/ResqDialect.h"

#include "mlir/Pass/Pass.h"

namespace resq {

#define GEN_PASS_DECL
#include "passes/raise/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/raise/Passes.h.inc"

} // namespace resq

#endif // RESQ_PASSES_RAISE_PASSES_H
