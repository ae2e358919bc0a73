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
      `resq.param` reshaped to `[1, K, N]`, with zero-point constants 0;
    * `resq.silu`: `tosa.mul(x, tosa.sigmoid(x))`, in either operand order;
    * `resq.rms_norm`: `x * (1 / sqrt(sum(x * x, last) / D + eps)) *
      reshape(gamma)` with `gamma` a 1-D `resq.param` and the constants as
      the importer emits torch's Pow/ReduceMean/Add/Sqrt/Div/Mul chain.

    The rest of the structure (RoPE, attention, the MLP as a unit) follows
    in the quantization issue.
  }];
  let dependentDialects = ["::resq::ResqDialect"];
}

#endif // RESQ_PASSES_RAISE_TD
