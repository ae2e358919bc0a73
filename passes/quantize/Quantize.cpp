//===- Quantize.cpp - fake quantization of a transformer ------------------===//
//
// Weights are quantized now (RTN or GPTQ, lib/numerics) and stored
// dequantized (mode=fake) or as integers for resq.qlinear (mode=int);
// activation and KV quantizers are resq ops that the CPU backend lowers.
// Every space has a low and a high part (the last high-fraction of its
// channels), the latter at high-bits.
//
//===----------------------------------------------------------------------===//

#include "passes/common/CalibrationStats.h"
#include "passes/common/ModuleParams.h"
#include "passes/common/TransformerStructure.h"
#include "passes/quantize/IntegerWeights.h"
#include "passes/quantize/Passes.h"

#include "resq/numerics/Gptq.h"
#include "resq/numerics/PcaRotation.h"
#include "resq/numerics/RoundToNearest.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace resq {
#define GEN_PASS_DEF_RESQQUANTIZE
#include "passes/quantize/Passes.h.inc"
} // namespace resq

using namespace mlir;
using resq::QuantMode;
using resq::WeightQuantizer;
using RowMatrix = resq::ModuleParams::RowMatrix;

namespace {

int64_t lastDim(Value value) {
  return cast<ShapedType>(value.getType()).getShape().back();
}

struct Quantize : resq::impl::ResqQuantizeBase<Quantize> {
  using ResqQuantizeBase::ResqQuantizeBase;

  resq::ModuleParams *params = nullptr;
  resq::CalibrationStats statistics;
  bool hadError = false;

