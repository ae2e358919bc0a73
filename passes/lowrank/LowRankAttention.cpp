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
        if (failed(projectKeys(layer, int64_t(index), statistics,
                               *opened->params)))
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
    if (kRank < 1 || kRank > hd)
      return attention.emitError()
             << "--resq-lowrank-attention: k-rank " << int64_t(kRank)
             << " is not in [1, " << hd << "] (the head size)";
    // Keys after RoPE, averaged over the KV heads: one basis per layer.
    std::string prefix = "layers." + std::to_string(index) + ".";
    int64_t kvHeads = attention.getNumKvHeads();
    Eigen::MatrixXd moment = Eigen::MatrixXd::Zero(hd, hd);
    std::string error;
    for (int64_t h = 0; h < kvHeads; ++h) {
      std::optional<Eigen::MatrixXd> part =
          statistics.mean(prefix + "k_rope", h, error);
      if (!part)
        return attention.emitError() << error;
      if (part->rows() != hd)
        return attention.emitError()
               << "the statistics '" << prefix << "k_rope' are " << part->rows()
               << " wide, the head size is " << hd;
      moment += *part;
    }
    moment /= double(kvHeads);
    Eigen::MatrixXd basis =
        resq::numerics::leadingDirections(moment, int64_t(kRank));
    using RowMatrix = resq::ModuleParams::RowMatrix;
    RowMatrix rows = basis;
    std::string name = params.add(
        prefix + "k_basis", resq::params::DType::F32, {hd, int64_t(kRank)},
        std::vector<double>(rows.data(), rows.data() + rows.size()));

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
    Type f32 = b.getF32Type();
    Value p = resq::ParamOp::create(
        b, layer.qRope.getLoc(), RankedTensorType::get({hd, kRank}, f32), name);
    for (resq::RopeOp rope : {layer.qRope, layer.kRope}) {
      b.setInsertionPointAfter(rope);
      auto type = cast<RankedTensorType>(rope.getType());
      SmallVector<int64_t> shape(type.getShape());
      shape.back() = kRank;
      Value projected = resq::ProjectOp::create(
          b, rope.getLoc(), RankedTensorType::get(shape, type.getElementType()),
          rope, p, UnitAttr());
      rope.getResult().replaceAllUsesExcept(projected,
                                            projected.getDefiningOp());
    }
    if (scale)
      attention.setScaleAttr(b.getF64FloatAttr(*scale));
    return success();
  }
};

} // namespace
