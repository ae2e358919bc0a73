//===- CimOps.td - ops of the cim dialect ---------------------*- tablegen -*-===//

#ifndef CIM_OPS_TD
#define CIM_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "dialects/cim/CimDialect.td"
include "dialects/cim/CimAttributes.td"

def Cim_I8Tensor : RankedTensorOf<[I8]>;
def Cim_I32Tensor : RankedTensorOf<[I32]>;
def Cim_F32Tensor : RankedTensorOf<[F32]>;

def Cim_ProgramOp : Cim_Op<"program", [Pure]> {
  let summary = "bit-slice integer weights for a crossbar";
  let description = [{
    `weights` `[K, N]` are signed integers of the crossbar's `weight_bits`;
    the result `[S, K, N]` holds each weight's signed cell level in every
    slice `s` (least significant first, `cell_bits` each): with the
    `differential` mapping `sign(w) * digit_s(|w|)` (the level of the G+ or
    the G- cell), with `offset` `digit_s(w + 2^(weight_bits - 1))`. Row
    tiles are the consecutive groups of `rows` input rows.

    ```mlir
    %levels = cim.program %w xbar <rows = 128, cols = 128, cell_bits = 1,
        weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential,
        device = "reram"> : tensor<784x256xi8> -> tensor<4x784x256xi8>
    ```
  }];
  let arguments = (ins Cim_I8Tensor:$weights, Cim_CrossbarAttr:$crossbar,
                       OptionalAttr<StrAttr>:$layer);
  let results = (outs Cim_I8Tensor:$levels);
  let assemblyFormat = [{
    $weights `xbar` $crossbar attr-dict `:` type($weights) `->` type($levels)
  }];
  let hasVerifier = 1;
}

def Cim_MvmOp : Cim_Op<"mvm", [Pure]> {
  let summary = "column partial sums of every input bit, row tile and slice";
  let description = [{
    `inputs` `[M, K]` are unsigned codes of `input_bits` bits. For token
    `m`, input bit `b`, row tile `t`, slice `s` and column `j`:

    `sums[m, b, t, s, j] = sum_{i in tile t} bit_b(inputs[m, i]) * levels[s, i, j]`

    (ideal devices; the simulator can add conductance variation). The
    result is `[M, input_bits, ceil(K / rows), S, N]`.

    ```mlir
    %p = cim.mvm %levels, %x xbar <...> : tensor<4x784x256xi8>, tensor<1x784xi32>
        -> tensor<1x8x7x4x256xf32>
    ```
  }];
  let arguments = (ins Cim_I8Tensor:$levels, Cim_I32Tensor:$inputs,
                       Cim_CrossbarAttr:$crossbar,
                       OptionalAttr<StrAttr>:$layer);
  let results = (outs Cim_F32Tensor:$sums);
  let assemblyFormat = [{
    $levels `,` $inputs `xbar` $crossbar attr-dict `:` type($levels) `,`
    type($inputs) `->` type($sums)
  }];
  let hasVerifier = 1;
}

def Cim_AdcOp : Cim_Op<"adc", [Pure, AllTypesMatch<["sums", "result"]>]> {
  let summary = "N-bit ADC readout of partial sums";
  let description = [{
    Each element `p` becomes `low + code * step` with
    `step = (high - low) / (2^bits - 1)` and
    `code = clamp(round((p - low) / step), 0, 2^bits - 1)`, rounding half
    away from zero. `columns_per_adc` columns share one converter (it sets
    latency and area, not values). `1 <= bits <= 16`, `low < high`.

    ```mlir
    %q = cim.adc %p bits 7 range [-128.0, 128.0] columns_per_adc 8 : tensor<1x8x7x4x256xf32>
    ```
  }];
  let arguments = (ins Cim_F32Tensor:$sums, I64Attr:$bits, F64Attr:$low,
                       F64Attr:$high, I64Attr:$columnsPerAdc,
                       OptionalAttr<StrAttr>:$layer);
  let results = (outs Cim_F32Tensor:$result);
  let assemblyFormat = [{
    $sums `bits` $bits `range` ` ` `[` $low `,` $high `]` `columns_per_adc`
    $columnsPerAdc attr-dict `:` type($sums)
  }];
  let hasVerifier = 1;
}