  LogicalResult checkOptions(ModuleOp module) {
    auto bad = [&](const Twine &what) {
      return module.emitError() << "--resq-quantize: " << what;
    };
    if (wBits < 2 || wBits > 8)
      return bad("w-bits must be 2 to 8");
    if (aBits < 2 || aBits > 16 || kvBits < 2 || kvBits > 16)
      return bad("a-bits and kv-bits must be 2 to 16");
    if (highBits != 0 && (highBits < 2 || highBits > 16))
      return bad("high-bits must be 0 (no split) or 2 to 16");
    if (highFraction <= 0 || highFraction >= 1)
      return bad("high-fraction must be in (0, 1)");
    if (clip <= 0 || clip > 1)
      return bad("clip must be in (0, 1]");
    if (groupSize < 0)
      return bad("group-size must be 0 or positive");
    if (weights == WeightQuantizer::Rtn && actOrder)
      return bad("act-order needs weights=gptq");
    if (mode == QuantMode::Int && (aBits > 8 || highBits > 8))
      return bad("mode=int needs a-bits and high-bits of at most 8 (integer "
                 "activations); weight-only W4A16 is mode=fake");
    if (mode == QuantMode::Int && groupSize != 0)
      return bad("mode=int needs group-size=0 (one scale per output channel "
                 "and width)");
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkOptions(module)))
      return signalPassFailure();
    bool network = !hasAttention(module);
    if (network && weights != WeightQuantizer::Rtn) {
      module.emitError() << "--resq-quantize: a network without attention "
                            "is quantized with weights=rtn (GPTQ's "
                            "statistics are collected per transformer site)";
      return signalPassFailure();
    }
    if (weights == WeightQuantizer::Gptq &&
        !statistics.openOrReport(module, stats,
                                 "--resq-quantize weights=gptq needs "
                                 "calibration statistics of the model as it "
                                 "is"))
      return signalPassFailure();
    std::unique_ptr<resq::ModuleParams> networkParams;
    std::optional<resq::TransformerWeights> transformer;
    if (!network) {
      FailureOr<resq::TransformerWeights> opened =
          resq::openTransformerWeights(module, "resq-quantize");
      if (failed(opened))
        return signalPassFailure();
      transformer = std::move(*opened);
      params = transformer->params.get();
      for (resq::TransformerStructure &model : transformer->models)
        for (auto [l, layer] : llvm::enumerate(model.layers))
          if (!hadError)
            quantizeLayer(layer, l);
    } else {
      networkParams = resq::ModuleParams::openOrReport(module, "resq-quantize");
      if (!networkParams)
        return signalPassFailure();
      params = networkParams.get();
      quantizeNetwork(module);
    }
    std::string error;
    if (hadError)
      return signalPassFailure();
    if (!params->commit(error)) {
      module.emitError() << "cannot write the parameter archive: " << error;
      signalPassFailure();
    }
  }

  /// Channels of a space of `width` at high-bits (0 when the split is inert
  /// because both parts would have `lowBits`).
  int64_t highOf(int64_t width, int64_t lowBits) const {
    return highBits == 0 || highBits == lowBits
               ? 0
               : resq::numerics::highChannels(width, highFraction);
  }

  //===--- weights ---------------------------------------------------===//

  /// The weight of `linear` quantized with input row i at `bits[i]`, or
  /// nullopt after a diagnostic.
  std::optional<resq::numerics::QuantizedRows>
  quantizeWeight(resq::LinearOp linear, const std::vector<int64_t> &bits,
                 const std::string &site) {
    std::optional<RowMatrix> w = params->readMatrix(linear.getWeight());
    if (!w)
      return std::nullopt;
    resq::numerics::QuantizerConfig quantizer{wBits, /*symmetric=*/true};
    if (weights == WeightQuantizer::Rtn)
      return resq::numerics::roundToNearestRows(quantizer, *w, bits, groupSize);
    std::string error;
    std::optional<Eigen::MatrixXd> hessian = statistics.mean(site, 0, error);
    if (!hessian || hessian->rows() != w->rows()) {
      linear.emitError() << (hessian ? "the statistics of '" + site +
                                           "' do not fit this weight"
                                     : error);
      return std::nullopt;
    }
    resq::numerics::GptqConfig config;
    config.quantizer = quantizer;
    config.groupSize = groupSize;
    config.actOrder = actOrder;
    config.featureBits = bits;
    std::optional<resq::numerics::GptqResult> result =
        resq::numerics::gptq(*w, *hessian, config);
    if (!result) {
      linear.emitError() << "GPTQ: the damped Hessian of '" << site
                         << "' is not positive definite";
      return std::nullopt;
    }
    return std::move(*result);
  }

  /// The two-part split of a group of `width` channels at `lowBits` /
  /// high-bits (one range when there is no high part). The high part is
  /// that of a space of `space` channels (0: `width`): a low-rank head keeps
  /// its full head's high-precision channels.
  SmallVector<resq::BitRange> split(int64_t width, int64_t lowBits, bool splits,
                                    int64_t space = 0) const {
    int64_t high = splits ? highOf(space ? space : width, lowBits) : 0;
    SmallVector<resq::BitRange> ranges = {{width - high, lowBits}};
    if (high)
      ranges.push_back({high, highBits});
    return ranges;
  }

  /// Linear layers that read one input, quantized in groups of `group`
  /// channels, split in a low and a high part unless `splits` is false.
  /// In mode=int they become one resq.qlinear (q, k and v share one GEMM
  /// and one quantization of their input; so do gate and up).
  struct LinearSites {
    SmallVector<resq::LinearOp> ops;
    int64_t group;
    bool splits;
    std::string statistics;
    /// The space whose high part the split keeps (0: the group).
    int64_t space = 0;
  };

  void quantizeLinears(LinearSites &sites) {
    SmallVector<resq::BitRange> rowRanges =
        split(sites.group, wBits, sites.splits, sites.space);
    SmallVector<resq::numerics::QuantizedRows> quantized;
    for (resq::LinearOp op : sites.ops) {
      int64_t in =
          cast<RankedTensorType>(op.getWeight().getType()).getShape()[0];
      std::vector<int64_t> bits;
      for (int64_t start = 0; start < in; start += sites.group)
        for (resq::BitRange range : rowRanges)
          bits.insert(bits.end(), range.size, range.bits);
      std::optional<resq::numerics::QuantizedRows> rows =
          quantizeWeight(op, bits, sites.statistics);
      if (!rows) {
        hadError = true;
        return;
      }
      if (mode == QuantMode::Fake)
        params->replaceMatrix(op.getWeightMutable(), rows->weights,
                              ".quantized");
      else
        quantized.push_back(std::move(*rows));
    }
    if (mode == QuantMode::Fake)
      return;
    resq::IntegerLinear integer{
        split(sites.group, aBits, sites.splits, sites.space), rowRanges,
        sites.group, actSym, clip};
    if (failed(
            resq::replaceWithQLinear(sites.ops, quantized, integer, *params)))
      hadError = true;
  }

  //===--- activations -----------------------------------------------===//

  /// A per-token quantizer of `x` in groups of `width` channels (the whole
  /// last dim, or one head), split at `lowBits` / high-bits (the high part
  /// of `space` channels, 0: of `width`).
  Value quantizer(OpBuilder &b, Value x, int64_t width, int64_t lowBits,
                  int64_t space = 0) {
    int64_t last = cast<RankedTensorType>(x.getType()).getShape().back();
    return resq::SubspaceQuantOp::create(
        b, x.getLoc(), x.getType(), x,
        resq::bitRangesAttr(b.getContext(), split(width, lowBits, true, space)),
        width < last ? b.getI64IntegerAttr(width) : IntegerAttr(),
        actSym ? b.getUnitAttr() : UnitAttr(), b.getF64FloatAttr(clip));
  }

  /// Quantizes the value read by `uses` once, right after its definition.
  void quantizeInput(ArrayRef<OpOperand *> uses, int64_t width, int64_t lowBits,
                     int64_t space = 0) {
    Value x = uses.front()->get();
    OpBuilder b(x.getContext());
    b.setInsertionPointAfterValue(x);
    Value q = quantizer(b, x, width, lowBits, space);
    for (OpOperand *use : uses)
      use->set(q);
  }

  static bool hasAttention(ModuleOp module) {
    return module
        .walk([](resq::AttentionOp) { return WalkResult::interrupt(); })
        .wasInterrupted();
  }

  /// A network without attention (an MLP): every resq.linear with a
  /// parameter weight is its own site, its weight per output channel at
  /// w-bits and its input per token at a-bits, without a subspace split.
  void quantizeNetwork(ModuleOp module) {
    SmallVector<resq::LinearOp> linears;
    module.walk([&](resq::LinearOp op) {
      if (resq::matrixParam(op.getWeight()))
        linears.push_back(op);
    });
    if (linears.empty()) {
      module.emitError()
          << "--resq-quantize: nothing to quantize: no resq.attention and no "
             "resq.linear on a parameter weight (run --resq-raise-transformer "
             "first)";
      hadError = true;
    }
    for (resq::LinearOp linear : linears) {
      if (hadError)
        return;
      int64_t in =
          cast<RankedTensorType>(linear.getWeight().getType()).getShape()[0];
      if (aBits < 16 && mode == QuantMode::Fake) {
        OpBuilder b(linear);
        Value x = linear.getInput();
        linear.getInputMutable().assign(resq::FakeQuantOp::create(
            b, x.getLoc(), x.getType(), x,
            resq::QuantGranularityAttr::get(b.getContext(),
                                            resq::QuantGranularity::PerToken),
            IntegerAttr(), b.getI64IntegerAttr(aBits),
            actSym ? b.getUnitAttr() : UnitAttr(), b.getF64FloatAttr(clip)));
      }
      LinearSites site{{linear}, in, /*splits=*/false, ""};
      quantizeLinears(site);
    }
  }

  void quantizeLayer(resq::TransformerLayer &layer, int64_t index) {
    std::string prefix = "layers." + std::to_string(index) + ".";
    // Low-rank attention (resq.k_rank / resq.v_rank) reads keys and values
    // of fewer columns than the model's head (RoPE's); they keep the high
    // part of the full head, as ResQ's truncated bases order them.
    int64_t hd = layer.qRope ? lastDim(layer.qRope.getResult())
                             : layer.attention.getHeadDim();
    int64_t keyWidth = lastDim(layer.attention.getKey());
    int64_t valueWidth = lastDim(layer.attention.getValue());
    int64_t high =
        highBits ? resq::numerics::highChannels(hd, highFraction) : 0;
    if (std::min(keyWidth, valueWidth) < high) {
      layer.attention.emitError()
          << "--resq-quantize: the low-rank heads (keys " << keyWidth
          << ", values " << valueWidth << " columns) are narrower than the "
          << high << " high-precision channels of the " << hd
          << "-channel head";
      hadError = true;
      return;
    }
    auto inputWidth = [](resq::LinearOp linear) {
      return cast<RankedTensorType>(linear.getWeight().getType()).getShape()[0];
    };
    int64_t d = inputWidth(layer.q), dff = inputWidth(layer.down);

    // In fake mode the activation quantizers are separate ops, inserted
    // once per input before the linears are replaced; qlinear quantizes
    // its own input.
    if (aBits < 16 && mode == QuantMode::Fake) {
      quantizeInput({&layer.q.getInputMutable(), &layer.k.getInputMutable(),
                     &layer.v.getInputMutable()},
                    d, aBits);
      quantizeInput(
          {&layer.gate.getInputMutable(), &layer.up.getInputMutable()}, d,
          aBits);
      quantizeInput({&layer.o.getInputMutable()}, valueWidth, aBits, hd);
      // The down input is Hadamard-rotated: uniform.
      OpBuilder b(layer.down);
      Value x = layer.down.getInput();
      layer.down.getInputMutable().assign(resq::FakeQuantOp::create(
          b, x.getLoc(), x.getType(), x,
          resq::QuantGranularityAttr::get(b.getContext(),
                                          resq::QuantGranularity::PerToken),
          IntegerAttr(), b.getI64IntegerAttr(aBits),
          actSym ? b.getUnitAttr() : UnitAttr(), b.getF64FloatAttr(clip)));
    }
    if (kvBits < 16) {
      OpBuilder b(layer.attention);
      layer.attention.getKeyMutable().assign(
          quantizer(b, layer.attention.getKey(), keyWidth, kvBits, hd));
      layer.attention.getValueMutable().assign(
          quantizer(b, layer.attention.getValue(), valueWidth, kvBits, hd));
    }

    // The down input is Hadamard-rotated: no split.
    std::vector<LinearSites> sites = {
        {{layer.q, layer.k, layer.v}, d, true, prefix + "attn_in"},
        {{layer.gate, layer.up}, d, true, prefix + "mlp_in"},
        {{layer.o}, valueWidth, true, prefix + "o_in", hd},
        {{layer.down}, dff, false, prefix + "down_in"}};
    for (LinearSites &site : sites)
      if (!hadError)
        quantizeLinears(site);
  }
};

} // namespace
