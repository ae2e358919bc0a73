//===- LowerToCim.cpp - integer linear layers onto crossbars --------------===//
//
// A resq.qlinear keeps the CPU's quantization of its input and its float
// epilogue (passes/lower/QLinearLowering.h); only the integer products move
// onto crossbars: unsigned codes -> cim.program / cim.mvm -> readout ->
// cim.shift_add or cim.scale_accumulate -> digital offset corrections.
// Readout parameters that need data come from the simulator's crossbar
// model run on calibration inputs (CimCalibration.h).
//
//===----------------------------------------------------------------------===//

#include "passes/cim/CimBuilders.h"
#include "passes/cim/CimCalibration.h"
#include "passes/cim/Passes.h"
#include "passes/cim/ScaleTuning.h"
#include "passes/cim/Spiking.h"

#include "dialects/cim/CimOps.h"
#include "dialects/resq/ResqOps.h"
#include "passes/common/LayerNames.h"
#include "passes/common/ModuleParams.h"
#include "passes/lower/QLinearLowering.h"
#include "resq/params/Archive.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace resq {
#define GEN_PASS_DEF_RESQLOWERTOCIM
#include "passes/cim/Passes.h.inc"
} // namespace resq

using namespace mlir;
using namespace resq;

namespace {

/// The functions of `module` that hold integer linear layers.
SmallVector<func::FuncOp> functionsWithQLinears(ModuleOp module) {
  SmallVector<func::FuncOp> funcs;
  module.walk([&](func::FuncOp func) {
    if (func.walk([](QLinearOp) { return WalkResult::interrupt(); })
            .wasInterrupted())
      funcs.push_back(func);
  });
  return funcs;
}

/// Why `op` cannot run on crossbars, or empty.
std::string ineligible(QLinearOp op) {
  int64_t in =
      cast<RankedTensorType>(op.getInput().getType()).getShape().back();
  if (op.getRanges().size() != 1 || op.getWeightRanges().size() != 1)
    return "its channels are split into ranges of different widths (one "
           "crossbar configuration per layer)";
  if (op.getGroupWidth() != in)
    return "its input is quantized in groups";
  if (!op.getWeights().front().getDefiningOp<ParamOp>())
    return "its weights are not a parameter";
  return "";
}

/// Unpacked [k, n] signed weights of a qlinear's single weight range, read
/// from the module's archive.
std::optional<std::vector<int8_t>> readWeights(QLinearOp op,
                                               const params::Archive &archive,
                                               int64_t k, int64_t n) {
  auto param = op.getWeights().front().getDefiningOp<ParamOp>();
  const params::TensorInfo *info = archive.find(param.getName().str());
  if (!info || info->dtype != params::DType::I8)
    return std::nullopt;
  const int8_t *bytes = reinterpret_cast<const int8_t *>(archive.data(*info));
  std::vector<int8_t> weights(k * n);
  bool packed = op.isPacked(0);
  if (info->shape != std::vector<int64_t>{k, packed ? n / 2 : n})
    return std::nullopt;
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j) {
      if (!packed) {
        weights[i * n + j] = bytes[i * n + j];
        continue;
      }
      // Two's complement nibbles, column 2j low.
      int8_t byte = bytes[i * (n / 2) + j / 2];
      weights[i * n + j] =
          j % 2 ? int8_t(byte >> 4) : int8_t(int8_t(byte << 4) >> 4);
    }
  return weights;
}

struct LowerToCim : resq::impl::ResqLowerToCimBase<LowerToCim> {
  using ResqLowerToCimBase::ResqLowerToCimBase;

  /// The option values as the generated options struct.
  void copyOptionsTo(ResqLowerToCimOptions &options) const {
    options.backend = backend;
    options.rows = rows;
    options.cols = cols;
    options.cellBits = cellBits;
    options.mapping = mapping;
    options.device = device;
    options.adcBits = adcBits;
    options.adcCoverage = adcCoverage;
    options.columnsPerAdc = columnsPerAdc;
    options.sense = sense;
    options.fineTuneSteps = fineTuneSteps;
    options.fineTuneRate = fineTuneRate;
    options.steps = steps;
    options.spikingReadout = spikingReadout;
    options.percentile = percentile;
    options.senseOffsets = senseOffsets;
    options.calibration = calibration;
    options.calibrationSamples = calibrationSamples;
  }

