//===- Passes.td - function-preserving preparation of raised models -*- tablegen -*-===//

#ifndef RESQ_PASSES_PREPARE_TD
#define RESQ_PASSES_PREPARE_TD

include "mlir/Pass/PassBase.td"

def ResqFoldNorms : Pass<"resq-fold-norms", "::mlir::ModuleOp"> {
  let summary = "Fold RMSNorm scales into the linears that read the norm";
  let description = [{
    For every `resq.rms_norm` whose result is read only as the input of
    `resq.linear` ops with parameter weights (the attention norm by q, k, v;
    the MLP norm by gate and up; the final norm by the lm_head), multiplies
    row `i` of each weight (`[in, out]`) by `gamma[i]` and sets `gamma` to
    ones: `(norm(x) * gamma) W = norm(x) (diag(gamma) W)`. This is what makes
    the residual stream rotatable (ALGORITHMS.md): a rotation commutes with
    an RMSNorm whose scale is 1.

    The folded weights are new tensors in the module's parameter archive,
    named after the old ones with a `.norm_folded` suffix; the archive is
    rewritten in place with the old tensors kept. Norms read by anything
    else are left as they are. The model computes the same function; in
    float32 its logits move by rounding only (checked at 1e-4 relative).
  }];
  let dependentDialects = ["::resq::ResqDialect", "::mlir::arith::ArithDialect"];
}

def ResqUntieEmbeddings : Pass<"resq-untie-embeddings", "::mlir::ModuleOp"> {
  let summary = "Give a tied output projection its own weight";
  let description = [{
    A model with tied embeddings reads the embedding table twice: rows by
    `resq.embedding`, and transposed (`tosa.transpose` with perms `[1, 0]`)
    as the output projection. Rotating the residual stream needs the two
    separately (the table is multiplied by U on the right, the projection by
    U^T on the left), so this pass replaces each transposed read by a new
    parameter holding the transposed table (`<table>.untied`, added to the
    module's archive). The function is unchanged bit for bit. Run before
    `--resq-raise-transformer` to get the projection raised to
    `resq.linear`.

    Exports that already store a separate output weight (torch's ONNX
    exporter writes a transposed copy of a tied table) have nothing to
    untie; the pass then changes nothing.
  }];
  let dependentDialects = ["::resq::ResqDialect"];
}

#endif // RESQ_PASSES_PREPARE_TD
