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

/// The ranges must tile each group (of `groupSize`, else the whole last
/// dimension) exactly.
static LogicalResult verifyRangesTile(Operation *op, StringRef what,
                                      ArrayAttr ranges,
                                      std::optional<int64_t> groupSize,
                                      ShapedType input) {
  // Each range's size (positive) and bits were checked when its attribute
  // was built; the sum saturates instead of overflowing.
  uint64_t covered = 0;
  for (auto range : ranges.getAsRange<BitRangeAttr>())
    covered =
        llvm::SaturatingAdd(covered, static_cast<uint64_t>(range.getSize()));
  int64_t target = groupSize ? *groupSize : input.getShape().back();
  if (ShapedType::isDynamic(target) || covered == static_cast<uint64_t>(target))
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << "expected the " << what << " to tile "
                            << (groupSize ? "each group" : "the last dimension")
                            << " (" << target
                            << " channels) exactly, but they cover ";
  if (covered > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    diag << "more than 2^63 channels";
  else
    diag << covered;
  return diag;
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
/// name lets folding and fusion recognise the same matrix. The same holds
/// for a projection's orthonormal basis.
static LogicalResult verifyMatrixSource(Operation *op, Value matrix,
                                        StringRef what) {
  Operation *source = matrix.getDefiningOp();
  if (isa_and_nonnull<ParamOp>(source))
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << "expected the " << what
                            << " to come from 'resq.param', found ";
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
  return verifyMatrixSource(op, matrix, "rotation matrix");
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
// ProjectOp
//===----------------------------------------------------------------------===//

LogicalResult ProjectOp::verify() {
  auto input = getInput().getType();
  auto basis = cast<ShapedType>(getBasis().getType());
  if (input.getRank() < 1)
    return emitOpError() << "expected input of rank >= 1, found " << input;
  if (failed(verifyElementType(*this, "basis", basis, input.getElementType())))
    return failure();
  int64_t n = basis.getShape()[0], r = basis.getShape()[1];
  if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(r) && r > n)
    return emitOpError() << "expected a basis of n x r with r <= n, found "
                         << formatShape(basis.getShape());
  bool lift = getLift();
  int64_t from = lift ? r : n, to = lift ? n : r;
  SmallVector<int64_t> expectedInput(input.getShape());
  expectedInput.back() = from;
  if (failed(verifyShape(*this,
                         lift ? "input (last dimension r, the basis' columns)"
                              : "input (last dimension n, the basis' rows)",
                         input, expectedInput)))
    return failure();
  SmallVector<int64_t> expectedResult(input.getShape());
  expectedResult.back() = to;
  if (failed(verifyShape(*this, "result", getType(), expectedResult)) ||
      failed(verifyElementType(*this, "result", getType(),
                               input.getElementType())))
    return failure();
  return verifyMatrixSource(*this, getBasis(), "basis");
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

  std::optional<int64_t> groupSize = getGroupSize();
  if (groupSize && failed(verifyGroupSize(*this, *groupSize, input)))
    return failure();
  return verifyRangesTile(*this, "channel ranges", ranges, groupSize, input);
}

//===----------------------------------------------------------------------===//
// QLinearOp
//===----------------------------------------------------------------------===//

int64_t QLinearOp::getGroupWidth() {
  return getGroupSize().value_or(getInput().getType().getShape().back());
}

bool QLinearOp::isPacked(unsigned r) {
  auto weight = cast<ShapedType>(getWeights()[r].getType());
  int64_t out = getResult().getType().getShape().back();
  return weight.getRank() == 2 && weight.getShape()[1] != out;
}

/// Integer ranges: at most 8 bits, the width of the int8 GEMM.
static LogicalResult verifyIntegerRanges(Operation *op, StringRef what,
                                         ArrayAttr ranges) {
  if (ranges.empty())
    return op->emitOpError() << "expected at least one " << what;
  for (auto range : ranges.getAsRange<BitRangeAttr>())
    if (range.getBits() > 8)
      return op->emitOpError()
             << "expected " << what << " of at most 8 bits, found "
             << range.getBits();
  return success();
}

LogicalResult QLinearOp::verify() {
  auto input = getInput().getType();
  auto result = getResult().getType();
  if (input.getRank() < 1)
    return emitOpError() << "expected input of rank >= 1, found " << input;
  int64_t in = input.getShape().back(), out = result.getShape().back();
  SmallVector<int64_t> resultShape(input.getShape().drop_back());
  resultShape.push_back(out);
  if (failed(verifyShape(*this, "result (the input's leading dims, then out)",
                         result, resultShape)) ||
      failed(verifyClipRatio(*this, getClipRatio())) ||
      failed(verifyIntegerRanges(*this, "activation ranges", getRanges())) ||
      failed(verifyIntegerRanges(*this, "weight ranges", getWeightRanges())))
    return failure();
  std::optional<int64_t> groupSize = getGroupSize();
  if (groupSize && failed(verifyGroupSize(*this, *groupSize, input)))
    return failure();
  if (failed(verifyRangesTile(*this, "activation ranges", getRanges(),
                              groupSize, input)) ||
      failed(verifyRangesTile(*this, "weight ranges", getWeightRanges(),
                              groupSize, input)))
    return failure();

  ArrayAttr weightRanges = getWeightRanges();
  if (getWeights().size() != weightRanges.size())
    return emitOpError() << "expected one weight operand per weight range ("
                         << weightRanges.size() << "), found "
                         << getWeights().size();
  int64_t groups = in / getGroupWidth();
  for (auto [r, range] :
       llvm::enumerate(weightRanges.getAsRange<BitRangeAttr>())) {
    auto weight = cast<ShapedType>(getWeights()[r].getType());
    int64_t rows = groups * range.getSize();
    bool packable = range.getBits() <= 4 && out % 2 == 0;
    bool fits = weight.getRank() == 2 && weight.getShape()[0] == rows &&
                (weight.getShape()[1] == out ||
                 (packable && weight.getShape()[1] == out / 2));
    if (!fits) {
      InFlightDiagnostic diag = emitOpError()
                                << "expected weight range " << r << " of shape "
                                << rows << "x" << out;
      if (packable)
        diag << " (or " << rows << "x" << out / 2 << " packed)";
      return diag << ", found " << formatShape(weight.getShape());
    }
  }
  if (failed(verifyShape(*this, "scales (weight ranges x out)",
                         getScales().getType(),
                         {int64_t(weightRanges.size()), out})))
    return failure();
  if (Value bias = getBias())
    return verifyShape(*this, "bias", cast<ShapedType>(bias.getType()), {out});
  return success();
}
