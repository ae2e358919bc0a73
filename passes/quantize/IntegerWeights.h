//===- IntegerWeights.h - a linear layer as resq.qlinear -------*- C++ -*-===//
//
// mode=int of --resq-quantize: the integers of a quantized weight are
// stored in the archive (int8, or two 4-bit values per byte) and the linear
// becomes a resq.qlinear that reads them.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_QUANTIZE_INTEGERWEIGHTS_H
#define RESQ_PASSES_QUANTIZE_INTEGERWEIGHTS_H

#include "passes/common/ModuleParams.h"

#include "dialects/resq/ResqOps.h"
#include "resq/numerics/RoundToNearest.h"

#include "llvm/ADT/SmallVector.h"

namespace resq {

/// A run of channels at one bit width.
struct BitRange {
  int64_t size;
  int64_t bits;
};

/// How a resq.qlinear quantizes its input and splits its weight rows; both
/// range lists tile each group of `group` input channels.
struct IntegerLinear {
  llvm::SmallVector<BitRange> activationRanges;
  llvm::SmallVector<BitRange> weightRanges;
  int64_t group;
  bool symmetric;
  double clip;
};

/// The resq.range attributes of `ranges`.
mlir::ArrayAttr bitRangesAttr(mlir::MLIRContext *context,
                              llvm::ArrayRef<BitRange> ranges);

/// Replaces `linears`, which read one input, by one resq.qlinear computing
/// them with the integers of `quantized` (one per linear; symmetric, one
/// group of rows per scale: row i of a weight has the bits of the weight
/// range that holds it), its output columns side by side; each linear's
/// result becomes a slice of it. Fails with a diagnostic when an integer
/// does not fit its width.
mlir::LogicalResult
replaceWithQLinear(llvm::ArrayRef<LinearOp> linears,
                   llvm::ArrayRef<numerics::QuantizedRows> quantized,
                   const IntegerLinear &layout, ModuleParams &params);

} // namespace resq

#endif // RESQ_PASSES_QUANTIZE_INTEGERWEIGHTS_H
