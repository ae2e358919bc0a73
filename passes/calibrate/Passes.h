//===- Passes.h - calibration instrumentation ------------------*- C++ -*-===//

#ifndef RESQ_PASSES_CALIBRATE_PASSES_H
#define RESQ_PASSES_CALIBRATE_PASSES_H

#include "dialects/resq/ResqDialect.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/Pass.h"

namespace resq {

#define GEN_PASS_DECL
#include "passes/calibrate/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/calibrate/Passes.h.inc"

/// The prefix of the result names --resq-insert-observers adds.
constexpr llvm::StringLiteral kObservePrefix = "observe:";

} // namespace resq

#endif // RESQ_PASSES_CALIBRATE_PASSES_H