  // Shared so that the pass stays copyable (pass managers clone passes).
  std::shared_ptr<params::Archive> calibrationData;
  std::shared_ptr<params::Archive> weightArchive;

  LogicalResult checkOptions(ModuleOp module) {
    auto bad = [&](const Twine &what) {
      return module.emitError() << "--resq-lower-to-cim: " << what;
    };
    if (steps < 1)
      return bad("steps must be positive");
    if (!(percentile > 0 && percentile <= 100))
      return bad("percentile must be in (0, 100]");
    if (backend == CimBackend::Spiking && mapping != cim::Mapping::Differential)
      return bad("backend=spiking needs mapping=differential (signed "
                 "currents into the neurons)");
    if (backend == CimBackend::Spiking && calibration.empty())
      return bad("backend=spiking needs calibration=FILE (the layers' float "
                 "inputs: thresholds are balanced on them)");
    if (adcBits < 1 || adcBits > 16)
      return bad("adc-bits must be 1 to 16");
    if (columnsPerAdc < 1)
      return bad("columns-per-adc must be positive");
    if (!(adcCoverage > 0 && adcCoverage <= 100))
      return bad("adc-coverage must be in (0, 100]");
    if (calibrationSamples < 1)
      return bad("calibration-samples must be positive");
    if (backend == CimBackend::AdcLess && mapping != cim::Mapping::Differential)
      return bad("backend=adc-less needs mapping=differential (the sense "
                 "amplifiers compare signed column-pair currents with 0)");
    if (backend == CimBackend::AdcLess && calibration.empty())
      return bad("backend=adc-less needs calibration=FILE (the layers' float "
                 "inputs, from which the sense-amplifier scales are fitted)");
    if (!calibration.empty()) {
      std::string error;
      calibrationData = params::Archive::open(calibration, error);
      if (!calibrationData)
        return bad("cannot read calibration '" + calibration + "': " + error);
    }
    return success();
  }

  cim::CrossbarAttr crossbarFor(MLIRContext *context, int64_t weightBits,
                                int64_t inputBits) {
    return cim::CrossbarAttr::get(context, rows, cols, cellBits, weightBits,
                                  inputBits, /*dacBits=*/1, mapping,
                                  StringAttr::get(context, device));
  }

  /// Fills the readout parameters of `plan` for `op`; fails after a
  /// diagnostic.
  LogicalResult planReadout(ModuleOp module, QLinearOp op, LayerPlan &plan) {
    cim::CrossbarAttr xbar = plan.crossbar;
    int64_t fullScale =
        xbar.getRows() * ((int64_t(1) << xbar.getCellBits()) - 1);
    plan.columnsPerAdc = columnsPerAdc;
    plan.readout.kind = backend == CimBackend::Adc ? cimsim::ReadoutKind::Adc
                        : backend == CimBackend::AdcLess
                            ? cimsim::ReadoutKind::SenseAmp
                            : cimsim::ReadoutKind::Ideal;
    auto [fullLow, fullHigh] = cimcal::zeroAlignedAdcRange(
        xbar.getMapping() == cim::Mapping::Offset ? 0 : -fullScale, fullScale,
        adcBits);
    plan.readout.adc = cimsim::Adc{int(adcBits), fullLow, fullHigh};
    if (!calibrationData || backend == CimBackend::Ideal)
      return success();

    // The layer's calibration inputs as crossbar codes.
    int64_t k =
        cast<RankedTensorType>(op.getInput().getType()).getShape().back();
    int64_t n = op.getType().getShape().back();
    const params::TensorInfo *info = calibrationInputs(op, plan.name, k);
    if (!info)
      return failure();
    int64_t tokens = std::min<int64_t>(info->shape[0], calibrationSamples);
    const auto *x =
        reinterpret_cast<const float *>(calibrationData->data(*info));
    std::vector<uint32_t> codes =
        cimcal::inputCodes(x, tokens, k, xbar.getInputBits(), op.getSymmetric(),
                           op.getClipRatio().convertToDouble());
    FailureOr<cimsim::ProgrammedMatrix> matrix =
        programmed(module, op, xbar, k, n);
    if (failed(matrix))
      return failure();
    if (backend == CimBackend::Adc) {
      auto [low, high] =
          cimcal::partialSumRange(*matrix, codes, tokens, adcCoverage);
      std::tie(plan.readout.adc.low, plan.readout.adc.high) =
          cimcal::zeroAlignedAdcRange(low, high, adcBits);
    } else {
      plan.readout = cimcal::fitSenseReadout(*matrix, senseMode(), codes,
                                             tokens, senseOffsets);
    }
    return success();
  }

