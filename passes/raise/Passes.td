//===- Passes.td - raising graph-level IR to resq ops ----------*- tablegen -*-===//

#ifndef RESQ_PASSES_RAISE_TD
#define RESQ_PASSES_RAISE_TD

include "mlir/Pass/PassBase.td"

def ResqRaiseTransformer : Pass<"resq-raise-transformer", "::mlir::ModuleOp"> {
  let summary = "Raise imported transformer graphs to resq structural ops";
  let description = [{
    Pattern-matches what the importer emits for a torch export and rewrites
    it into resq's structural ops, which the preparation, calibration and
    quantization passes work on. Unmatched regions stay as graph-level ops
    and still run. Raised so far:

    * `resq.linear`: `tosa.matmul` of an activation with a 2-D
      `resq.param` (or its transpose: ONNX `Gemm` with `transB`) reshaped
      to `[1, K, N]`, with zero-point constants 0; a following `tosa.add`
      of a bias vector (a parameter or a constant, broadcast as
      `[1, N]`) becomes the linear's bias;
    * `resq.silu`: `tosa.mul(x, tosa.sigmoid(x))`, in either operand order;
    * `resq.rms_norm`: `x * (1 / sqrt(sum(x * x, last) / D + eps)) *
      reshape(gamma)` with `gamma` a 1-D `resq.param` and the constants as
      the importer emits torch's Pow/ReduceMean/Add/Sqrt/Div/Mul chain.

    * `resq.rope`: interleaved pairs (`x[..., 0::2]`, `x[..., 1::2]` as
      stride-2 slices or as a `[..., D/2, 2]` reshape; `e*cos - o*sin` and
      `e*sin + o*cos` stacked back) and half-split pairs (`x*cos +
      concat(-x2, x1)*sin`, whose tables must hold equal halves: checked
      against the archive), in `[batch, heads, seq, dim]` or `[batch, seq,
      heads, dim]` order (the latter gets transposes around the op);
    * `resq.attention`: `softmax(scale * q k^T + mask) v` as two batched
      `tosa.matmul`s around `linalg.softmax`, with K and V heads repeated
      for grouped-query attention (reshape, `tosa.tile`, reshape) undone
      into `kv_heads`; a constant additive mask stays the op's `mask`;
    * `resq.embedding`: `tosa.gather` of a 2-D `resq.param` table with the
      importer's wrap of negative ids.

    Constant tables used twice (RoPE's cos and sin) must be the same: one
    value, one parameter, or equal values read from the module's archive.
    Without a readable archive RoPE is not raised (a warning says so).
  }];
  let dependentDialects = ["::resq::ResqDialect"];
}

def ResqReportStructure : Pass<"resq-report-structure", "::mlir::ModuleOp"> {
  let summary = "Print the transformer layers found in raised IR";
  let description = [{
    Prints, for each function with `resq.attention` ops, one line per layer
    naming the parts found (`attn_norm q k v rope attention o mlp_norm gate
    up down`) or missing, the attention's heads, and whether the embedding,
    the final norm and the lm_head were found. Run after
    `--resq-raise-transformer`; the preparation, calibration and rotation
    passes find their sites the same way.

    ```
    func @main: 2 layers (heads 4, kv_heads 2, head_dim 16)
      layer 0: attn_norm q k v rope attention o mlp_norm gate up down
      layer 1: attn_norm q k v rope attention o mlp_norm gate up down
      embedding yes, final_norm yes, lm_head yes: complete
    ```

    The IR is not changed.
  }];
  let options = [
    Option<"requireComplete", "require-complete", "bool", "false",
           "Fail unless the module has attention and every function with "
           "attention is a complete transformer">,
  ];
}

#endif // RESQ_PASSES_RAISE_TD