def Cim_SenseAmpOp : Cim_Op<"sense_amp", [Pure]> {
  let summary = "binary or ternary sense-amplifier decisions";
  let description = [{
    `binary`: `+1` where `p > theta`, else `-1`. `ternary`: `+1` where
    `p > theta + delta`, `-1` where `p < theta - delta`, else `0`
    (`delta >= 0`; two amplifiers). The result has the shape of `sums`.

    ```mlir
    %q = cim.sense_amp %p ternary theta 0.0 delta 1.5 : tensor<1x8x7x4x256xf32> -> tensor<1x8x7x4x256xi8>
    ```
  }];
  let arguments = (ins Cim_F32Tensor:$sums, Cim_SenseModeAttr:$mode,
                       F64Attr:$theta, F64Attr:$delta,
                       OptionalAttr<StrAttr>:$layer);
  let results = (outs Cim_I8Tensor:$decisions);
  let assemblyFormat = [{
    $sums $mode `theta` $theta `delta` $delta attr-dict `:` type($sums) `->`
    type($decisions)
  }];
  let hasVerifier = 1;
}

def Cim_ShiftAddOp : Cim_Op<"shift_add", [Pure]> {
  let summary = "combine partial sums across input bits and slices";
  let description = [{
    `result[m, j] = sum_{b, t, s} 2^(s * cell_bits + b) * sums[m, b, t, s, j]`
    for a `[M, B, T, S, N]` tensor.

    ```mlir
    %y = cim.shift_add %q cell_bits 1 : tensor<1x8x7x4x256xf32> -> tensor<1x256xf32>
    ```
  }];
  let arguments = (ins Cim_F32Tensor:$sums, I64Attr:$cellBits,
                       OptionalAttr<StrAttr>:$layer);
  let results = (outs Cim_F32Tensor:$result);
  let assemblyFormat = [{
    $sums `cell_bits` $cellBits attr-dict `:` type($sums) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Cim_ScaleAccumulateOp : Cim_Op<"scale_accumulate", [Pure]> {
  let summary = "HCiM's digital accumulation of scaled -1/0/+1 readouts";
  let description = [{
    `result[m, j] = sum_{b, t, s} 2^(s * cell_bits + b) * alpha[t, s, j] * decisions[m, b, t, s, j]`:
    the digital CiM array adds or subtracts one scale per nonzero decision
    and skips zeros. `alpha` is `[T, S, N]`.

    ```mlir
    %y = cim.scale_accumulate %q, %alpha cell_bits 1 : tensor<1x8x7x4x256xi8>, tensor<7x4x256xf32> -> tensor<1x256xf32>
    ```
  }];
  let arguments = (ins Cim_I8Tensor:$decisions, Cim_F32Tensor:$alpha,
                       I64Attr:$cellBits,
                       OptionalAttr<StrAttr>:$layer);
  let results = (outs Cim_F32Tensor:$result);
  let assemblyFormat = [{
    $decisions `,` $alpha `cell_bits` $cellBits attr-dict `:` type($decisions)
    `,` type($alpha) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Cim_LifOp : Cim_Op<"lif", [Pure]> {
  let summary = "leaky integrate-and-fire neurons over time steps";
  let description = [{
    For currents `[T, ...]` (time steps first), every neuron starts at
    `U = 0` and at each step `U = beta * U + current[t]`; it spikes
    (`spikes[t] = 1`) when `U >= threshold`, and then `U -= threshold`
    (`soft`) or `U = 0` (`hard`). `0 <= beta <= 1`, `threshold > 0`.

    ```mlir
    %s = cim.lif %i beta 1.0 threshold 1.0 soft : tensor<16x1x128xf32> -> tensor<16x1x128xi1>
    ```
  }];
  let arguments = (ins Cim_F32Tensor:$currents, F64Attr:$beta,
                       F64Attr:$threshold, Cim_ResetAttr:$reset,
                       OptionalAttr<StrAttr>:$layer);
  let results = (outs RankedTensorOf<[I1]>:$spikes);
  let assemblyFormat = [{
    $currents `beta` $beta `threshold` $threshold $reset attr-dict `:`
    type($currents) `->` type($spikes)
  }];
  let hasVerifier = 1;
}

#endif // CIM_OPS_TD