  cimsim::SenseMode senseMode() const {
    return sense == cim::SenseMode::Ternary ? cimsim::SenseMode::Ternary
                                            : cimsim::SenseMode::Binary;
  }

  /// The layer's f32 [tokens, k] calibration inputs; null after a
  /// diagnostic.
  const params::TensorInfo *
  calibrationInputs(Operation *op, const std::string &name, int64_t k) {
    const params::TensorInfo *info = calibrationData->find(name);
    if (!info || info->dtype != params::DType::F32 || info->shape.size() != 2 ||
        info->shape[1] != k) {
      op->emitError() << "--resq-lower-to-cim: calibration '" << calibration
                      << "' has no f32 [tokens, " << k << "] tensor '" << name
                      << "'";
      return nullptr;
    }
    return info;
  }

  /// `op`'s weights programmed as the simulator will program them onto
  /// `xbar`; fails after a diagnostic.
  FailureOr<cimsim::ProgrammedMatrix> programmed(ModuleOp module, QLinearOp op,
                                                 cim::CrossbarAttr xbar,
                                                 int64_t k, int64_t n) {
    if (!weightArchive) {
      std::unique_ptr<ModuleParams> params =
          ModuleParams::openOrReport(module, "resq-lower-to-cim");
      std::string error;
      if (params)
        weightArchive = params::Archive::open(params->path(), error);
      if (!weightArchive) {
        module.emitError() << "--resq-lower-to-cim: cannot read the weights"
                           << error;
        return failure();
      }
    }
    std::optional<std::vector<int8_t>> weights =
        readWeights(op, *weightArchive, k, n);
    if (!weights) {
      op.emitError() << "--resq-lower-to-cim: the archive holds no i8 "
                        "weights of the shape this qlinear reads";
      return failure();
    }
    cimsim::CrossbarConfig config;
    config.rows = xbar.getRows();
    config.cols = xbar.getCols();
    config.bitsPerCell = int(xbar.getCellBits());
    config.weightBits = int(xbar.getWeightBits());
    config.inputBits = int(xbar.getInputBits());
    config.mapping = xbar.getMapping() == cim::Mapping::Offset
                         ? cimsim::Mapping::Offset
                         : cimsim::Mapping::Differential;
    std::string error;
    cimsim::ProgrammedMatrix matrix =
        cimsim::ProgrammedMatrix::program(weights->data(), k, n, config, error);
    if (!error.empty()) {
      op.emitError() << "--resq-lower-to-cim: " << error;
      return failure();
    }
    return matrix;
  }

  /// backend=spiking: plans and rewrites the ReLU chain of every function
  /// with integer layers.
  LogicalResult lowerSpiking(ModuleOp module) {
    SmallVector<func::FuncOp> funcs = functionsWithQLinears(module);
    if (funcs.empty()) {
      module.emitError() << "--resq-lower-to-cim backend=spiking: no integer "
                            "linear layer (quantize with --resq-quantize "
                            "mode=int first)";
      return failure();
    }
    for (func::FuncOp func : funcs)
      if (failed(lowerSpikingFunction(module, func)))
        return failure();
    return success();
  }

