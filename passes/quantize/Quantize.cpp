//===- Quantize.cpp - fake quantization of a transformer ------------------===//
//
// Weights are quantized now (RTN or GPTQ, lib/numerics) and stored
// dequantized; activation and KV quantizers are resq ops that the CPU
// backend lowers. Every space has a low and a high part (the last
// high-fraction of its channels), the latter at high-bits.
//
//===----------------------------------------------------------------------===//

#include "passes/common/CalibrationStats.h"
#include "passes/common/ModuleParams.h"
#include "passes/common/TransformerStructure.h"
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
using RowMatrix = resq::ModuleParams::RowMatrix;

namespace {

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
    if (weights != "rtn" && weights != "gptq")
      return bad("weights must be rtn or gptq, not '" + weights + "'");
    if (weights == "rtn" && actOrder)
      return bad("act-order needs weights=gptq");
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkOptions(module)))
      return signalPassFailure();
    if (weights == "gptq" &&
        !statistics.openOrReport(module, stats,
                                 "--resq-quantize weights=gptq needs "
                                 "calibration statistics of the model as it "
                                 "is"))
      return signalPassFailure();
    FailureOr<resq::TransformerWeights> opened =
        resq::openTransformerWeights(module, "resq-quantize");
    if (failed(opened))
      return signalPassFailure();
    params = opened->params.get();
    for (resq::TransformerStructure &model : opened->models)
      for (auto [l, layer] : llvm::enumerate(model.layers))
        if (!hadError)
          quantizeLayer(layer, l);
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

  /// Row widths of a weight whose input is split in groups of `block` rows
  /// (the whole input, or one head), each with its high rows last.
  std::vector<int64_t> rowBits(int64_t rows, int64_t block, bool split) const {
    std::vector<int64_t> bits(rows, wBits);
    int64_t high = split ? highOf(block, wBits) : 0;
    for (int64_t start = 0; start < rows; start += block)
      for (int64_t i = start + block - high; i < start + block; ++i)
        bits[i] = highBits;
    return bits;
  }

  void quantizeWeight(resq::LinearOp linear, const std::vector<int64_t> &bits,
                      const std::string &site) {
    std::optional<RowMatrix> w = params->readMatrix(linear.getWeight());
    if (!w) {
      hadError = true;
      return;
    }
    resq::numerics::QuantizerConfig quantizer{wBits, /*symmetric=*/true};
    Eigen::MatrixXd quantized;
    if (weights == "rtn") {
      quantized =
          resq::numerics::roundToNearestRows(quantizer, *w, bits, groupSize);
    } else {
      std::string error;
      std::optional<Eigen::MatrixXd> hessian = statistics.mean(site, 0, error);
      if (!hessian || hessian->rows() != w->rows()) {
        linear.emitError() << (hessian ? "the statistics of '" + site +
                                             "' do not fit this weight"
                                       : error);
        hadError = true;
        return;
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
        hadError = true;
        return;
      }
      quantized = result->weights;
    }
    params->replaceMatrix(linear.getWeightMutable(), quantized, ".quantized");
  }

  //===--- activations -----------------------------------------------===//

  /// A per-token quantizer of `x` in groups of `width` channels (the whole
  /// last dim, or one head), split at `lowBits` / high-bits.
  Value quantizer(OpBuilder &b, Value x, int64_t width, int64_t lowBits) {
    MLIRContext *context = b.getContext();
    int64_t last = cast<RankedTensorType>(x.getType()).getShape().back();
    int64_t high = highOf(width, lowBits);
    SmallVector<Attribute> ranges = {
        resq::BitRangeAttr::get(context, width - high, lowBits)};
    if (high)
      ranges.push_back(resq::BitRangeAttr::get(context, high, highBits));
    return resq::SubspaceQuantOp::create(
        b, x.getLoc(), x.getType(), x, b.getArrayAttr(ranges),
        width < last ? b.getI64IntegerAttr(width) : IntegerAttr(),
        actSym ? b.getUnitAttr() : UnitAttr(), b.getF64FloatAttr(clip));
  }

  /// Quantizes the value read by `uses` once, right after its definition.
  void quantizeInput(ArrayRef<OpOperand *> uses, int64_t width,
                     int64_t lowBits) {
    Value x = uses.front()->get();
    OpBuilder b(x.getContext());
    b.setInsertionPointAfterValue(x);
    Value q = quantizer(b, x, width, lowBits);
    for (OpOperand *use : uses)
      use->set(q);
  }

  void quantizeLayer(resq::TransformerLayer &layer, int64_t index) {
    std::string prefix = "layers." + std::to_string(index) + ".";
    int64_t hd = layer.attention.getHeadDim();
    auto inputWidth = [](resq::LinearOp linear) {
      return cast<RankedTensorType>(linear.getWeight().getType()).getShape()[0];
    };
    int64_t d = inputWidth(layer.q), oIn = inputWidth(layer.o),
            dff = inputWidth(layer.down);

    for (resq::LinearOp linear : {layer.q, layer.k, layer.v})
      quantizeWeight(linear, rowBits(d, d, true), prefix + "attn_in");
    for (resq::LinearOp linear : {layer.gate, layer.up})
      quantizeWeight(linear, rowBits(d, d, true), prefix + "mlp_in");
    quantizeWeight(layer.o, rowBits(oIn, hd, true), prefix + "o_in");
    quantizeWeight(layer.down, rowBits(dff, dff, false), prefix + "down_in");

    if (aBits < 16) {
      quantizeInput({&layer.q.getInputMutable(), &layer.k.getInputMutable(),
                     &layer.v.getInputMutable()},
                    d, aBits);
      quantizeInput(
          {&layer.gate.getInputMutable(), &layer.up.getInputMutable()}, d,
          aBits);
      quantizeInput({&layer.o.getInputMutable()}, hd, aBits);
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
      for (OpOperand *use : {&layer.attention.getKeyMutable(),
                             &layer.attention.getValueMutable()})
        use->set(quantizer(b, use->get(), hd, kvBits));
    }
  }
};

} // namespace
