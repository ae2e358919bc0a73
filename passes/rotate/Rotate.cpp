//===- Rotate.cpp - QuaRot-style and ResQ rotations -----------------------===//
//
// Reads the weights a rotation touches from the archive, multiplies them in
// float64 and writes the results as new tensors; inserts the online
// rotations as resq.rotate ops. The matrices come from lib/numerics.
//
//===----------------------------------------------------------------------===//

#include "passes/common/CalibrationStats.h"
#include "passes/common/LowRankRewrite.h"
#include "passes/common/ModuleParams.h"
#include "passes/common/TransformerStructure.h"
#include "passes/rotate/Passes.h"

#include "resq/numerics/Hadamard.h"
#include "resq/numerics/LowRank.h"
#include "resq/numerics/PcaRotation.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace resq {
#define GEN_PASS_DEF_RESQROTATE
#include "passes/rotate/Passes.h.inc"
} // namespace resq

using namespace mlir;
using RowMatrix = resq::ModuleParams::RowMatrix;

namespace {

struct Rotate : resq::impl::ResqRotateBase<Rotate> {
  using ResqRotateBase::ResqRotateBase;

  resq::ModuleParams *params = nullptr;
  resq::CalibrationStats statistics;
  bool hadError = false;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (highFraction <= 0 || highFraction >= 1) {
      module.emitError() << "--resq-rotate: high-fraction must be in (0, 1)";
      return signalPassFailure();
    }
    if (lowRank() && scheme != resq::RotationScheme::Resq) {
      module.emitError() << "--resq-rotate: k-rank, v-rank, kv-threshold and "
                            "kv-bits-per-token need scheme=resq (its PCA "
                            "bases)";
      return signalPassFailure();
    }
    if ((kRank != 0 || vRank != 0) + (kvThreshold != 0) +
            (kvBitsPerToken != 0) >
        1) {
      module.emitError() << "--resq-rotate: k-rank/v-rank, kv-threshold and "
                            "kv-bits-per-token exclude each other";
      return signalPassFailure();
    }
    if (kvThreshold < 0 || kvThreshold > 1 || kvBitsPerToken < 0) {
      module.emitError() << "--resq-rotate: kv-threshold must be in (0, 1] "
                            "and kv-bits-per-token positive";
      return signalPassFailure();
    }
    if (scheme == resq::RotationScheme::Resq &&
        !statistics.openOrReport(module, stats,
                                 "--resq-rotate scheme=resq needs the "
                                 "calibration statistics"))
      return signalPassFailure();
    FailureOr<resq::TransformerWeights> opened =
        resq::openTransformerWeights(module, "resq-rotate");
    if (failed(opened))
      return signalPassFailure();
    params = opened->params.get();
    // Its rotations span the whole head: after --resq-lowrank-attention they
    // would mix the kept directions with the dropped ones.
    if (failed(resq::refuseLowRank(opened->models, "resq-rotate")))
      return signalPassFailure();
    for (resq::TransformerStructure &model : opened->models) {
      rotate(model);
      if (hadError)
        return signalPassFailure();
    }
    std::string error;
    if (!params->commit(error)) {
      module.emitError() << "cannot write the parameter archive: " << error;
      return signalPassFailure();
    }
    module->setAttr(resq::ResqDialect::getRotationAttrName(),
                    StringAttr::get(module.getContext(),
                                    resq::stringifyRotationScheme(scheme)));
  }

  //===--- weights ---------------------------------------------------===//

  std::optional<RowMatrix> read(Value weight) {
    std::optional<RowMatrix> matrix = params->readMatrix(weight);
    hadError |= !matrix;
    return matrix;
  }

  void write(OpOperand &use, const RowMatrix &value) {
    params->replaceMatrix(use, value, ".rotated");
  }

  /// W <- left * W * right (either may be empty: identity).
  void transform(resq::LinearOp linear, const Eigen::MatrixXd *left,
                 const Eigen::MatrixXd *right) {
    std::optional<RowMatrix> w = read(linear.getWeight());
    if (!w)
      return;
    RowMatrix result = *w;
    if (left)
      result = *left * result;
    if (right)
      result = result * *right;
    write(linear.getWeightMutable(), result);
  }

  //===--- matrices --------------------------------------------------===//

  bool lowRank() const {
    return kRank != 0 || vRank != 0 || kvThreshold != 0 || kvBitsPerToken != 0;
  }

  /// Per-layer ranks kv-bits-per-token chose (empty without a budget).
  std::vector<int64_t> budgetKeyRanks, budgetValueRanks;