  LogicalResult lowerSpikingFunction(ModuleOp module, func::FuncOp func) {
    FailureOr<SmallVector<QLinearOp>> chain = findReluChain(func);
    if (failed(chain))
      return failure();
    for (QLinearOp op : *chain)
      if (std::string why = ineligible(op); !why.empty())
        return op.emitError()
               << "backend=spiking: this layer cannot run on crossbars: "
               << why;
    // Every layer's calibration inputs; lambda_l is the percentile of layer
    // l+1's inputs (the ReLU of layer l), lambda_0 the network input's.
    SmallVector<const params::TensorInfo *> inputs;
    SmallVector<double> lambdas;
    for (QLinearOp op : *chain) {
      int64_t k =
          cast<RankedTensorType>(op.getInput().getType()).getShape().back();
      const params::TensorInfo *info = calibrationInputs(op, layerName(op), k);
      if (!info)
        return failure();
      inputs.push_back(info);
      const auto *x =
          reinterpret_cast<const float *>(calibrationData->data(*info));
      double lambda = cimcal::positivePercentile(
          x, info->shape[0] * info->shape[1], percentile);
      if (lambda <= 0)
        return op.emitError() << "backend=spiking: the layer's calibration "
                                 "inputs are never positive";
      lambdas.push_back(lambda);
    }
    SmallVector<SpikingLayer> layers;
    for (auto [index, op] : llvm::enumerate(*chain)) {
      SpikingLayer layer;
      layer.op = op;
      layer.name = layerName(op);
      int64_t k =
          cast<RankedTensorType>(op.getInput().getType()).getShape().back();
      int64_t n = op.getType().getShape().back();
      auto range = cast<BitRangeAttr>(op.getWeightRanges()[0]);
      layer.crossbar = crossbarFor(&getContext(), range.getBits(), 1);
      layer.inputScale = lambdas[index];
      layer.threshold = index + 1 < lambdas.size() ? lambdas[index + 1] : 1.0;
      if (spikingReadout != SpikingReadout::Ideal) {
        // Readouts fitted on the spike trains the layer will read: at most
        // 4096 crossbar reads (calibration tokens x steps).
        const params::TensorInfo *info = inputs[index];
        int64_t tokens =
            std::min<int64_t>({info->shape[0], calibrationSamples,
                               std::max<int64_t>(1, 4096 / steps)});
        const auto *x =
            reinterpret_cast<const float *>(calibrationData->data(*info));
        std::vector<uint32_t> spikes =
            cimcal::spikeTrains(x, tokens, k, lambdas[index], steps);
        FailureOr<cimsim::ProgrammedMatrix> matrix =
            programmed(module, op, layer.crossbar, k, n);
        if (failed(matrix))
          return failure();
        if (spikingReadout == SpikingReadout::Sense) {
          layer.readout = cimcal::fitSenseReadout(*matrix, senseMode(), spikes,
                                                  tokens * steps, senseOffsets);
        } else {
          layer.readout.kind = cimsim::ReadoutKind::Adc;
          auto [low, high] = cimcal::partialSumRange(
              *matrix, spikes, tokens * steps, adcCoverage);
          std::tie(low, high) = cimcal::zeroAlignedAdcRange(low, high, adcBits);
          layer.readout.adc = cimsim::Adc{int(adcBits), low, high};
          layer.columnsPerAdc = columnsPerAdc;
        }
      }
      layers.push_back(std::move(layer));
    }
    buildSpikingNetwork(layers, steps, lambdas.front());
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkOptions(module)))
      return signalPassFailure();
    if (backend == CimBackend::Spiking) {
      if (failed(lowerSpiking(module)))
        signalPassFailure();
      return;
    }
    // Plan every eligible layer, tune the scales of whole networks, then
    // rewrite.
    SmallVector<QLinearOp> qlinears;
    module.walk([&](QLinearOp op) { qlinears.push_back(op); });
    llvm::DenseMap<Operation *, LayerPlan> plans;
    for (QLinearOp op : qlinears) {
      if (std::string why = ineligible(op); !why.empty()) {
        op.emitRemark() << "stays on the digital (CPU) path: " << why;
        continue;
      }
      auto range = cast<BitRangeAttr>(op.getWeightRanges()[0]);
      auto inputRange = cast<BitRangeAttr>(op.getRanges()[0]);
      LayerPlan &plan = plans[op];
      plan.name = layerName(op);
      plan.crossbar =
          crossbarFor(&getContext(), range.getBits(), inputRange.getBits());
      if (failed(planReadout(module, op, plan)))
        return signalPassFailure();
    }
    if (backend == CimBackend::AdcLess && fineTuneSteps > 0 &&
        failed(fineTune(module, plans)))
      return signalPassFailure();
    for (QLinearOp op : qlinears) {
      auto found = plans.find(op);
      if (found == plans.end())
        continue;
      const LayerPlan &plan = found->second;
      PatternRewriter rewriter(&getContext());
      rewriter.setInsertionPoint(op);
      if (failed(lowerQLinear(
              op, rewriter,
              [&](OpBuilder &b, Location loc, const QLinearPiece &piece) {
                return crossbarProduct(b, loc, piece, plan);
              })))
        return signalPassFailure();
    }
    module.walk([&](LinearOp op) {
      op.emitRemark() << "stays on the digital (CPU) path: a float linear "
                         "(quantize it with --resq-quantize mode=int to map "
                         "it onto crossbars)";
    });
  }

  /// Fine-tunes the closed-form scales of every ReLU chain together
  /// (ScaleTuning.h) on the first layer's calibration inputs.
  LogicalResult fineTune(ModuleOp module,
                         llvm::DenseMap<Operation *, LayerPlan> &plans) {
    std::unique_ptr<ModuleParams> params =
        ModuleParams::openOrReport(module, "resq-lower-to-cim");
    if (!params)
      return failure();
    SmallVector<func::FuncOp> funcs = functionsWithQLinears(module);
    for (func::FuncOp func : funcs) {
      FailureOr<SmallVector<QLinearOp>> chain = findReluChain(func);
      if (failed(chain))
        return failure();
      std::vector<cimsim::ProgrammedMatrix> matrices;
      matrices.reserve(chain->size());
      std::vector<cimcal::TunedLayer> layers;
      for (QLinearOp op : *chain) {
        auto found = plans.find(op);
        if (found == plans.end())
          return op.emitError() << "fine-tuning needs every layer of the "
                                   "network on crossbars";
        int64_t k =
            cast<RankedTensorType>(op.getInput().getType()).getShape().back();
        int64_t n = op.getType().getShape().back();
        FailureOr<cimsim::ProgrammedMatrix> matrix =
            programmed(module, op, found->second.crossbar, k, n);
        if (failed(matrix))
          return failure();
        matrices.push_back(std::move(*matrix));
        cimcal::TunedLayer layer;
        layer.matrix = &matrices.back();
        layer.weights = *readWeights(op, *weightArchive, k, n);
        std::optional<std::vector<double>> scales =
            constantValues(op.getScales(), params.get());
        std::optional<std::vector<double>> bias =
            op.getBias() ? constantValues(op.getBias(), params.get())
                         : std::vector<double>(n, 0.0);
        if (!scales || int64_t(scales->size()) != n || !bias ||
            int64_t(bias->size()) != n)
          return op.emitError() << "fine-tuning needs constant scales and "
                                   "bias of the layer";
        layer.scales = std::move(*scales);
        layer.bias = std::move(*bias);
        layer.bits = cast<BitRangeAttr>(op.getRanges()[0]).getBits();
        layer.symmetric = op.getSymmetric();
        layer.clip = op.getClipRatio().convertToDouble();
        layer.readout = found->second.readout;
        layers.push_back(std::move(layer));
      }
      QLinearOp first = chain->front();
      int64_t k0 =
          cast<RankedTensorType>(first.getInput().getType()).getShape().back();
      const params::TensorInfo *info =
          calibrationInputs(first, layerName(first), k0);
      if (!info)
        return failure();
      int64_t samples = std::min<int64_t>(info->shape[0], calibrationSamples);
      cimcal::TuningResult result = cimcal::fineTuneScales(
          layers, reinterpret_cast<const float *>(calibrationData->data(*info)),
          samples, int(fineTuneSteps), fineTuneRate);
      for (auto [op, layer] : llvm::zip(*chain, layers))
        plans[op].readout.alpha = layer.readout.alpha;
      first.emitRemark() << llvm::formatv(
          "fine-tuned the sense-amplifier scales of {0} layers on {1} "
          "calibration inputs ({2} steps): mean squared output error to the "
          "exact network {3:e3} -> {4:e3}",
          layers.size(), samples, fineTuneSteps.getValue(), result.lossBefore,
          result.lossAfter);
    }
    return success();
  }
};

} // namespace

LogicalResult resq::parseLowerToCimOptions(llvm::StringRef text,
                                           ResqLowerToCimOptions &options,
                                           llvm::raw_ostream &errors) {
  // The pass's own option parser, then its values copied out.
  LowerToCim pass;
  if (failed(pass.initializeOptions(text, [&](const Twine &message) {
        errors << message;
        return failure();
      })))
    return failure();
  pass.copyOptionsTo(options);
  return success();
}
