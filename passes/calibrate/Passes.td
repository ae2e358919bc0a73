//===- Passes.td - calibration instrumentation ------------*- tablegen -*-===//

#ifndef RESQ_PASSES_CALIBRATE_TD
#define RESQ_PASSES_CALIBRATE_TD

include "mlir/Pass/PassBase.td"

def ResqInsertObservers : Pass<"resq-insert-observers", "::mlir::ModuleOp"> {
  let summary = "Return the activations whose second moments calibration needs";
  let description = [{
    Instruments a raised transformer for calibration (ALGORITHMS.md §4):
    every function with a complete structure (see `--resq-report-structure`)
    gets extra results, one per observation site and layer `l`, named
    `observe:layers.l.SITE` (`resq.name`), each of shape `[tokens, groups,
    width]`:

    * `attn_in`: the input of q/k/v (after the norm), 1 group of `d`;
    * `o_in`: the input of o_proj, 1 group;
    * `mlp_in`: the input of gate/up, 1 group;
    * `down_in`: the input of down_proj, 1 group of `d_ff`;
    * `v_out`: the output of v_proj, one group per KV head;
    * `k_rope`: k after RoPE, one group per KV head.

    A network without attention (an MLP) gets one result per linear layer
    (`resq.linear` or `resq.qlinear` on a parameter weight): its input as
    `[tokens, 1, in]`, named `observe:<layer>` after the weight parameter
    (without `.int<bits>`); `resq-compile --target cim --cim-calibrate`
    records them to fit the crossbar readouts.

    The calibration driver (`resq-compile --calibrate`) JIT-compiles the
    instrumented model, runs it on calibration windows and accumulates
    `X_g^T X_g` per site and group in float64. Observing by returning
    activations keeps the IR free of side effects: the instrumented model is
    an ordinary model with more outputs. The statistics come from the FP
    model as prepared (norms folded), the same for every layer: GPTQ's
    Hessians are the `*_in` sites, collected once rather than layer by layer
    on the partly quantized model (see docs/quantization.md).
  }];
  // The observations are reshaped with TOSA ops, whatever the input holds.
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
}

#endif // RESQ_PASSES_CALIBRATE_TD
