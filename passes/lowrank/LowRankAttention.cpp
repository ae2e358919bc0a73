//===- LowRankAttention.cpp - the --resq-lowrank-attention pass -----------===//
//
// Post-RoPE key projection of Eigen Attention: see Passes.td.
//
//===----------------------------------------------------------------------===//

#include "passes/common/CalibrationStats.h"
#include "passes/common/ModuleParams.h"
#include "passes/common/TransformerStructure.h"
#include "passes/lowrank/Passes.h"

#include "dialects/resq/ResqOps.h"
#include "resq/numerics/LowRank.h"
#include "resq/numerics/SymmetricEigen.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <algorithm>
#include <cmath>

namespace resq {
#define GEN_PASS_DEF_RESQLOWRANKATTENTION
#include "passes/lowrank/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

struct LowRankAttention
    : resq::impl::ResqLowRankAttentionBase<LowRankAttention> {
  using ResqLowRankAttentionBase::ResqLowRankAttentionBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    resq::CalibrationStats statistics;
    if (threshold != 0 &&
        (threshold < 0 || threshold > 1 || kRank != 0 || vRank != 0)) {
      module.emitError() << "--resq-lowrank-attention: threshold "
                         << double(threshold)
                         << (kRank != 0 || vRank != 0
                                 ? " and k-rank/v-rank exclude each other"
                                 : " is not in (0, 1]");
      return signalPassFailure();
    }
    if (kRank == 0 && vRank == 0 && threshold == 0) {
      module.emitError() << "--resq-lowrank-attention: give k-rank, v-rank "
                            "(or both), or a threshold";
      return signalPassFailure();
    }
    if (!statistics.openOrReport(module, stats,
                                 "--resq-lowrank-attention needs the "
                                 "calibration statistics"))
      return signalPassFailure();
    FailureOr<resq::TransformerWeights> opened =
        resq::openTransformerWeights(module, "resq-lowrank-attention");
    if (failed(opened))
      return signalPassFailure();
    for (resq::TransformerStructure &model : opened->models)
      for (auto [index, layer] : llvm::enumerate(model.layers))
        if (((kRank != 0 || threshold != 0) &&
             failed(projectKeys(layer, int64_t(index), statistics,
                                *opened->params))) ||
            ((vRank != 0 || threshold != 0) &&
             failed(projectValues(layer, int64_t(index), statistics,
                                  *opened->params))))
          return signalPassFailure();
    std::string error;
    if (!opened->params->commit(error)) {
      module.emitError() << "cannot write the parameter archive: " << error;
      return signalPassFailure();
    }
  }

  /// Projects the layer's queries and keys after RoPE onto its key basis.
  LogicalResult projectKeys(resq::TransformerLayer &layer, int64_t index,
                            const resq::CalibrationStats &statistics,
                            resq::ModuleParams &params) {
    resq::AttentionOp attention = layer.attention;
    int64_t hd = attention.getHeadDim();
    if (threshold == 0 && (kRank < 1 || kRank > hd))
      return attention.emitError()
             << "--resq-lowrank-attention: k-rank " << int64_t(kRank)
             << " is not in [1, " << hd << "] (the head size)";
    // Keys after RoPE, averaged over the KV heads: one basis per layer.
    std::string prefix = "layers." + std::to_string(index) + ".";
    FailureOr<std::vector<Eigen::MatrixXd>> parts =
        headMoments(attention, statistics, prefix + "k_rope", hd);
    if (failed(parts))
      return failure();
    Eigen::MatrixXd moment = Eigen::MatrixXd::Zero(hd, hd);
    for (const Eigen::MatrixXd &part : *parts)
      moment += part;
    moment /= double(parts->size());
    int64_t rank = threshold != 0 ? rankOf(moment, threshold) : kRank;
    // This step projects the RoPE results in place: they must feed the
    // attention directly (no rotation or relayout in between).
    if (attention.getQuery().getDefiningOp() != layer.qRope.getOperation() ||
        attention.getKey().getDefiningOp() != layer.kRope.getOperation())
      return attention.emitError()
             << "--resq-lowrank-attention needs the queries and keys straight "
                "from RoPE (run it before --resq-rotate)";
    // The scale is the full head size's: set it before the head dim shrinks.
    std::optional<double> scale = attention.getEffectiveScale();
    OpBuilder b(layer.qRope);
    Value p = addMatrix(b, layer.qRope.getLoc(), params, prefix + "k_basis",
                        resq::numerics::leadingDirections(moment, rank));
    for (resq::RopeOp rope : {layer.qRope, layer.kRope}) {
      b.setInsertionPointAfter(rope);
      auto type = cast<RankedTensorType>(rope.getType());
      SmallVector<int64_t> shape(type.getShape());
      shape.back() = rank;
      Value projected = resq::ProjectOp::create(
          b, rope.getLoc(), RankedTensorType::get(shape, type.getElementType()),
          rope, p, UnitAttr());
      rope.getResult().replaceAllUsesExcept(projected,
                                            projected.getDefiningOp());
    }
    if (scale)
      attention.setScaleAttr(b.getF64FloatAttr(*scale));
    attention->setAttr("resq.k_rank", b.getI64IntegerAttr(rank));
    return success();
  }

