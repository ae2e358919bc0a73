//===- Passes.h - the parameter archive of a module -------------*- C++ -*-===//

#ifndef RESQ_PASSES_PARAMS_PASSES_H
#define RESQ_PASSES_PARAMS_PASSES_H

#include "dialects/resq/ResqDialect.h"

#include "mlir/Pass/Pass.h"

namespace resq {

#define GEN_PASS_DECL
#include "passes/params/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/params/Passes.h.inc"

} // namespace resq

#endif // RESQ_PASSES_PARAMS_PASSES_H