  /// Allocates the budget over the model's layers: ResQ's high part of
  /// each head stays, the rest of a head costs kv-bits per component.
  bool allocateBudget(resq::TransformerStructure &model, int64_t high) {
    std::vector<resq::AttentionMoments> layers;
    for (auto [l, layer] : llvm::enumerate(model.layers)) {
      FailureOr<resq::AttentionMoments> moments =
          resq::readAttentionMoments(layer.attention, statistics, l);
      if (failed(moments))
        return false;
      layers.push_back(std::move(*moments));
    }
    int64_t kvHeads = model.layers.front().attention.getNumKvHeads();
    double fixedBits = double(kvHeads * high * (kvHighBits - kvBits));
    std::vector<resq::numerics::RankSpace> spaces =
        resq::kvBudgetSpaces(layers, high, fixedBits, double(kvBits * kvHeads));
    std::optional<std::vector<int64_t>> ranks =
        resq::numerics::allocateRanks(spaces, kvBitsPerToken);
    if (!ranks) {
      double floor = 2.0 * layers.size() * kvHeads * high * kvHighBits;
      model.layers.front().attention.emitError()
          << "--resq-rotate: kv-bits-per-token " << double(kvBitsPerToken)
          << " is below the " << floor
          << " bits of the high-precision channels alone";
      return false;
    }
    budgetKeyRanks.clear();
    budgetValueRanks.clear();
    for (size_t l = 0; l < layers.size(); ++l) {
      budgetKeyRanks.push_back((*ranks)[2 * l]);
      budgetValueRanks.push_back((*ranks)[2 * l + 1]);
    }
    return true;
  }

  /// The mean second moment of `site` for `group`, or nullopt after a
  /// diagnostic.
  std::optional<Eigen::MatrixXd> moment(const std::string &site,
                                        int64_t group) {
    std::string error;
    std::optional<Eigen::MatrixXd> c = statistics.mean(site, group, error);
    if (!c) {
      getOperation().emitError() << error;
      hadError = true;
    }
    return c;
  }

  /// ResQ's basis of `c`, keeping its `rank` strongest components (-1: all).
  Eigen::MatrixXd pcaBasis(const Eigen::MatrixXd &c, uint64_t salt,
                           int64_t rank = -1) {
    return resq::numerics::pcaRotation(
        c, resq::numerics::highChannels(c.rows(), highFraction), damp,
        uint64_t(seed) + salt, rank);
  }

  std::optional<Eigen::MatrixXd> pca(const std::string &site, int64_t group,
                                     uint64_t salt, int64_t rank = -1) {
    std::optional<Eigen::MatrixXd> c = moment(site, group);
    if (!c)
      return std::nullopt;
    return pcaBasis(*c, salt, rank);
  }

  /// A rank option checked against a head of `hd` whose high-precision part
  /// has `high` channels (0: the whole head); nullopt after a diagnostic.
  std::optional<int64_t> checkedRank(resq::AttentionOp attention,
                                     const char *option, int64_t rank,
                                     int64_t hd, int64_t high) {
    if (rank == 0)
      return hd;
    if (rank >= high && rank <= hd)
      return rank;
    attention.emitError() << "--resq-rotate: " << option << " " << rank
                          << " is not in [" << high << ", " << hd
                          << "] (from the high-precision width to the head "
                             "size)";
    hadError = true;
    return std::nullopt;
  }

  /// The rank kv-threshold gives a layer's moments: the largest any of them
  /// needs, and never below the high-precision width.
  int64_t thresholdRank(ArrayRef<Eigen::MatrixXd> moments, int64_t high) {
    int64_t rank = high;
    for (const Eigen::MatrixXd &m : moments)
      rank = std::max(rank, resq::numerics::rankForThreshold(m, kvThreshold));
    return rank;
  }

  bool normsFolded(const resq::TransformerStructure &model) {
    SmallVector<resq::RmsNormOp> norms = {model.finalNorm};
    for (const resq::TransformerLayer &layer : model.layers)
      norms.append({layer.attnNorm, layer.mlpNorm});
    for (resq::RmsNormOp norm : norms) {
      std::optional<std::vector<double>> gamma =
          resq::constantValues(norm.getGamma(), params);
      if (!gamma || llvm::any_of(*gamma, [](double g) { return g != 1.0; })) {
        norm.emitError() << "--resq-rotate needs RMSNorm scales of 1: run "
                            "--resq-fold-norms first";
        return false;
      }
    }
    return true;
  }