  /// The mean second moment of calibration site `site` per KV head (each
  /// hd x hd), or failure with a diagnostic on `attention`.
  static FailureOr<std::vector<Eigen::MatrixXd>>
  headMoments(resq::AttentionOp attention,
              const resq::CalibrationStats &statistics, const std::string &site,
              int64_t hd) {
    std::vector<Eigen::MatrixXd> moments;
    std::string error;
    for (int64_t h = 0, e = attention.getNumKvHeads(); h < e; ++h) {
      std::optional<Eigen::MatrixXd> moment = statistics.mean(site, h, error);
      if (!moment)
        return attention.emitError() << error;
      if (moment->rows() != hd)
        return attention.emitError()
               << "the statistics '" << site << "' are " << moment->rows()
               << " wide, the attention's head size is " << hd;
      moments.push_back(*moment);
    }
    return moments;
  }

  /// Eigen Attention's rank of a second moment for threshold `t`.
  static int64_t rankOf(const Eigen::MatrixXd &moment, double t) {
    return resq::numerics::rankForThreshold(
        resq::numerics::normalizedSingularValues(
            resq::numerics::symmetricEigen(moment).eigenvalues),
        t);
  }

  /// A new f32 parameter holding `matrix` ([in, out]), named `name`.
  static Value addMatrix(OpBuilder &b, Location loc, resq::ModuleParams &params,
                         const std::string &name, const Eigen::MatrixXd &m) {
    resq::ModuleParams::RowMatrix rows = m;
    std::string added = params.add(
        name, resq::params::DType::F32, {int64_t(m.rows()), int64_t(m.cols())},
        std::vector<double>(rows.data(), rows.data() + rows.size()));
    return resq::ParamOp::create(
        b, loc,
        RankedTensorType::get({int64_t(m.rows()), int64_t(m.cols())},
                              b.getF32Type()),
        added);
  }

