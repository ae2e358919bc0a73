//===- ResqQuantOps.cpp - verifiers of the resq quantization ops ----------===//

#include "dialects/resq/ResqOps.h"
#include "dialects/resq/ResqShapeChecks.h"
#include "resq/numerics/HadamardSize.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;
using namespace resq;

static LogicalResult verifyBits(Operation *op, int64_t bits) {
  if (bits >= kMinQuantBits && bits <= kMaxQuantBits)
    return success();
  return op->emitOpError() << "expected bits in " << kMinQuantBits << ".."
                           << kMaxQuantBits << ", found " << bits;
}

static LogicalResult verifyClipRatio(Operation *op, APFloat clip) {
  double ratio = clip.convertToDouble();
  if (ratio > 0.0 && ratio <= 1.0)
    return success();
  return op->emitOpError() << "expected clip ratio in (0, 1], found " << ratio;
}

/// A group size must be positive and divide the (static) last dimension.
static LogicalResult verifyGroupSize(Operation *op, int64_t groupSize,
                                     ShapedType input) {
  if (groupSize <= 0)
    return op->emitOpError()
           << "expected a positive group size, found " << groupSize;
  int64_t last = input.getShape().back();
  if (!ShapedType::isDynamic(last) && last % groupSize != 0)
    return op->emitOpError()
           << "expected group size (" << groupSize
           << ") to divide the last dimension (" << last << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// RotateOp
//===----------------------------------------------------------------------===//

static std::string listHadamardFactors() {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(numerics::kHadamardFactors, os);
  return text;
}

static LogicalResult verifyHadamardRotation(RotateOp op) {
  if (op.getMatrix())
    return op.emitOpError() << "expected no matrix operand for a hadamard "
                               "rotation";
  if (!op.getSeed())
    return op.emitOpError() << "expected a seed for the random signs of a "
                               "hadamard rotation";
  int64_t size = op.getInput().getType().getShape().back();
  if (ShapedType::isDynamic(size) || numerics::factorHadamardSize(size))
    return success();
  return op.emitOpError() << "expected a hadamard size K * 2^m with K in {"
                          << listHadamardFactors() << "}, found " << size;
}

/// The matrix must be a named parameter: the archive holds orthogonal
/// matrices by contract (the passes that write them make them so), and a
/// name lets folding and fusion recognise the same matrix.
static LogicalResult verifyMatrixSource(RotateOp op, Value matrix) {
  Operation *source = matrix.getDefiningOp();
  if (isa_and_nonnull<ParamOp>(source))
    return success();
  InFlightDiagnostic diag = op.emitOpError()
                            << "expected the rotation matrix to come from "
                               "'resq.param', found ";
  if (source)
    diag << "'" << source->getName() << "'";
  else
    diag << "a block argument";
  return diag;
}

static LogicalResult verifyMatrixRotation(RotateOp op) {
  Value matrix = op.getMatrix();
  if (!matrix)
    return op.emitOpError() << "expected a matrix operand for a matrix "
                               "rotation";
  if (op.getSeed())
    return op.emitOpError() << "expected no seed for a matrix rotation";
  auto input = op.getInput().getType();
  auto matrixType = cast<ShapedType>(matrix.getType());
  int64_t size = input.getShape().back();
  if (failed(verifyElementType(op, "matrix", matrixType,
                               input.getElementType())) ||
      failed(verifyShape(op,
                         "rotation matrix (n x n, n = the input's last "
                         "dimension)",
                         matrixType, {size, size})))
    return failure();
  return verifyMatrixSource(op, matrix);
}

LogicalResult RotateOp::verify() {
  if (getInput().getType().getRank() < 1)
    return emitOpError() << "expected input of rank >= 1, found "
                         << getInput().getType();
  if (getKind() == RotationKind::Hadamard)
    return verifyHadamardRotation(*this);
  return verifyMatrixRotation(*this);
}

//===----------------------------------------------------------------------===//
// FakeQuantOp
//===----------------------------------------------------------------------===//

LogicalResult FakeQuantOp::verify() {
  auto input = getInput().getType();
  QuantGranularity granularity = getGranularity();
  if (failed(verifyBits(*this, getBits())) ||
      failed(verifyClipRatio(*this, getClipRatio())))
    return failure();
  if (granularity != QuantGranularity::PerTensor && input.getRank() < 1)
    return emitOpError() << "expected input of rank >= 1 for "
                         << stringifyQuantGranularity(granularity)
                         << " granularity, found " << input;
  std::optional<int64_t> groupSize = getGroupSize();
  if (granularity != QuantGranularity::PerGroup) {
    if (groupSize)
      return emitOpError() << "expected no group size with "
                           << stringifyQuantGranularity(granularity)
                           << " granularity";
    return success();
  }
  if (!groupSize)
    return emitOpError() << "expected a group size for per_group granularity";
  return verifyGroupSize(*this, *groupSize, input);
}

//===----------------------------------------------------------------------===//
// SubspaceQuantOp
//===----------------------------------------------------------------------===//

LogicalResult SubspaceQuantOp::verify() {
  auto input = getInput().getType();
  if (input.getRank() < 1)
    return emitOpError() << "expected input of rank >= 1, found " << input;
  if (failed(verifyClipRatio(*this, getClipRatio())))
    return failure();
  ArrayAttr ranges = getRanges();
  if (ranges.empty())
    return emitOpError() << "expected at least one channel range";

  // Each range's size (positive) and bits were checked when its attribute
  // was built; the sum saturates instead of overflowing.
  uint64_t covered = 0;
  for (auto range : ranges.getAsRange<BitRangeAttr>())
    covered =
        llvm::SaturatingAdd(covered, static_cast<uint64_t>(range.getSize()));

  std::optional<int64_t> groupSize = getGroupSize();
  if (groupSize && failed(verifyGroupSize(*this, *groupSize, input)))
    return failure();
  int64_t target = groupSize ? *groupSize : input.getShape().back();
  if (ShapedType::isDynamic(target) || covered == static_cast<uint64_t>(target))
    return success();
  InFlightDiagnostic diag =
      emitOpError() << "expected the channel ranges to tile "
                    << (groupSize ? "each group" : "the last dimension") << " ("
                    << target << " channels) exactly, but they cover ";
  if (covered > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    diag << "more than 2^63 channels";
  else
    diag << covered;
  return diag;
}
