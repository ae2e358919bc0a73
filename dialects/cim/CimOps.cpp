//===- CimOps.cpp - verifiers of the cim ops ------------------------------===//

#include "dialects/cim/CimOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace resq::cim;

#define GET_OP_CLASSES
#include "dialects/cim/CimOps.cpp.inc"

namespace {

/// Fails unless `type` is static of rank `rank`.
LogicalResult requireStaticRank(Operation *op, StringRef what,
                                RankedTensorType type, int64_t rank) {
  if (type.getRank() != rank)
    return op->emitOpError()
           << "expects " << what << " of rank " << rank << ", found " << type;
  if (!type.hasStaticShape())
    return op->emitOpError()
           << "expects a static shape for " << what << ", found " << type;
  return success();
}

/// Partial sums or decisions `[M, B, T, S, N]` and the `[M, N]` result of
/// combining them.
LogicalResult verifyCombine(Operation *op, RankedTensorType sums,
                            RankedTensorType result, int64_t cellBits) {
  if (failed(requireStaticRank(op, "partial sums [M, B, T, S, N]", sums, 5)) ||
      failed(requireStaticRank(op, "a result [M, N]", result, 2)))
    return failure();
  if (cellBits < 1 || cellBits > 4)
    return op->emitOpError() << "expects cell_bits in 1..4, found " << cellBits;
  if (result.getDimSize(0) != sums.getDimSize(0) ||
      result.getDimSize(1) != sums.getDimSize(4))
    return op->emitOpError()
           << "expects the result [M, N] = [" << sums.getDimSize(0) << ", "
           << sums.getDimSize(4) << "] of the partial sums, found " << result;
  return success();
}

} // namespace

LogicalResult ProgramOp::verify() {
  auto weights = getWeights().getType();
  auto levels = getLevels().getType();
  if (failed(requireStaticRank(*this, "weights [K, N]", weights, 2)) ||
      failed(requireStaticRank(*this, "levels [S, K, N]", levels, 3)))
    return failure();
  int64_t slices = getCrossbar().getSlices();
  if (levels.getDimSize(0) != slices ||
      levels.getDimSize(1) != weights.getDimSize(0) ||
      levels.getDimSize(2) != weights.getDimSize(1))
    return emitOpError() << "expects levels [" << slices << ", "
                         << weights.getDimSize(0) << ", "
                         << weights.getDimSize(1) << "] (" << slices
                         << " slices of " << getCrossbar().getCellBits()
                         << " bits for " << getCrossbar().getWeightBits()
                         << "-bit weights), found " << levels;
  return success();
}

LogicalResult MvmOp::verify() {
  auto levels = getLevels().getType();
  auto inputs = getInputs().getType();
  auto sums = getSums().getType();
  if (failed(requireStaticRank(*this, "levels [S, K, N]", levels, 3)) ||
      failed(requireStaticRank(*this, "inputs [M, K]", inputs, 2)) ||
      failed(requireStaticRank(*this, "partial sums [M, B, T, S, N]", sums, 5)))
    return failure();
  CrossbarAttr xbar = getCrossbar();
  int64_t k = levels.getDimSize(1);
  if (levels.getDimSize(0) != xbar.getSlices())
    return emitOpError() << "expects " << xbar.getSlices()
                         << " slices in the levels, found "
                         << levels.getDimSize(0);
  if (inputs.getDimSize(1) != k)
    return emitOpError() << "expects inputs with " << k
                         << " columns (the levels' rows), found " << inputs;
  SmallVector<int64_t> want = {inputs.getDimSize(0), xbar.getInputBits(),
                               xbar.getRowTiles(k), xbar.getSlices(),
                               levels.getDimSize(2)};
  if (sums.getShape() != ArrayRef<int64_t>(want)) {
    InFlightDiagnostic diag = emitOpError() << "expects partial sums [";
    llvm::interleaveComma(want, diag);
    return diag << "] (tokens, input bits, row tiles, slices, columns), found "
                << sums;
  }
  return success();
}

LogicalResult AdcOp::verify() {
  if (getBits() < 1 || getBits() > 16)
    return emitOpError() << "expects 1 to 16 bits, found " << getBits();
  if (!(getLow().convertToDouble() < getHigh().convertToDouble()))
    return emitOpError() << "expects a range with low < high, found ["
                         << getLow().convertToDouble() << ", "
                         << getHigh().convertToDouble() << "]";
  if (getColumnsPerAdc() < 1)
    return emitOpError() << "expects columns_per_adc >= 1, found "
                         << getColumnsPerAdc();
  return success();
}

LogicalResult SenseAmpOp::verify() {
  if (getSums().getType().getShape() != getDecisions().getType().getShape())
    return emitOpError() << "expects decisions of the shape of the sums";
  if (getDelta().convertToDouble() < 0)
    return emitOpError() << "expects delta >= 0, found "
                         << getDelta().convertToDouble();
  if (getMode() == SenseMode::Binary && getDelta().convertToDouble() != 0)
    return emitOpError() << "a binary sense amplifier has no dead zone: "
                            "expects delta 0, found "
                         << getDelta().convertToDouble();
  return success();
}

LogicalResult ShiftAddOp::verify() {
  return verifyCombine(*this, getSums().getType(), getResult().getType(),
                       getCellBits());
}

LogicalResult ScaleAccumulateOp::verify() {
  auto decisions = getDecisions().getType();
  if (failed(verifyCombine(*this, decisions, getResult().getType(),
                           getCellBits())) ||
      failed(requireStaticRank(*this, "scales [T, S, N]", getAlpha().getType(),
                               3)))
    return failure();
  ArrayRef<int64_t> want = decisions.getShape().drop_front(2);
  if (getAlpha().getType().getShape() != want)
    return emitOpError() << "expects one scale per row tile, slice and "
                            "column, ["
                         << want[0] << ", " << want[1] << ", " << want[2]
                         << "], found " << getAlpha().getType();
  return success();
}

LogicalResult LifOp::verify() {
  auto currents = getCurrents().getType();
  if (currents.getRank() < 2)
    return emitOpError() << "expects currents [T, ...] with time steps "
                            "first, found "
                         << currents;
  if (currents.getShape() != getSpikes().getType().getShape())
    return emitOpError() << "expects spikes of the shape of the currents";
  double beta = getBeta().convertToDouble();
  if (beta < 0 || beta > 1)
    return emitOpError() << "expects a leak beta in [0, 1], found " << beta;
  if (!(getThreshold().convertToDouble() > 0))
    return emitOpError() << "expects a positive threshold, found "
                         << getThreshold().convertToDouble();
  return success();
}
