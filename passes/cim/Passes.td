//===- Passes.td - linear layers onto compute-in-memory crossbars -*- tablegen -*-===//

#ifndef RESQ_PASSES_CIM_TD
#define RESQ_PASSES_CIM_TD

include "mlir/Pass/PassBase.td"

def ResqLowerToCim : Pass<"resq-lower-to-cim", "::mlir::ModuleOp"> {
  let summary = "Compute integer linear layers on crossbars (cim ops)";
  let description = [{
    Rewrites every eligible `resq.qlinear` (one activation range, one weight
    range, no groups: what `--resq-quantize mode=int` gives an MLP) into the
    CPU's per-token quantization of its input, a crossbar computation of the
    integer products, and the CPU's float epilogue (scales, zero points,
    bias) — so with exact readouts the result equals the CPU integer path
    bit for bit. The crossbar part (ALGORITHMS.md §6):

    * the activation codes become unsigned (`u = code + 2^(a-1)` for the
      i8 codes the CPU uses), streamed one bit per cycle into `cim.mvm`;
    * `cim.program` bit-slices the integer weights (`w-bits` of the
      qlinear, `cell-bits` per cell, `mapping`) onto `rows` x `cols` tiles;
    * the readout of `backend`:
      `ideal` (exact partial sums, infinite ADC precision), `adc`
      (`cim.adc` of `adc-bits`, `columns-per-adc` columns per converter,
      over the partial sums' full scale, or over their calibrated range
      when `calibration` is given: the range holding `adc-coverage`
      percent of them), `adc-less` (HCiM: `cim.sense_amp`
      binary or ternary decisions and `cim.scale_accumulate` with one
      scale per row tile, slice and column fitted to calibration data in
      closed form; ternary dead zones are chosen from calibration too);
      then `cim.shift_add` across input bits and slices;
    * with `fine-tune-steps` > 0 (adc-less, a ReLU MLP as for `spiking`),
      the closed-form scales of all layers are then tuned together: Adam on
      the mean squared distance between the network's outputs and the
      exact integer network's on the calibration inputs, with the forward
      pass on the simulated crossbars and sense amplifiers and a
      straight-through estimator (readouts and input quantizers as the
      identity) in the backward pass; a remark reports the error before
      and after;
    * digital corrections: `2^(a-1) * sum_i w[i, j]` for the unsigned
      codes and, with `mapping=offset`, `2^(w-1) * sum_i u[i]`.

    `backend=spiking` converts a ReLU MLP (a chain of such qlinears with
    `tosa.clamp` at 0 between them, the first reading the function's
    input, the last one's result returned) into a rate-coded spiking
    network over `steps` time steps: integrate-and-fire encoders turn the
    input into spike trains (rate `x / lambda_0`), every layer reads one
    spike per input row and step on crossbars with `input_bits = 1`,
    its readout (`spiking-readout`: sense amplifiers with fitted scales,
    an ADC, or exact) times `lambda_{l-1} * scale_j` plus the bias is the current
    into LIF neurons (`beta = 1`, soft reset) whose threshold `lambda_l` is
    the `percentile` of the layer's positive calibration activations
    (threshold balancing), and the last layer's currents averaged over the
    steps are the logits. The integer weights and scales are the
    qlinears'; activations are not quantized (they are spike rates).

    Every op carries the layer's name (the weight parameter's, without its
    `.int<bits>` suffix), under which the simulator counts events.
    Layers that cannot run on crossbars stay on the digital (CPU) path with
    a remark saying why: float `resq.linear`s and qlinears with subspace
    splits or groups.

    `calibration` is a safetensors file with one f32 tensor `[tokens, in]`
    per layer name: the layer's float inputs on calibration data
    (`resq-compile --target cim --cim-calibrate` writes it). The first
    `calibration-samples` tokens are quantized like the layer's input and
    run through the programmed crossbars.
  }];
  let dependentDialects = ["::resq::cim::CimDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
  let options = [
    Option<"backend", "backend", "::resq::CimBackend",
           "::resq::CimBackend::Adc", "Readout of the partial sums",
           [{::resq::cimBackendValues()}]>,
    Option<"rows", "rows", "int64_t", "128", "Crossbar rows">,
    Option<"cols", "cols", "int64_t", "128", "Crossbar columns (cells)">,
    Option<"cellBits", "cell-bits", "int64_t", "1", "Bits per cell">,
    Option<"mapping", "mapping", "::resq::cim::Mapping",
           "::resq::cim::Mapping::Differential", "Signed weights on cells",
           [{::resq::cimMappingValues()}]>,
    Option<"device", "device", "std::string", "\"reram\"",
           "Cell technology, for the cost model">,
    Option<"adcBits", "adc-bits", "int64_t", "7", "ADC resolution (adc)">,
    Option<"adcCoverage", "adc-coverage", "double", "99.9",
           "adc: percent of the calibration partial sums the ADC range "
           "holds (100: their minimum to maximum; less clips the tails)">,
    Option<"columnsPerAdc", "columns-per-adc", "int64_t", "8",
           "Columns sharing one ADC (adc)">,
    Option<"sense", "sense", "::resq::cim::SenseMode",
           "::resq::cim::SenseMode::Binary", "Sense amplifiers (adc-less)",
           [{::resq::senseModeValues()}]>,
    Option<"fineTuneSteps", "fine-tune-steps", "int64_t", "0",
           "adc-less: Adam steps of straight-through fine-tuning of the "
           "closed-form scales of whole ReLU MLPs (0: closed form only)">,
    Option<"fineTuneRate", "fine-tune-rate", "double", "0.02",
           "Fine-tuning step size relative to each layer's mean scale">,
    Option<"steps", "steps", "int64_t", "32",
           "Time steps of the spiking backend">,
    Option<"spikingReadout", "spiking-readout", "::resq::SpikingReadout",
           "::resq::SpikingReadout::Sense", "Readout of the spiking backend",
           [{::resq::spikingReadoutValues()}]>,
    Option<"percentile", "percentile", "double", "99.9",
           "Threshold balancing: percentile of each layer's positive "
           "calibration activations taken as its maximum">,
    Option<"senseOffsets", "sense-offsets", "bool", "true",
           "Binary sense amplifiers (adc-less, spiking): fit a per-column "
           "offset with the scales (least squares with an intercept), added "
           "digitally once per read">,
    Option<"calibration", "calibration", "std::string", "\"\"",
           "Safetensors of each layer's float inputs (needed by adc-less)">,
    Option<"calibrationSamples", "calibration-samples", "int64_t", "256",
           "Calibration tokens per layer">,
  ];
}

#endif // RESQ_PASSES_CIM_TD
