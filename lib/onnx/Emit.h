//===- Emit.h - building blocks the op handlers emit -----------*- C++ -*-===//
//
// TOSA 1.0 wants operands of equal rank, shapes as !tosa.shape operands and
// zero points as tensors; ops TOSA lacks become broadcasting linalg.generic
// ops. These helpers keep those details out of the op handlers.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_LIB_ONNX_EMIT_H
#define RESQ_LIB_ONNX_EMIT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace resq::onnx_import::emit {

/// Element types TOSA 1.0's pro_fp/pro_int profiles (+bf16) accept in
/// data-movement ops (reshape, transpose, slice, concat, tile, select).
bool isTosaElementType(mlir::Type type);

/// Element types TOSA 1.0 computes with (arithmetic, comparisons,
/// reductions, math): f32, f16, bf16 and i32; i8/i16/i1 arithmetic is not
/// in the profiles.
bool isTosaNumericType(mlir::Type type);

/// numpy broadcasting of two shapes, or nullopt if they do not broadcast.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

mlir::Value constShape(mlir::OpBuilder &b, mlir::Location loc,
                       llvm::ArrayRef<int64_t> values);
/// A tensor<1xT> zero (TOSA zero points) and the i8 zero shift of tosa.mul.
mlir::Value zeroPoint(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type);
mlir::Value mulShift(mlir::OpBuilder &b, mlir::Location loc);
/// A splat constant of `type` (tosa.const for TOSA types).
mlir::Value splat(mlir::OpBuilder &b, mlir::Location loc,
                  mlir::RankedTensorType type, double value);

mlir::Value reshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                    llvm::ArrayRef<int64_t> shape);
/// Prepends size-1 dims up to `rank`.
mlir::Value expandRank(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, int64_t rank);
mlir::Value transpose(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                      llvm::ArrayRef<int32_t> perms);
/// Materialises numpy broadcasting of `input` to `shape`.
mlir::Value broadcastTo(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value input, llvm::ArrayRef<int64_t> shape);
/// A contiguous slice.
mlir::Value slice(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                  llvm::ArrayRef<int64_t> start, llvm::ArrayRef<int64_t> size);

using ScalarBody = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;
/// A linalg.generic computing `body` elementwise over `inputs`, which
/// broadcast (numpy rules) to the result's shape.
mlir::Value elementwise(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType resultType,
                        mlir::ValueRange inputs, ScalarBody body);

/// A scalar integer index as the i32 tosa.gather takes: wider values are
/// saturated, so that an index beyond i32 stays out of range (the compiled
/// bounds check reports it) instead of wrapping into it.
mlir::Value indexToI32(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value index);

} // namespace resq::onnx_import::emit

#endif // RESQ_LIB_ONNX_EMIT_H
