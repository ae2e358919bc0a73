//===- Passes.h - function-preserving preparation of raised models --------===//

#ifndef RESQ_PASSES_PREPARE_PASSES_H
#define RESQ_PASSES_PREPARE_PASSES_H

#include "dialects/resq/ResqDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Pass/Pass.h"

namespace resq {

#define GEN_PASS_DECL
#include "passes/prepare/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/prepare/Passes.h.inc"

} // namespace resq

#endif // RESQ_PASSES_PREPARE_PASSES_H
