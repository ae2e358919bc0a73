//===- Passes.h - quantization of a prepared transformer -------*- C++ -*-===//

#ifndef RESQ_PASSES_QUANTIZE_PASSES_H
#define RESQ_PASSES_QUANTIZE_PASSES_H

#include "dialects/resq/ResqDialect.h"
#include "passes/quantize/QuantizeOptions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace resq {

#define GEN_PASS_DECL
#include "passes/quantize/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/quantize/Passes.h.inc"

} // namespace resq

#endif // RESQ_PASSES_QUANTIZE_PASSES_H