  /// A resq.rotate of `value` (last dim) placed after its definition.
  Value insertRotate(Value value, Value matrix, int64_t hadamardSeed) {
    OpBuilder b(value.getContext());
    b.setInsertionPointAfterValue(value);
    if (matrix &&
        matrix.getDefiningOp()->isBeforeInBlock(value.getDefiningOp()) == false)
      b.setInsertionPointAfterValue(matrix);
    MLIRContext *context = value.getContext();
    return resq::RotateOp::create(
        b, value.getLoc(), value.getType(), value, matrix,
        resq::RotationKindAttr::get(context,
                                    matrix ? resq::RotationKind::Matrix
                                           : resq::RotationKind::Hadamard),
        matrix ? IntegerAttr() : b.getI64IntegerAttr(hadamardSeed),
        resq::RotationModeAttr::get(context, resq::RotationMode::Online),
        UnitAttr());
  }

  /// Queries and keys after RoPE, online: U_C as a resq.rotate, or with a
  /// key rank below the head size its kept components as a resq.project.
  void rotateQueriesAndKeys(resq::TransformerLayer &layer, int64_t l,
                            int64_t high, bool pcaScheme) {
    std::string prefix = "layers." + std::to_string(l) + ".";
    int64_t hd = layer.attention.getHeadDim();
    Value matrix;
    if (pcaScheme) {
      Eigen::MatrixXd c = Eigen::MatrixXd::Zero(hd, hd);
      int64_t kvHeads = layer.attention.getNumKvHeads();
      for (int64_t h = 0; h < kvHeads; ++h) {
        std::optional<Eigen::MatrixXd> part = moment(prefix + "k_rope", h);
        if (!part)
          return;
        c += *part;
      }
      c /= double(kvHeads);
      std::optional<int64_t> keyRank =
          kvBitsPerToken != 0 ? budgetKeyRanks[l]
          : kvThreshold != 0
              ? thresholdRank({c}, high)
              : checkedRank(layer.attention, "k-rank", kRank, hd, high);
      if (!keyRank)
        return;
      Eigen::MatrixXd uc = resq::numerics::pcaRotation(
          c, high, damp, uint64_t(seed) + 2 + 1000 * (l + 1), *keyRank);
      if (*keyRank < hd) {
        hadError |= failed(resq::projectQueriesAndKeys(
            layer, *params, prefix + "rotate_qk", uc, "resq-rotate"));
        return;
      }
      RowMatrix ucRows = uc;
      std::string name = params->add(
          prefix + "rotate_qk", resq::params::DType::F32, {hd, hd},
          std::vector<double>(ucRows.data(), ucRows.data() + ucRows.size()));
      OpBuilder b(layer.qRope);
      matrix = resq::ParamOp::create(
          b, layer.qRope.getLoc(),
          RankedTensorType::get({hd, hd}, b.getF32Type()), name);
    }
    for (resq::RopeOp rope : {layer.qRope, layer.kRope}) {
      Value rotated = insertRotate(rope.getResult(), matrix, seed + 2);
      rope.getResult().replaceAllUsesExcept(rotated, rotated.getDefiningOp());
    }
  }

  /// The down projection's input, online Hadamard: W_down <- U_D^T W_down U.
  void rotateDown(resq::TransformerLayer &layer, const Eigen::MatrixXd &u) {
    int64_t dff =
        cast<RankedTensorType>(layer.down.getWeight().getType()).getShape()[0];
    Eigen::MatrixXd ud = resq::numerics::randomizedHadamard(dff, seed + 3);
    Eigen::MatrixXd udt = ud.transpose();
    transform(layer.down, &udt, &u);
    OpBuilder b(layer.down);
    Value input = layer.down.getInput();
    Value rotated = resq::RotateOp::create(
        b, layer.down.getLoc(), input.getType(), input, Value(),
        resq::RotationKindAttr::get(b.getContext(),
                                    resq::RotationKind::Hadamard),
        b.getI64IntegerAttr(seed + 3),
        resq::RotationModeAttr::get(b.getContext(), resq::RotationMode::Online),
        UnitAttr());
    layer.down.getInputMutable().assign(rotated);
  }

