//===- Passes.td - the parameter archive of a module ------*- tablegen -*-===//

#ifndef RESQ_PASSES_PARAMS_TD
#define RESQ_PASSES_PARAMS_TD

include "mlir/Pass/PassBase.td"

def ResqPruneParams : Pass<"resq-prune-params", "::mlir::ModuleOp"> {
  let summary = "Drop unused parameters from the module and its archive";
  let description = [{
    Passes that rewrite weights (norm folding, rotation, quantization) add
    the new tensors beside the old ones and leave the old `resq.param` ops
    without uses. This pass erases every `resq.param` whose result is unused
    and rewrites the module's archive with only the tensors the module still
    names, in their archive order, keeping the archive's metadata. A module
    that names no archive is left as it is.

    The archive is rewritten in place (as every pass that writes weights
    does): another module naming the same file loses the tensors this one
    no longer uses. `resq-compile` runs the pass at the end of
    `--resq-quantize-pipeline`, on its own copy of the weights.
  }];
}

#endif // RESQ_PASSES_PARAMS_TD
