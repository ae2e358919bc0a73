//===- Passes.td - lowering resq to the CPU --------------------*- tablegen -*-===//

#ifndef RESQ_PASSES_LOWER_TD
#define RESQ_PASSES_LOWER_TD

include "mlir/Pass/PassBase.td"

def ResqLowerToLinalg : Pass<"resq-lower-to-linalg"> {
  let summary = "Lower resq structural ops to linalg on tensors";
  let description = [{
    Rewrites resq ops into linalg, tensor, arith and math ops on static
    tensors. This lowering is the ops' reference semantics (the op
    descriptions say what it computes):

    * `resq.silu`: `x / (1 + exp(-x))`, elementwise;
    * `resq.rms_norm`: the mean of squares over the last dimension summed in
      f32 (f64 for f64), `x / sqrt(mean + epsilon)` in that precision,
      rounded to the element type, times `gamma`;
    * `resq.linear`: `linalg.matmul` of the input with its leading dims
      folded into rows, plus the bias;
    * `resq.embedding`: a `linalg.generic` reading table rows with
      `tensor.extract`, negative ids counted from the end;
    * `resq.rope`: a `linalg.generic` over the output that reads each
      channel's pair partner and the pair's cos/sin entries;
    * `resq.attention`: heads-first (3-D operands are viewed so), the past
      cache concatenated in front (the present results), scores as a
      `linalg.batch_matmul` per KV head (its `num_heads / num_kv_heads`
      query heads stacked as rows, keys transposed), scale, additive mask
      and causal `-inf`, a softmax whose all-`-inf` rows are zero, and the
      weighted sum of values as another batch matmul;
    * `resq.fake_quant`: per-set minimum and maximum reduced over the
      set's dims (per_group views the row as [groups, size]), then each
      element rounded half to even on its set's grid;
    * `resq.subspace_quant`: one per-token `resq.fake_quant` per channel
      range, on slices of the row (or of each group), inserted back;
    * `resq.qlinear`: per activation range, the set bounds, one
      `linalg.generic` for each set's scale and zero points (the grid of
      `resq.fake_quant`) and one for the i8 codes (shifted by 2^(bits-1)
      when asymmetric), heads-first; packed weights unpacked by a generic
      over byte pairs; per piece (a run of channels in one activation and
      one weight range) an i8 x i8 -> i32 `linalg.batch_matmul` over the
      groups, the weight column sums when asymmetric, and a float epilogue
      `+= scale_w * sum_g scale_x * (acc - zero_x * colsum)` onto the bias;
    * `resq.rotate matrix`: a `resq.linear` with `Q` (with `inverse`, `Q`
      transposed first);
    * `resq.rotate hadamard` of size n = K * 2^m: the rows times the
      constant `s_j / sqrt(n)` (signs from `resq/numerics/RandomSigns.h`),
      then m butterfly stages on each length-2^m block (a fast
      Walsh-Hadamard transform, each a `linalg.generic` reading every
      element's partner), then for K > 1 the K blocks mixed by the constant
      K x K factor from lib/numerics as one `linalg.matmul` of the rows
      viewed as [rows * 2^m, K] (never a dense n x n product); with `inverse` the transposed factor, and the signs last.
      f16/bf16 rotate in f32.

    `resq.param` is left in place (the CPU pipeline turns weights into
    arguments afterwards). Dynamic shapes are rejected with an error naming
    the op.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ResqDecomposeAggregates : Pass<"resq-decompose-aggregates"> {
  let summary = "Decompose aggregate linalg ops (linalg.softmax) into generics";
  let description = [{
    `linalg.softmax` has no lowering to loops of its own; this pass replaces
    every op implementing `AggregatedOpInterface` by the sequence of
    `linalg.generic` ops the op itself describes (max, exp, sum, divide).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def ResqInsertRuntimeChecks : Pass<"resq-insert-runtime-checks", "::mlir::ModuleOp"> {
  let summary = "Check run-time indices and integer divisors, reporting to the runtime";
  let description = [{
    Values that come from a model's inputs can make its code read outside a
    buffer or trap: a token id past the embedding table, a position past
    the RoPE cache, an integer division by zero (or of the minimum value by
    -1). On linalg on tensors (after the TOSA and resq lowerings), this pass
    guards

    * every `tensor.extract` index that is not a `linalg.index` or a
      constant: unless `0 <= i < dim`, the runtime's
      `resq_index_error(i, dim, site)` is called and row 0 read instead;
    * every scalar `arith.divsi`, `divui`, `remsi`, `remui`, `ceildivsi`,
      `ceildivui` and `floordivsi` of 8 bits or more whose divisor is not a
      safe constant: a zero divisor (or `MIN / -1` for the signed ones)
      calls `resq_division_error(n, d, site)` and divides by 1 instead.

    `site` names the op's location (the ONNX node). The runtime records the
    first report of a run and `resq_model_run` returns
    `RESQ_ERR_INPUT_VALUE` with it: the outputs of that run are undefined,
    and nothing is read out of bounds.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::scf::SCFDialect"];
}

def ResqConcatToTensor : Pass<"resq-concat-to-tensor", "::mlir::func::FuncOp"> {
  let summary = "Rewrite tosa.concat as one tensor.concat";
  let description = [{
    `tosa-to-tensor` lowers a concat of N inputs to `tensor.empty` and a
    chain of N `tensor.insert_slice`, whose one-shot bufferization analysis
    grows faster than quadratically with N (400 inputs took 400 s). One
    `tensor.concat` bufferizes directly into one buffer (an allocation and a
    copy per input), in time linear in N.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def ResqDistinctResults : Pass<"resq-distinct-results", "::mlir::func::FuncOp"> {
  let summary = "Return a copy where a function returns one tensor twice";
  let description = [{
    A graph may return the same value as two outputs (an output and an
    `Identity` of it, which ONNX allows). Each output of a compiled model is
    a buffer of its own (`buffer-results-to-out-params`), so every repeated
    tensor result becomes a `linalg.copy` into a new tensor before
    bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ResqParamsToArguments : Pass<"resq-params-to-arguments", "::mlir::ModuleOp"> {
  let summary = "Turn the entry's weights into arguments and record its ABI";
  let description = [{
    A compiled model binds its weights at run time, by name, from the
    safetensors archive. Every `resq.param` of the entry function becomes a
    trailing argument of it (one per distinct name, in order of first use,
    marked `resq.param = "name"`); all arguments are marked read-only for
    bufferization, and the entry gets `llvm.emit_c_interface`. The module's
    `resq.abi` string then lists inputs, params and outputs with their names,
    safetensors dtypes and static shapes (the format is in
    `include/resq/Runtime.h`). Dynamic shapes, element types a caller cannot
    exchange, and params outside the entry are errors naming the value.
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Name of the entry function">
  ];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def ResqEmitEntryPoint : Pass<"resq-emit-entry-point", "::mlir::ModuleOp"> {
  let summary = "Export resq_entry and resq_abi from a lowered model";
  let description = [{
    On the LLVM dialect, after `--resq-params-to-arguments`, bufferization
    with `buffer-results-to-out-params` and `convert-func-to-llvm`: adds
    `resq_entry(ptr args)`, which calls `_mlir_ciface_<entry>` with the
    descriptor pointers `args[0..n)` (inputs, params, outputs), and
    `resq_abi() -> ptr`, which returns the ABI text. Every other function
    becomes internal, so a compiled model exports exactly these two symbols.
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Name of the entry function">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def ResqOutlineLoopNests : Pass<"resq-outline-loop-nests", "::mlir::ModuleOp"> {
  let summary = "Move each outermost loop nest of a function into its own function";
  let description = [{
    After `convert-linalg-to-loops` a whole model is one function with one
    loop nest per op, and LLVM's optimizer takes time superlinear in a
    function's size (a 30-layer model spent 6 minutes there). This pass
    moves every outermost `scf.for` of every function body with at least
    `min-nests` of them into a function of its own,
    `<function>_nest<N>`, called in its place: the values the nest reads
    from outside become arguments (constants are cloned in instead), its
    results the function's. The new functions carry `resq_outlined`, which
    convert-func-to-llvm keeps and `resq-emit-entry-point` turns into
    `no_inline`: LLVM would otherwise inline each single-use internal
    function straight back.
  }];
  let options = [
    Option<"minNests", "min-nests", "unsigned", "32",
           "Outline only in functions with at least this many loop nests">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def ResqMatmulToRuntime : Pass<"resq-matmul-to-runtime", "::mlir::ModuleOp"> {
  let summary = "Call the runtime's GEMMs for linalg matmuls on memrefs";
  let description = [{
    After bufferization, every `linalg.matmul` and `linalg.batch_matmul` with
    the default indexing maps on memrefs that is f32 x f32 -> f32 becomes a
    call of `resq_matmul_f32` / `resq_batch_matmul_f32`, and every one that
    is i8 x i8 -> i32 with signed extension a call of
    `resq_matmul_s8s8s32` / `resq_batch_matmul_s8s8s32` (C += A * B,
    operands cast to fully dynamic strided memrefs, C interface).
    libresq_runtime.so provides them: blocked, vectorized GEMMs chosen by the
    CPU's ISA at run time (exact int32 sums for int8), multithreaded with
    `resq-run --threads`. Other matmuls keep their loops.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect"];
}

def ResqCimToRuntime : Pass<"resq-cim-to-runtime", "::mlir::ModuleOp"> {
  let summary = "Run cim ops on the crossbar simulator's C API";
  let description = [{
    Every `cim` op becomes a call of `resq_cim_op_<op>`, whose C-interface
    wrapper `_mlir_ciface_resq_cim_op_<op>` libresq_runtime.so exports over
    the simulator's C API (`include/resq/cimsim/CimSim.h`): the
    tensor operands are read through `bufferization.to_buffer`, the result
    is a fresh `memref.alloc` the call fills, returned by
    `bufferization.to_tensor`, and the op's attributes become scalar
    arguments. Runs before one-shot bufferization; the program must link
    libresq_runtime.so.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // RESQ_PASSES_LOWER_TD
