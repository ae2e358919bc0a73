//===- Passes.h - linear layers onto compute-in-memory crossbars -*- C++
//-*-===//

#ifndef RESQ_PASSES_CIM_PASSES_H
#define RESQ_PASSES_CIM_PASSES_H

#include "dialects/cim/CimDialect.h"

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

} // namespace resq

#endif // RESQ_PASSES_CIM_PASSES_H
