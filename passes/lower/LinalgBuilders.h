//===- LinalgBuilders.h - helpers of the resq-to-linalg patterns ----------===//
//
// Building blocks shared by the patterns that lower resq ops to linalg on
// tensors: generic ops, row views, and the uniform quantization grid that
// resq.fake_quant defines and resq.qlinear reuses, so that both quantize
// with the same float operations.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_LOWER_LINALGBUILDERS_H
#define RESQ_PASSES_LOWER_LINALGBUILDERS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace resq {

using BodyBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange arguments)>;

/// A linalg.generic over `type` with the given indexing maps of `inputs`
/// and of the output, and iterators, yielding `body`.
mlir::Value generic(mlir::OpBuilder &b, mlir::Location loc,
                    mlir::RankedTensorType type, mlir::ValueRange inputs,
                    llvm::ArrayRef<mlir::AffineMap> inputMaps, mlir::Value init,
                    llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                    mlir::AffineMap outputMap, BodyBuilder body);

mlir::Value emptyLike(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::RankedTensorType type);

/// A tensor of `type` filled with `value` (float or integer element).
mlir::Value filled(mlir::OpBuilder &b, mlir::Location loc,
                   mlir::RankedTensorType type, double value);

mlir::Value floatConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Type type, double value);

/// Converts between float types (extension or rounding to nearest).
mlir::Value convertFloat(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value value, mlir::Type to);

mlir::LogicalResult requireStatic(mlir::PatternRewriter &rewriter,
                                  mlir::Operation *op);

/// [..., n] -> [..., n / size, size], and the reassociation that undoes it.
std::pair<mlir::Value, llvm::SmallVector<mlir::ReassociationIndices>>
splitLastDim(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
             int64_t size);

/// [..., n] <-> [rows, n] for ops that work on rows.
struct RowView {
  mlir::Value matrix;
  llvm::SmallVector<mlir::ReassociationIndices> fold;
  int64_t rank;
};
RowView collapseToRows(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value value);
mlir::Value expandFromRows(mlir::OpBuilder &b, mlir::Location loc,
                           const RowView &view, mlir::Value matrix,
                           mlir::RankedTensorType type);

//===--- the uniform quantizer of resq.fake_quant ------------------------===//

struct QuantParams {
  int64_t bits;
  bool symmetric;
  double clip;
  /// The largest integer (symmetric: also minus the smallest).
  double levels() const;
};

/// lo = min(x, 0) and hi = max(x, 0) over each set of `input`: `maps` are
/// the input's and the statistics' indexing maps, `iterators` reduce over
/// the set's dims.
std::pair<mlir::Value, mlir::Value>
setBounds(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
          mlir::RankedTensorType statType, llvm::ArrayRef<mlir::AffineMap> maps,
          llvm::ArrayRef<mlir::utils::IteratorType> iterators);

/// A set's grid from its bounds, in the bounds' float type.
struct QuantGrid {
  mlir::Value scale, zero, minQ, maxQ;
  /// i1: the set is all zeros and has no grid (scale 0).
  mlir::Value degenerate;
};
QuantGrid quantGrid(mlir::OpBuilder &b, mlir::Location loc,
                    const QuantParams &params, mlir::Value lo, mlir::Value hi);
/// The grid of a set whose scale and zero point are already computed.
QuantGrid gridOf(mlir::OpBuilder &b, mlir::Location loc,
                 const QuantParams &params, mlir::Value scale,
                 mlir::Value zero);

/// The integer of `x` on `grid` (as a float): round half to even of
/// x / scale, plus the zero point, clamped.
mlir::Value roundOnGrid(mlir::OpBuilder &b, mlir::Location loc,
                        const QuantGrid &grid, mlir::Value x);

//===--- patterns defined in their own files -----------------------------===//

/// resq.qlinear to integer linalg (QLinearToLinalg.cpp).
void populateQLinearToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace resq

#endif // RESQ_PASSES_LOWER_LINALGBUILDERS_H
