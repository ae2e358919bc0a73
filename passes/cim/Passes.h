//===- Passes.h - linear layers onto compute-in-memory crossbars ----------===//

#ifndef RESQ_PASSES_CIM_PASSES_H
#define RESQ_PASSES_CIM_PASSES_H

#include "dialects/cim/CimDialect.h"
#include "passes/cim/CimOptions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace resq {

#define GEN_PASS_DECL
#include "passes/cim/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/cim/Passes.h.inc"

/// Parses an option list of --resq-lower-to-cim (as `resq-compile --cim`
/// takes it: "backend=adc-less sense=ternary") with the pass's option
/// parser into `options` (options it does not name keep the pass's
/// defaults). On an error, says why on `errors`.
mlir::LogicalResult parseLowerToCimOptions(llvm::StringRef text,
                                           ResqLowerToCimOptions &options,
                                           llvm::raw_ostream &errors);

} // namespace resq

#endif // RESQ_PASSES_CIM_PASSES_H
