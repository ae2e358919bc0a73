//===- LowRankAttention.cpp - the --resq-lowrank-attention pass -----------===//
//
// Post-RoPE key projection of Eigen Attention: see Passes.td.
//
//===----------------------------------------------------------------------===//

#include "passes/common/CalibrationStats.h"
#include "passes/common/LowRankRewrite.h"
#include "passes/common/ModuleParams.h"
#include "passes/common/TransformerStructure.h"
#include "passes/lowrank/Passes.h"

#include "dialects/resq/ResqOps.h"
#include "resq/numerics/LowRank.h"

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
    int64_t rank = threshold != 0
                       ? resq::numerics::rankForThreshold(moment, threshold)
                       : kRank;
    return resq::projectQueriesAndKeys(
        layer, params, prefix + "k_basis",
        resq::numerics::leadingDirections(moment, rank),
        "resq-lowrank-attention");
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

  /// Folds one value basis per KV head into W_v and W_o: attention takes
  /// and returns v-rank columns per head.
  LogicalResult projectValues(resq::TransformerLayer &layer, int64_t index,
                              const resq::CalibrationStats &statistics,
                              resq::ModuleParams &params) {
    resq::AttentionOp attention = layer.attention;
    auto valueType = cast<RankedTensorType>(attention.getValue().getType());
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
        rank =
            std::max(rank, resq::numerics::rankForThreshold(moment, threshold));
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
    return resq::shrinkValueHeads(
        layer, params, rank, prefix + "v_lowrank", folded.valueWeight,
        prefix + "o_lowrank", folded.outputWeight, "resq-lowrank-attention");
  }
};

} // namespace