  void rotate(resq::TransformerStructure &model) {
    if (!normsFolded(model)) {
      hadError = true;
      return;
    }
    bool pcaScheme = scheme == resq::RotationScheme::Resq;
    int64_t d = cast<RankedTensorType>(model.embedding.getTable().getType())
                    .getShape()[1];
    int64_t layers = model.layers.size();

    // The residual stream.
    Eigen::MatrixXd u;
    if (pcaScheme) {
      Eigen::MatrixXd c = Eigen::MatrixXd::Zero(d, d);
      std::string error;
      for (int64_t l = 0; l < layers && !hadError; ++l)
        for (const char *site : {"attn_in", "mlp_in"}) {
          std::optional<Eigen::MatrixXd> part = statistics.mean(
              "layers." + std::to_string(l) + "." + site, 0, error);
          if (!part || part->rows() != d) {
            getOperation().emitError()
                << (part ? "the statistics are of another model (hidden size "
                           "differs)"
                         : error);
            hadError = true;
            return;
          }
          c += *part;
        }
      c /= double(2 * layers);
      u = resq::numerics::pcaRotation(
          c, resq::numerics::highChannels(d, highFraction), damp, seed);
    } else {
      u = resq::numerics::randomizedHadamard(d, seed);
    }
    Eigen::MatrixXd ut = u.transpose();

    if (std::optional<RowMatrix> table = read(model.embedding.getTable()))
      write(model.embedding.getTableMutable(), *table * u);
    transform(model.lmHead, &ut, nullptr);

    // A KV budget is shared by the layers: their ranks are chosen first.
    if (kvBitsPerToken != 0) {
      int64_t hd = model.layers.front().attention.getHeadDim();
      if (!allocateBudget(model,
                          resq::numerics::highChannels(hd, highFraction))) {
        hadError = true;
        return;
      }
    }

    for (auto [l, layer] : llvm::enumerate(model.layers)) {
      if (hadError)
        return;
      std::string prefix = "layers." + std::to_string(l) + ".";
      int64_t hd = layer.attention.getHeadDim();
      int64_t heads = layer.attention.getNumHeads();
      int64_t kvHeads = layer.attention.getNumKvHeads();
      for (resq::LinearOp linear : {layer.q, layer.k, layer.gate, layer.up})
        transform(linear, &ut, nullptr);

      // Values: U^T W_v, then U_B per KV head on its columns; o: U_B^T on
      // the rows of each query head of the group, then U.
      std::optional<RowMatrix> wv = read(layer.v.getWeight());
      std::optional<RowMatrix> wo = read(layer.o.getWeight());
      if (!wv || !wo)
        return;
      RowMatrix v = ut * *wv, o = *wo;
      int64_t group = heads / kvHeads;
      int64_t high = resq::numerics::highChannels(hd, highFraction);
      // Low rank keeps the valueRank strongest components of each U_B.
      std::vector<Eigen::MatrixXd> valueMoments;
      for (int64_t h = 0; pcaScheme && h < kvHeads; ++h) {
        std::optional<Eigen::MatrixXd> c = moment(prefix + "v_out", h);
        if (!c)
          return;
        valueMoments.push_back(std::move(*c));
      }
      std::optional<int64_t> valueRank =
          kvBitsPerToken != 0 ? budgetValueRanks[l]
          : kvThreshold != 0
              ? thresholdRank(valueMoments, high)
              : checkedRank(layer.attention, "v-rank", vRank, hd, high);
      if (!valueRank)
        return;
      int64_t r = *valueRank;
      RowMatrix vOut(v.rows(), kvHeads * r), oOut(heads * r, o.cols());
      for (int64_t h = 0; h < kvHeads; ++h) {
        Eigen::MatrixXd ub =
            pcaScheme ? pcaBasis(valueMoments[h], 1 + 1000 * (l + 1) + h, r)
                      : resq::numerics::randomizedHadamard(hd, seed + 1);
        vOut.middleCols(h * r, r) = v.middleCols(h * hd, hd) * ub;
        for (int64_t q = h * group; q < (h + 1) * group; ++q)
          oOut.middleRows(q * r, r) = ub.transpose() * o.middleRows(q * hd, hd);
      }
      if (r == hd) {
        write(layer.v.getWeightMutable(), vOut);
        write(layer.o.getWeightMutable(), oOut * u);
      } else if (failed(resq::shrinkValueHeads(
                     layer, *params, r, prefix + "v_lowrank", vOut,
                     prefix + "o_lowrank", oOut * u, "resq-rotate"))) {
        hadError = true;
        return;
      }

      rotateQueriesAndKeys(layer, l, high, pcaScheme);
      if (hadError)
        return;
      rotateDown(layer, u);
    }
  }
};

} // namespace