  /// `x` reshaped to `shape`, then transposed by [0, 2, 1, 3].
  static Value reshapeThenSwap(OpBuilder &b, Location loc, Value x,
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

  /// Erases `op` and then each producer of its operands that has no use
  /// left, as far as the chain goes (the old reshapes and transposes).
  static void eraseDeadChain(Operation *op) {
    SmallVector<Operation *> work = {op};
    while (!work.empty()) {
      Operation *next = work.pop_back_val();
      if (!next->use_empty() ||
          isa<resq::AttentionOp, resq::LinearOp, resq::ParamOp>(next))
        continue;
      SmallVector<Operation *> producers;
      for (Value operand : next->getOperands())
        if (Operation *producer = operand.getDefiningOp())
          producers.push_back(producer);
      next->erase();
      work.append(producers);
    }
  }

  /// Folds one value basis per KV head into W_v and W_o: attention takes
  /// and returns v-rank columns per head.
  LogicalResult projectValues(resq::TransformerLayer &layer, int64_t index,
                              const resq::CalibrationStats &statistics,
                              resq::ModuleParams &params) {
    resq::AttentionOp attention = layer.attention;
    auto valueType = cast<RankedTensorType>(attention.getValue().getType());
    auto outputType = cast<RankedTensorType>(attention.getOutput().getType());
    if (valueType.getRank() != 4 || attention.getPastKey())
      return attention.emitError()
             << "--resq-lowrank-attention v-rank needs [batch, heads, seq, "
                "head] values and no past cache";
    int64_t hd = valueType.getShape()[3];
    if (threshold == 0 && (vRank < 1 || vRank > hd))
      return attention.emitError()
             << "--resq-lowrank-attention: v-rank " << int64_t(vRank)
             << " is not in [1, " << hd << "] (the value head size)";
    int64_t kvHeads = attention.getNumKvHeads(),
            heads = attention.getNumHeads();
    std::string prefix = "layers." + std::to_string(index) + ".";
    FailureOr<std::vector<Eigen::MatrixXd>> moments =
        headMoments(attention, statistics, prefix + "v_out", hd);
    if (failed(moments))
      return failure();
    // One rank for the layer's heads: with a threshold, the largest any
    // head needs (as the reference does).
    int64_t rank = vRank;
    if (threshold != 0) {
      rank = 1;
      for (const Eigen::MatrixXd &moment : *moments)
        rank = std::max(rank, rankOf(moment, threshold));
    }
    std::vector<Eigen::MatrixXd> bases;
    for (const Eigen::MatrixXd &moment : *moments)
      bases.push_back(resq::numerics::leadingDirections(moment, rank));
    std::optional<resq::ModuleParams::RowMatrix> wv =
        params.readMatrix(layer.v.getWeight());
    std::optional<resq::ModuleParams::RowMatrix> wo =
        params.readMatrix(layer.o.getWeight());
    if (!wv || !wo || wv->cols() != kvHeads * hd || wo->rows() != heads * hd)
      return attention.emitError()
             << "--resq-lowrank-attention: the v and o weights do not have "
                "the attention's heads";
    resq::numerics::FoldedValueWeights folded =
        resq::numerics::foldValueBases(*wv, *wo, bases, heads);

    // v: the folded weight, and the values re-split into r-column heads.
    OpBuilder b(layer.v);
    Location loc = layer.v.getLoc();
    layer.v.getWeightMutable().assign(
        addMatrix(b, loc, params, prefix + "v_lowrank", folded.valueWeight));
    auto vType = cast<RankedTensorType>(layer.v.getType());
    SmallVector<int64_t> vShape(vType.getShape());
    vShape.back() = kvHeads * rank;
    layer.v.getResult().setType(
        RankedTensorType::get(vShape, vType.getElementType()));
    b.setInsertionPointAfter(layer.v);
    Value oldValue = attention.getValue();
    Value values = reshapeThenSwap(
        b, loc, layer.v.getResult(),
        {valueType.getShape()[0], valueType.getShape()[2], kvHeads, rank});
    attention.getValueMutable().assign(values);
    if (Operation *old = oldValue.getDefiningOp())
      eraseDeadChain(old);

    // Attention returns r columns per query head; o reads them.
    SmallVector<int64_t> outShape(outputType.getShape());
    outShape.back() = rank;
    attention.getOutput().setType(
        RankedTensorType::get(outShape, outputType.getElementType()));
    Value oldInput = layer.o.getInput();
    b.setInsertionPointAfter(attention);
    ImplicitLocOpBuilder ib(attention.getLoc(), b);
    SmallVector<int64_t> tokensFirst = {outShape[0], outShape[2], heads, rank};
    Value swapped = tosa::TransposeOp::create(
        ib, RankedTensorType::get(tokensFirst, outputType.getElementType()),
        attention.getOutput(), ib.getDenseI32ArrayAttr({0, 2, 1, 3}));
    SmallVector<int64_t> merged = {outShape[0], outShape[2], heads * rank};
    Value oInput = tosa::ReshapeOp::create(
        ib, RankedTensorType::get(merged, outputType.getElementType()), swapped,
        tosa::getTosaConstShape(ib, merged));
    layer.o.getInputMutable().assign(oInput);
    OpBuilder ob(layer.o);
    layer.o.getWeightMutable().assign(addMatrix(ob, layer.o.getLoc(), params,
                                                prefix + "o_lowrank",
                                                folded.outputWeight));
    if (Operation *old = oldInput.getDefiningOp())
      eraseDeadChain(old);
    attention->setAttr("resq.v_rank", ob.getI64IntegerAttr(rank));
    return success();
  }
};

} // namespace
