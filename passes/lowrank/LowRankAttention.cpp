//===- LowRankAttention.cpp - the --resq-lowrank-attention pass -----------===//
//
// Eigen Attention with post-RoPE keys: see Passes.td. Each layer's ranks
// are chosen first (given, from a threshold, or under a budget across the
// layers); then the keys are projected and the value bases folded.
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

namespace resq {
#define GEN_PASS_DEF_RESQLOWRANKATTENTION
#include "passes/lowrank/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

/// Bits one cached element costs: the cache is counted at 16 bits.
constexpr double kCachedElementBits = 16;

/// What the pass does to one layer: its moments and ranks (0: unchanged).
struct LayerPlan {
  resq::AttentionMoments moments;
  int64_t keyRank = 0, valueRank = 0;
};

struct LowRankAttention
    : resq::impl::ResqLowRankAttentionBase<LowRankAttention> {
  using ResqLowRankAttentionBase::ResqLowRankAttentionBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkOptions(module)))
      return signalPassFailure();
    resq::CalibrationStats statistics;
    if (!statistics.openOrReport(module, stats,
                                 "--resq-lowrank-attention needs the "
                                 "calibration statistics"))
      return signalPassFailure();
    FailureOr<resq::TransformerWeights> opened =
        resq::openTransformerWeights(module, "resq-lowrank-attention");
    if (failed(opened))
      return signalPassFailure();
    for (resq::TransformerStructure &model : opened->models) {
      FailureOr<std::vector<LayerPlan>> plans = plan(model, statistics);
      if (failed(plans))
        return signalPassFailure();
      for (auto [index, layer] : llvm::enumerate(model.layers)) {
        const LayerPlan &p = (*plans)[index];
        if ((p.keyRank &&
             failed(projectKeys(layer, index, p, *opened->params))) ||
            (p.valueRank &&
             failed(projectValues(layer, index, p, *opened->params))))
          return signalPassFailure();
      }
    }
    std::string error;
    if (!opened->params->commit(error)) {
      module.emitError() << "cannot write the parameter archive: " << error;
      return signalPassFailure();
    }
  }

  LogicalResult checkOptions(ModuleOp module) {
    auto fail = [&](const Twine &what) {
      return module.emitError() << "--resq-lowrank-attention: " << what;
    };
    int given =
        (kRank != 0 || vRank != 0) + (threshold != 0) + (kvBitsPerToken != 0);
    if (given == 0)
      return fail("give k-rank, v-rank (or both), a threshold or "
                  "kv-bits-per-token");
    if (given > 1)
      return fail("k-rank/v-rank, threshold and kv-bits-per-token exclude "
                  "each other");
    if (threshold < 0 || threshold > 1)
      return module.emitError() << "--resq-lowrank-attention: threshold "
                                << double(threshold) << " is not in (0, 1]";
    if (kvBitsPerToken < 0)
      return fail("kv-bits-per-token must be positive");
    return success();
  }

  /// Each layer's moments and ranks, from the options.
  FailureOr<std::vector<LayerPlan>>
  plan(resq::TransformerStructure &model,
       const resq::CalibrationStats &statistics) {
    std::vector<LayerPlan> plans;
    for (auto [index, layer] : llvm::enumerate(model.layers)) {
      resq::AttentionOp attention = layer.attention;
      auto valueType = cast<RankedTensorType>(attention.getValue().getType());
      if (valueType.getRank() != 4 || attention.getPastKey())
        return attention.emitError()
               << "--resq-lowrank-attention needs [batch, heads, seq, head] "
                  "values and no past cache";
      FailureOr<resq::AttentionMoments> moments =
          resq::readAttentionMoments(attention, statistics, index);
      if (failed(moments))
        return failure();
      LayerPlan p{std::move(*moments)};
      int64_t hd = attention.getHeadDim();
      if (threshold != 0) {
        p.keyRank = resq::numerics::rankForThreshold(p.moments.keys, threshold);
        p.valueRank = 1;
        // One value rank for the layer: the largest any head needs (as the
        // reference does).
        for (const Eigen::MatrixXd &head : p.moments.values)
          p.valueRank = std::max(
              p.valueRank, resq::numerics::rankForThreshold(head, threshold));
      } else if (kvBitsPerToken == 0) {
        for (auto [rank, name] : {std::pair{int64_t(kRank), "k-rank"},
                                  std::pair{int64_t(vRank), "v-rank"}})
          if (rank != 0 && (rank < 1 || rank > hd))
            return attention.emitError()
                   << "--resq-lowrank-attention: " << name << " " << rank
                   << " is not in [1, " << hd << "] (the head size)";
        p.keyRank = kRank;
        p.valueRank = vRank;
      }
      plans.push_back(std::move(p));
    }
    if (kvBitsPerToken != 0 && failed(allocate(model, plans)))
      return failure();
    return plans;
  }

  /// Ranks under the kv-bits-per-token budget, across the model's layers.
  LogicalResult allocate(resq::TransformerStructure &model,
                         std::vector<LayerPlan> &plans) {
    std::vector<resq::AttentionMoments> moments;
    for (const LayerPlan &p : plans)
      moments.push_back(p.moments);
    int64_t kvHeads = model.layers.front().attention.getNumKvHeads();
    std::optional<std::vector<int64_t>> ranks = resq::numerics::allocateRanks(
        resq::kvBudgetSpaces(moments, 1, 0, kCachedElementBits * kvHeads),
        kvBitsPerToken);
    if (!ranks)
      return model.layers.front().attention.emitError()
             << "--resq-lowrank-attention: kv-bits-per-token "
             << double(kvBitsPerToken) << " is below the "
             << 2 * plans.size() * kCachedElementBits * kvHeads
             << " bits of rank 1 in every layer";
    for (auto [index, p] : llvm::enumerate(plans)) {
      p.keyRank = (*ranks)[2 * index];
      p.valueRank = (*ranks)[2 * index + 1];
    }
    return success();
  }

  /// Projects the layer's queries and keys after RoPE onto its key basis:
  /// the leading eigenvectors of the keys' moment averaged over KV heads.
  LogicalResult projectKeys(resq::TransformerLayer &layer, int64_t index,
                            const LayerPlan &p, resq::ModuleParams &params) {
    return resq::projectQueriesAndKeys(
        layer, params, "layers." + std::to_string(index) + ".k_basis",
        resq::numerics::leadingDirections(p.moments.keys, p.keyRank),
        "resq-lowrank-attention");
  }

  /// Folds one value basis per KV head into W_v and W_o: attention takes
  /// and returns valueRank columns per head.
  LogicalResult projectValues(resq::TransformerLayer &layer, int64_t index,
                              const LayerPlan &p, resq::ModuleParams &params) {
    resq::AttentionOp attention = layer.attention;
    int64_t hd = p.moments.keys.rows();
    int64_t kvHeads = attention.getNumKvHeads(),
            heads = attention.getNumHeads();
    std::vector<Eigen::MatrixXd> bases;
    for (const Eigen::MatrixXd &moment : p.moments.values)
      bases.push_back(resq::numerics::leadingDirections(moment, p.valueRank));
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
    std::string prefix = "layers." + std::to_string(index) + ".";
    return resq::shrinkValueHeads(
        layer, params, p.valueRank, prefix + "v_lowrank", folded.valueWeight,
        prefix + "o_lowrank", folded.outputWeight, "resq-lowrank-attention");
  }
};

} // namespace
