//===- Passes.h - rotations of a prepared transformer ----------*- C++ -*-===//

#ifndef RESQ_PASSES_ROTATE_PASSES_H
#define RESQ_PASSES_ROTATE_PASSES_H

#include "dialects/resq/ResqDialect.h"
#include "passes/rotate/RotateOptions.h"

#include "mlir/Pass/Pass.h"

namespace resq {

#define GEN_PASS_DECL
#include "passes/rotate/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/rotate/Passes.h.inc"

} // namespace resq

#endif // RESQ_PASSES_ROTATE_PASSES_H
