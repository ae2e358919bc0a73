//===- LowRankRewrite.cpp - shrink a layer's attention heads -------------===//

#include "passes/common/LowRankRewrite.h"

#include "dialects/resq/ResqOps.h"
#include "resq/numerics/SymmetricEigen.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;

namespace resq {

namespace {

/// `x` reshaped to `shape`, then transposed by [0, 2, 1, 3].
Value reshapeThenSwap(OpBuilder &b, Location loc, Value x,
                      ArrayRef<int64_t> shape) {
  ImplicitLocOpBuilder ib(loc, b);
  auto type = cast<RankedTensorType>(x.getType());
  Value reshaped = tosa::ReshapeOp::create(
      ib, RankedTensorType::get(shape, type.getElementType()), x,
      tosa::getTosaConstShape(ib, shape));
  SmallVector<int64_t> swapped = {shape[0], shape[2], shape[1], shape[3]};
  return tosa::TransposeOp::create(
      ib, RankedTensorType::get(swapped, type.getElementType()), reshaped,
      ib.getDenseI32ArrayAttr({0, 2, 1, 3}));
}

/// Erases `op` and then each producer of its operands that has no use left,
/// as far as the chain goes (the old reshapes and transposes).
void eraseDeadChain(Operation *op) {
  SmallVector<Operation *> work = {op};
  while (!work.empty()) {
    Operation *next = work.pop_back_val();
    if (!next->use_empty() || isa<AttentionOp, LinearOp, ParamOp>(next))
      continue;
    SmallVector<Operation *> producers;
    for (Value operand : next->getOperands())
      if (Operation *producer = operand.getDefiningOp())
        producers.push_back(producer);
    next->erase();
    work.append(producers);
  }
}

RankedTensorType withLastDim(Type type, int64_t last) {
  auto ranked = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(ranked.getShape());
  shape.back() = last;
  return RankedTensorType::get(shape, ranked.getElementType());
}

} // namespace

FailureOr<AttentionMoments>
readAttentionMoments(AttentionOp attention, const CalibrationStats &statistics,
                     int64_t index) {
  std::string prefix = "layers." + std::to_string(index) + ".";
  int64_t hd = cast<ShapedType>(attention.getKey().getType()).getShape().back();
  AttentionMoments moments;
  moments.keys = Eigen::MatrixXd::Zero(hd, hd);
  std::string error;
  int64_t kvHeads = attention.getNumKvHeads();
  for (int64_t h = 0; h < kvHeads; ++h)
    for (const char *site : {"k_rope", "v_out"}) {
      std::optional<Eigen::MatrixXd> moment =
          statistics.mean(prefix + site, h, error);
      if (!moment)
        return attention.emitError() << error;
      if (moment->rows() != hd)
        return attention.emitError()
               << "the statistics '" << prefix << site << "' are "
               << moment->rows() << " wide, the attention's head size is "
               << hd;
      if (site == std::string("k_rope"))
        moments.keys += *moment;
      else
        moments.values.push_back(std::move(*moment));
    }
  moments.keys /= double(kvHeads);
  return moments;
}

std::vector<numerics::RankSpace>
kvBudgetSpaces(ArrayRef<AttentionMoments> layers, int64_t minRank,
               double fixedBits, double bitsPerComponent) {
  auto energies = [](const Eigen::MatrixXd &m) {
    return Eigen::VectorXd(
        numerics::symmetricEigen(m).eigenvalues.cwiseMax(0.0));
  };
  std::vector<numerics::RankSpace> spaces;
  for (const AttentionMoments &layer : layers) {
    numerics::RankSpace keys{energies(layer.keys), minRank, fixedBits,
                             bitsPerComponent};
    numerics::RankSpace values = keys;
    values.energies.setZero();
    for (const Eigen::MatrixXd &head : layer.values)
      values.energies += energies(head);
    spaces.push_back(std::move(keys));
    spaces.push_back(std::move(values));
  }
  return spaces;
}

Value addMatrixParam(OpBuilder &b, Location loc, ModuleParams &params,
                     const std::string &name, const Eigen::MatrixXd &matrix) {
  ModuleParams::RowMatrix rows = matrix;
  std::vector<int64_t> shape = {int64_t(matrix.rows()), int64_t(matrix.cols())};
  std::string added =
      params.add(name, params::DType::F32, shape,
                 std::vector<double>(rows.data(), rows.data() + rows.size()));
  return ParamOp::create(b, loc, RankedTensorType::get(shape, b.getF32Type()),
                         added);
}

LogicalResult projectQueriesAndKeys(TransformerLayer &layer,
                                    ModuleParams &params,
                                    const std::string &name,
                                    const Eigen::MatrixXd &basis,
                                    StringRef pass) {
  AttentionOp attention = layer.attention;
  if (attention.getQuery().getDefiningOp() != layer.qRope.getOperation() ||
      attention.getKey().getDefiningOp() != layer.kRope.getOperation())
    return attention.emitError()
           << "--" << pass
           << " needs the queries and keys straight from RoPE (low rank "
              "once per model, before any other rotation)";
  // The scale is the full head size's: keep it before the head dim shrinks.
  std::optional<double> scale = attention.getEffectiveScale();
  RopeOp first =
      layer.qRope->isBeforeInBlock(layer.kRope) ? layer.qRope : layer.kRope;
  OpBuilder b(first);
  Value p = addMatrixParam(b, first.getLoc(), params, name, basis);
  for (RopeOp rope : {layer.qRope, layer.kRope}) {
    b.setInsertionPointAfter(rope);
    Value projected = ProjectOp::create(
        b, rope.getLoc(), withLastDim(rope.getType(), basis.cols()), rope, p,
        UnitAttr());
    rope.getResult().replaceAllUsesExcept(projected, projected.getDefiningOp());
  }
  if (scale)
    attention.setScaleAttr(b.getF64FloatAttr(*scale));
  attention->setAttr(ResqDialect::getKeyRankAttrName(),
                     b.getI64IntegerAttr(basis.cols()));
  return success();
}

LogicalResult shrinkValueHeads(TransformerLayer &layer, ModuleParams &params,
                               int64_t rank, const std::string &valueName,
                               const Eigen::MatrixXd &valueWeight,
                               const std::string &outputName,
                               const Eigen::MatrixXd &outputWeight,
                               StringRef pass) {
  AttentionOp attention = layer.attention;
  auto valueType = cast<RankedTensorType>(attention.getValue().getType());
  auto outputType = cast<RankedTensorType>(attention.getOutput().getType());
  if (valueType.getRank() != 4 || attention.getPastKey())
    return attention.emitError()
           << "--" << pass
           << " needs [batch, heads, seq, head] values and no past cache";
  int64_t kvHeads = attention.getNumKvHeads(), heads = attention.getNumHeads();

  // v: the new weight, and the values re-split into rank-column heads.
  OpBuilder b(layer.v);
  Location loc = layer.v.getLoc();
  layer.v.getWeightMutable().assign(
      addMatrixParam(b, loc, params, valueName, valueWeight));
  layer.v.getResult().setType(withLastDim(layer.v.getType(), kvHeads * rank));
  b.setInsertionPointAfter(layer.v);
  Value oldValue = attention.getValue();
  attention.getValueMutable().assign(reshapeThenSwap(
      b, loc, layer.v.getResult(),
      {valueType.getShape()[0], valueType.getShape()[2], kvHeads, rank}));
  if (Operation *old = oldValue.getDefiningOp())
    eraseDeadChain(old);

  // Attention returns rank columns per query head; o reads them.
  attention.getOutput().setType(withLastDim(outputType, rank));
  ArrayRef<int64_t> out = outputType.getShape();
  Value oldInput = layer.o.getInput();
  b.setInsertionPointAfter(attention);
  ImplicitLocOpBuilder ib(attention.getLoc(), b);
  SmallVector<int64_t> tokensFirst = {out[0], out[2], heads, rank};
  Value swapped = tosa::TransposeOp::create(
      ib, RankedTensorType::get(tokensFirst, outputType.getElementType()),
      attention.getOutput(), ib.getDenseI32ArrayAttr({0, 2, 1, 3}));
  SmallVector<int64_t> merged = {out[0], out[2], heads * rank};
  layer.o.getInputMutable().assign(tosa::ReshapeOp::create(
      ib, RankedTensorType::get(merged, outputType.getElementType()), swapped,
      tosa::getTosaConstShape(ib, merged)));
  OpBuilder ob(layer.o);
  layer.o.getWeightMutable().assign(
      addMatrixParam(ob, layer.o.getLoc(), params, outputName, outputWeight));
  if (Operation *old = oldInput.getDefiningOp())
    eraseDeadChain(old);
  attention->setAttr(ResqDialect::getValueRankAttrName(),
                     ob.getI64IntegerAttr(rank));
  return success();
}

} // namespace resq
