//===- Passes.td - quantization of a prepared transformer --*- tablegen -*-===//

#ifndef RESQ_PASSES_QUANTIZE_TD
#define RESQ_PASSES_QUANTIZE_TD

include "mlir/Pass/PassBase.td"

def ResqQuantize : Pass<"resq-quantize", "::mlir::ModuleOp"> {
  let summary = "Quantize a raised (and possibly rotated) transformer";
  let description = [{
    Fake quantization for evaluation (ALGORITHMS.md §3-4): weights are
    quantized here and stored dequantized as new archive tensors
    (`<name>.quantized`); activations and the KV cache get
    `resq.subspace_quant` / `resq.fake_quant` ops that quantize at run time.
    The embedding and the lm_head stay in float.

    Every quantized space is split in two: its last `high-fraction` channels
    (ResQ's high-variance subspace after `--resq-rotate=scheme=resq`) get
    `high-bits`, the rest the low width. With `high-bits=0` (RTN and
    QuaRot-style) or equal to the low width, there is no split.

    * Weights, per output channel and symmetric (`group-size` input rows per
      scale when non-zero): q, k, v, gate, up with their last
      `high-fraction` input rows at `high-bits`, the rest at `w-bits`; o with
      the last `high-fraction` rows of each head at `high-bits`; down at
      `w-bits` throughout (its input is Hadamard-rotated). `weights=gptq`
      uses GPTQ with the Hessians of `stats` (the `*_in` sites of
      `resq-compile --calibrate`, which must describe the model as it is
      now, rotated or not); `act-order` orders features by the Hessian
      diagonal, each keeping its width.
    * Activations, per token, asymmetric unless `act-sym` (`clip` scales the
      range): the q/k/v input and the gate/up input split at `a-bits` /
      `high-bits`; the o input per head; the down input uniform at
      `a-bits`. `a-bits=16` leaves activations in float (weight-only
      W4A16).
    * KV cache: the key and value operands of attention per (token, head),
      split at `kv-bits` / `high-bits`; `kv-bits=16` leaves them in float.

    A network without `resq.attention` (an MLP) has no such sites: every
    `resq.linear` whose weight is a parameter (or its transpose, as an ONNX
    `Gemm` has it) is quantized on its own, weight per output channel at
    `w-bits`, input per token at `a-bits`, with no subspace split;
    `weights=rtn` only.

    `mode=int` computes the same model in integers (the fast path): the
    quantized linears become `resq.qlinear` ops whose weights are stored as
    int8 (`<name>.int<bits>`, two per byte when 4 bits or fewer) with their
    scales (`<name>.scales`), and which quantize their input themselves with
    the activation quantizer above. q, k and v become one qlinear (their
    columns side by side, `<q name>.fused.*`, sliced apart after it), and so
    do gate and up: one quantization of the input and one wider GEMM. Its logits equal `mode=fake`'s up to float
    rounding. It needs `a-bits` and `high-bits` of at most 8 and
    `group-size=0`; the KV cache stays fake-quantized (attention runs in
    float either way).
  }];
  let dependentDialects = ["::resq::ResqDialect", "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
  let options = [
    Option<"wBits", "w-bits", "int64_t", "4", "Weight bits (2-8)">,
    Option<"aBits", "a-bits", "int64_t", "4",
           "Activation bits (2-16; 16: not quantized)">,
    Option<"kvBits", "kv-bits", "int64_t", "4",
           "KV-cache bits (2-16; 16: not quantized)">,
    Option<"highBits", "high-bits", "int64_t", "8",
           "Bits of the high-variance subspace of weights, activations and "
           "KV (0: no split, as for RTN and QuaRot-style)">,
    Option<"highFraction", "high-fraction", "double", "0.125",
           "Fraction of each space in the high-variance subspace">,
    Option<"weights", "weights", "::resq::WeightQuantizer",
           "::resq::WeightQuantizer::Rtn", "Weight quantizer",
           [{::resq::weightQuantizerValues()}]>,
    Option<"actOrder", "act-order", "bool", "false",
           "GPTQ: quantize features by descending Hessian diagonal">,
    Option<"groupSize", "group-size", "int64_t", "0",
           "Input rows per weight scale (0: one per output channel)">,
    Option<"actSym", "act-sym", "bool", "false",
           "Symmetric activation and KV quantization">,
    Option<"clip", "clip", "double", "1.0",
           "Activation clip ratio in (0, 1]">,
    Option<"mode", "mode", "::resq::QuantMode", "::resq::QuantMode::Fake",
           "Quantized arithmetic",
           [{::resq::quantModeValues()}]>,
    Option<"stats", "stats", "std::string", "\"\"",
           "Calibration statistics of the model as it is (weights=gptq)">,
  ];
}

#endif // RESQ_PASSES_QUANTIZE_TD
