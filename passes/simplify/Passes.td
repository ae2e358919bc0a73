//===- Passes.td - resq simplification passes -----------------*- tablegen -*-===//

#ifndef RESQ_PASSES_SIMPLIFY_TD
#define RESQ_PASSES_SIMPLIFY_TD

include "mlir/Pass/PassBase.td"

def ResqSimplify : Pass<"resq-simplify"> {
  let summary = "Fold and canonicalize resq ops, and only resq ops";
  let description = [{
    Applies the folders and canonicalization patterns of the `resq` dialect
    to the `resq` ops under the anchor (and to the ops those rewrites
    create), leaving every other op alone. `--canonicalize` runs the same
    rewrites together with those of every other dialect.

    Every rewrite is semantics-preserving and local to the IR; none reads the
    parameter archive:

    * a `resq.rotate` whose input is the inverse rotation of the same
      transform (same kind and seed, or the same matrix: one value or one
      `resq.param` name) folds to that rotation's input;
    * `resq.silu` of a finite constant folds to a constant;
    * `resq.subspace_quant` with a single channel range becomes
      `resq.fake_quant` `per_token` (or `per_group` with its group size).

    resq ops have no side effects, so those left without uses are erased.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::resq::ResqDialect"];
}

#endif // RESQ_PASSES_SIMPLIFY_TD
