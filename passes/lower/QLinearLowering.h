//===- QLinearLowering.h - resq.qlinear with a pluggable product ----------===//
//
// resq.qlinear lowers in three steps (QLinearToLinalg.cpp): per-token
// quantization of its input to integer codes, the integer products of each
// piece (one activation range x one weight range), and a float epilogue
// that applies scales, zero points and the bias. The CPU computes the
// products with an i8 GEMM; --resq-lower-to-cim computes them on crossbars.
// Both share the other steps, so a backend whose products are exact gives
// the CPU's result bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_LOWER_QLINEARLOWERING_H
#define RESQ_PASSES_LOWER_QLINEARLOWERING_H

#include "dialects/resq/ResqOps.h"

#include "mlir/IR/PatternMatch.h"

namespace resq {

/// One piece of a qlinear's channels.
struct QLinearPiece {
  /// [groups, tokens, size] i8: the activation codes, minus 2^(bits - 1)
  /// when the activations are asymmetric (so that 8 bits fit in i8).
  mlir::Value codes;
  /// [groups, size, out] i8: signed weights of `weightBits` bits.
  mlir::Value weights;
  int64_t inputBits, weightBits;
  bool symmetric;
};

/// sum_i codes[g, t, i] * weights[g, i, o] as [groups, tokens, out]: i32,
/// or f32 holding those integers (a backend may also return approximations
/// in f32). Null after a diagnostic.
using QLinearProduct = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, const QLinearPiece &)>;

/// A [rows, out / 2] tensor of byte pairs as [rows, out] i8: column 2j is
/// the low nibble of byte j, column 2j + 1 the high one, sign-extended.
mlir::Value unpackNibbles(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value packed, int64_t out);

/// Weight range `r` of `op` as [rows, out] i8 (unpacked when packed).
mlir::Value weightRangeMatrix(mlir::OpBuilder &b, mlir::Location loc,
                              QLinearOp op, unsigned r);

/// Replaces `op` by linalg on tensors, computing each piece's products with
/// `product`.
mlir::LogicalResult lowerQLinear(QLinearOp op, mlir::PatternRewriter &rewriter,
                                 QLinearProduct product);

} // namespace resq

#endif // RESQ_PASSES_LOWER_QLINEARLOWERING_H
