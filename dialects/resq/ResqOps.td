//===- ResqOps.td - ops of the resq dialect -------------------*- tablegen -*-===//

#ifndef RESQ_OPS_TD
#define RESQ_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "dialects/resq/ResqDialect.td"
include "dialects/resq/ResqAttributes.td"
include "dialects/resq/ResqTypes.td"

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

def Resq_ParamOp : Resq_Op<"param", [Pure]> {
  let summary = "a named weight tensor from the module's parameter archive";
  let description = [{
    Produces the tensor stored under `name` in the safetensors archive that the
    enclosing module names with its `resq.params` attribute. The type must be
    static; every `resq.param` of one name in a module has the same type.
    Weights never appear in the IR text: passes that rewrite weights write new
    tensors into the archive and refer to them by their new names.

    ```mlir
    %wq = resq.param "model.layers.0.attn.q" : tensor<64x64xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs Resq_StaticTensor:$result);
  let assemblyFormat = "$name attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Structural ops
//===----------------------------------------------------------------------===//

def Resq_EmbeddingOp : Resq_Op<"embedding", [Pure]> {
  let summary = "row lookup in an embedding table";
  let description = [{
    `result[i..., :] = table[indices[i...], :]` for a `[vocab, dim]` table.
    The result shape is the indices' shape followed by `dim`. A negative
    index counts from the end, as in ONNX `Gather`; one outside
    `[-vocab, vocab)` is an error of the input, which compiled code reports
    (`--resq-insert-runtime-checks`) as the run's status.

    ```mlir
    %h = resq.embedding %table[%ids] : tensor<512x64xf32>, tensor<1x8xi64> -> tensor<1x8x64xf32>
    ```
  }];
  let arguments = (ins Resq_FloatMatrix:$table, Resq_IndexTensor:$indices);
  let results = (outs Resq_FloatTensor:$result);
  let assemblyFormat = [{
    $table `[` $indices `]` attr-dict `:` type($table) `,` type($indices)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Resq_RmsNormOp : Resq_Op<"rms_norm",
    [Pure, AllTypesMatch<["input", "result"]>,
     AllElementTypesMatch<["input", "gamma"]>]> {
  let summary = "root-mean-square normalisation over the last dimension";
  let description = [{
    `result = input / sqrt(mean(input^2, last dim) + epsilon) * gamma`, with
    `gamma` of the size of the last dimension and `epsilon > 0`. Inputs
    narrower than f32 are normalised in f32 (ONNX's default `stash_type`)
    and the result rounded back.

    ```mlir
    %y = resq.rms_norm %x, %g eps 1.0e-05 : tensor<1x8x64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Resq_FloatTensor:$input, Resq_FloatVector:$gamma,
                       F64Attr:$epsilon);
  let results = (outs Resq_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $gamma `eps` $epsilon attr-dict `:` type($input) `,` type($gamma)
  }];
  let hasVerifier = 1;
}

def Resq_LinearOp : Resq_Op<"linear", [Pure]> {
  let summary = "affine map of the last dimension, weight stored [in, out]";
  let description = [{
    `result = input * weight + bias`, contracting the last dimension of
    `input` with the rows of the `[in, out]` weight (the orientation of ONNX
    `MatMul`). The optional `bias` has `out` elements. The result keeps the
    leading dimensions of `input` and ends in `out`.

    ```mlir
    %y = resq.linear %x, %w, %b : (tensor<1x8x64xf32>, tensor<64x172xf32>, tensor<172xf32>) -> tensor<1x8x172xf32>
    ```
  }];
  let arguments = (ins Resq_FloatTensor:$input, Resq_FloatMatrix:$weight,
                       Optional<Resq_FloatVector>:$bias);
  let results = (outs Resq_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Resq_RopeOp : Resq_Op<"rope",
    [Pure, AllTypesMatch<["input", "result"]>, AllTypesMatch<["cos", "sin"]>,
     AllElementTypesMatch<["input", "cos"]>]> {
  let summary = "rotary position embedding with explicit cos/sin tables";
  let description = [{
    Rotates pairs of channels of `input` (`[batch, heads, seq, head_dim]`) by
    position-dependent angles. The first `rotary_dim` channels (default: all of
    `head_dim`; even, at most `head_dim`) form `rotary_dim / 2` pairs; the rest
    pass through unchanged. Pair `i` is channels `(2i, 2i+1)` with
    `interleaved` pairing (llama2.c, GPT-J) and `(i, i + rotary_dim/2)` with
    `half` pairing (Hugging Face Llama). For position `s` and pair `(a, b)`:

    ```
    a' = a * cos[s, i] - b * sin[s, i]
    b' = a * sin[s, i] + b * cos[s, i]
    ```

    `cos` and `sin` are `[seq, rotary_dim/2]`, or `[batch, seq, rotary_dim/2]`
    for per-sequence positions; tables for a longer context are sliced or
    gathered by the producer, so both ONNX `RotaryEmbedding` and torch exports
    map onto this op.

    ```mlir
    %y = resq.rope %x, %cos, %sin interleaved : tensor<1x8x16x8xf32>, tensor<16x4xf32>
    ```
  }];
  let arguments = (ins Resq_FloatTensor:$input, Resq_FloatTensor:$cos,
                       Resq_FloatTensor:$sin, Resq_RopePairingAttr:$pairing,
                       OptionalAttr<I64Attr>:$rotary_dim);
  let results = (outs Resq_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $cos `,` $sin $pairing (`rotary_dim` $rotary_dim^)? attr-dict
    `:` type($input) `,` type($cos)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The number of rotated channels: `rotary_dim` or the whole head.
    int64_t getEffectiveRotaryDim();
  }];
}

def Resq_AttentionOp : Resq_Op<"attention", [Pure, AttrSizedOperandSegments]> {
  let summary = "scaled dot-product attention with grouped-query heads";
  let description = [{
    For every batch `b` and query head `h`, with `g = num_heads / num_kv_heads`
    and KV head `h / g` (integer division):

    ```
    scores = scale * q[b, h] k[b, h/g]^T  (+ mask)  (causal: -inf above the diagonal)
    out[b, h] = softmax(scores, last dim) v[b, h/g]
    ```

    Layouts: either all of `query`, `key`, `value` are `[batch, heads, seq,
    head_dim]`, or all are `[batch, seq, heads * head_dim]` (heads recovered
    from `num_heads` and `num_kv_heads`). The result has the query's layout
    with the value head dim. `scale` defaults to `1/sqrt(head_dim)`.

    `mask` is added to the scores; it broadcasts (numpy rules) to `[batch,
    num_heads, q_seq, kv_seq]`. `causal` lets query `i` see key `j` only when
    `j <= i + kv_seq - q_seq`, so that a decoding step sees the whole cache;
    it requires `q_seq <= kv_seq` (otherwise the first queries would see no
    key). Both may be given. Head dims are positive.

    A query row whose scores are all `-inf` (every key masked) has a zero
    output row, as in ONNX `Attention` (opset 23, onnx 1.23 errata).

    Decoding: with `past` key and value (`[batch, num_kv_heads, past_seq,
    head_dim]`), the keys and values attended to are the past ones followed by
    the new ones, and the op returns these concatenations as two more results
    (the present cache), in the same 4-D layout.

    ```mlir
    %o = resq.attention %q, %k, %v heads 8 kv_heads 4 causal
        : (tensor<1x8x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>) -> tensor<1x8x16x8xf32>
    ```
  }];
  let arguments = (ins Resq_FloatTensor:$query, Resq_FloatTensor:$key,
                       Resq_FloatTensor:$value,
                       Optional<Resq_FloatTensor>:$mask,
                       Optional<Resq_FloatTensor>:$past_key,
                       Optional<Resq_FloatTensor>:$past_value,
                       I64Attr:$num_heads, I64Attr:$num_kv_heads,
                       OptionalAttr<F64Attr>:$scale, UnitAttr:$causal);
  let results = (outs Resq_FloatTensor:$output,
                      Variadic<Resq_FloatTensor>:$present);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` $mask^)? (`past` $past_key^ `,` $past_value)?
    `heads` $num_heads `kv_heads` $num_kv_heads (`scale` $scale^)?
    (`causal` $causal^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The score scale: `scale` or `1/sqrt(head_dim)` (nullopt while the
    /// head dim is dynamic).
    std::optional<double> getEffectiveScale();
    /// The head dim of query and key.
    int64_t getHeadDim();
  }];
}

def Resq_SiluOp : Resq_Op<"silu",
    [Pure, Elementwise, SameOperandsAndResultType]> {
  let summary = "sigmoid-weighted linear unit";
  let description = [{
    `result = input * sigmoid(input) = input / (1 + exp(-input))`, elementwise.
    A constant input folds (computed in double precision, rounded to the
    element type).

    ```mlir
    %y = resq.silu %x : tensor<1x8x172xf32>
    ```
  }];
  let arguments = (ins Resq_FloatTensor:$input);
  let results = (outs Resq_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

def Resq_RotateOp : Resq_Op<"rotate",
    [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "apply an orthogonal transform along the last dimension";
  let description = [{
    `result = input * Q` (rows times `Q`), or `input * Q^T` with `inverse`,
    where `Q` is `n x n` orthogonal and `n` is the size of the last dimension:

    * `hadamard`: the randomized Hadamard transform
      `Q = diag(s) * H_n / sqrt(n)`, with `H_n = H_K (x) H_(2^m)` the Sylvester
      power of two times a `K x K` Hadamard factor for K in {1, 12, 20, 28, 36,
      40, 52, 60, 108, 140, 156, 172}, and `s` a vector of random signs drawn
      from `seed` (`s_j` is -1 when bit 63 of
      `splitmix64(splitmix64(seed) + j)` is set; `resq/numerics/RandomSigns.h`
      defines it once for every pass and backend);
    * `matrix`: `Q` is the operand, which must be a `resq.param`: the
      archive tensors used as rotations are orthogonal by contract (the
      passes that write them make them so), and the name identifies the
      matrix for folding and fusion.

    `mode` says how the compiler realises the rotation and does not change
    its value: `fused` rotations are meant to be folded into neighbouring
    weights by a later pass, `online` ones are computed at run time (a fast
    Walsh-Hadamard transform for `hadamard`).

    A rotation whose input is the inverse rotation of the same transform
    (same kind and seed, or a parameter of the same name) folds away.

    ```mlir
    %r = resq.rotate %x hadamard seed 7 online : tensor<1x8x172xf32>
    %s = resq.rotate %y matrix(%q : tensor<64x64xf32>) fused inverse : tensor<1x8x64xf32>
    ```
  }];
  let arguments = (ins Resq_FloatTensor:$input,
                       Optional<Resq_FloatMatrix>:$matrix,
                       Resq_RotationKindAttr:$kind,
                       OptionalAttr<I64Attr>:$seed,
                       Resq_RotationModeAttr:$mode, UnitAttr:$inverse);
  let results = (outs Resq_FloatTensor:$result);
  let assemblyFormat = [{
    $input $kind (`(` $matrix^ `:` type($matrix) `)`)? (`seed` $seed^)? $mode
    (`inverse` $inverse^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Resq_ProjectOp : Resq_Op<"project", [Pure]> {
  let summary = "project onto, or lift from, a subspace with an orthonormal basis";
  let description = [{
    `basis` is an `n x r` matrix `P` (`r <= n`) whose columns are
    orthonormal (`P^T P = I_r`): the first `r` principal directions of an
    activation, as low-rank attention keeps them. Along the last dimension:

    * `result = input * P` (`[..., n] -> [..., r]`): the coordinates in the
      subspace;
    * with `lift`, `result = input * P^T` (`[..., r] -> [..., n]`): the
      point of the subspace with those coordinates.

    The basis must be a `resq.param`: archive tensors used as bases are
    orthonormal by contract (the passes that write them make them so), and
    the name identifies the basis for folding. Projecting a lift by the same
    basis folds to the lift's input (`P^T P = I`); lifting a projection does
    not fold (`P P^T` projects, it is not the identity unless `r = n`).

    ```mlir
    %c = resq.project %k, %p : (tensor<1x2x16x16xf32>, tensor<16x8xf32>) -> tensor<1x2x16x8xf32>
    %k2 = resq.project %c, %p lift : (tensor<1x2x16x8xf32>, tensor<16x8xf32>) -> tensor<1x2x16x16xf32>
    ```
  }];
  let arguments = (ins Resq_FloatTensor:$input, Resq_FloatMatrix:$basis,
                       UnitAttr:$lift);
  let results = (outs Resq_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $basis (`lift` $lift^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Resq_FakeQuantOp : Resq_Op<"fake_quant",
    [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "uniform quantize-dequantize of a tensor";
  let description = [{
    Rounds `input` to a `bits`-bit uniform grid and back to floats. Which
    elements share one scale (and zero point) is set by `granularity`:
    `per_tensor` all of them; `per_channel` each index of the last dimension
    (for `[in, out]` weights: each output channel); `per_token` each row along
    the last dimension; `per_group` each run of `group size` consecutive
    elements of a row (the size divides the last dimension).

    For a set of values `x` with clipped bounds `hi = clip * max(x, 0)` and
    `lo = clip * min(x, 0)`:

    * symmetric: `scale = max(|lo|, hi) / (2^(bits-1) - 1)`,
      `q = clamp(round(x / scale), -(2^(bits-1) - 1), 2^(bits-1) - 1)`,
      `result = q * scale`;
    * asymmetric (default): `scale = (hi - lo) / (2^bits - 1)`,
      `zero = round(-lo / scale)`,
      `q = clamp(round(x / scale) + zero, 0, 2^bits - 1)`,
      `result = (q - zero) * scale`.

    Rounding is to nearest, ties to even. A set whose scale is zero (all
    zeros) is returned unchanged. `bits` is 2 to 16 and `clip` in (0, 1].

    ```mlir
    %q = resq.fake_quant %x per_token bits 4 : tensor<1x8x64xf32>
    %w = resq.fake_quant %v per_group size 32 bits 4 symmetric clip 0.9 : tensor<64x172xf32>
    ```
  }];
  let arguments = (ins Resq_FloatTensor:$input,
                       Resq_QuantGranularityAttr:$granularity,
                       OptionalAttr<I64Attr>:$group_size, I64Attr:$bits,
                       UnitAttr:$symmetric,
                       DefaultValuedAttr<F64Attr, "1.0">:$clip_ratio);
  let results = (outs Resq_FloatTensor:$result);
  let assemblyFormat = [{
    $input $granularity (`size` $group_size^)? `bits` $bits
    (`symmetric` $symmetric^)? (`clip` $clip_ratio^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def Resq_SubspaceQuantOp : Resq_Op<"subspace_quant",
    [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "per-token fake quantization with a bit width per channel range";
  let description = [{
    Splits the last dimension into consecutive channel ranges, each with its
    own bit width, and fake-quantizes every range of every row (token) with
    its own scale and zero point, exactly as `resq.fake_quant per_token` does
    on that range alone. This is ResQ's mixed precision: after a PCA rotation
    the last `d/8` channels hold the high-variance subspace and keep 8 bits,
    the others get 4.

    Without `group`, the ranges tile the whole last dimension. With `group
    size G` (G divides the last dimension), the row is cut into groups of G
    channels (for example one group per attention head) and the ranges tile
    each group.

    ```mlir
    %q = resq.subspace_quant %x [56 : i4, 8 : i8] : tensor<1x8x64xf32>
    %k = resq.subspace_quant %y [7 : i4, 1 : i8] group 8 : tensor<1x8x64xf32>
    ```
  }];
  let arguments = (ins Resq_FloatTensor:$input, Resq_BitRangeArrayAttr:$ranges,
                       OptionalAttr<I64Attr>:$group_size, UnitAttr:$symmetric,
                       DefaultValuedAttr<F64Attr, "1.0">:$clip_ratio);
  let results = (outs Resq_FloatTensor:$result);
  let assemblyFormat = [{
    $input custom<BitRanges>($ranges) (`group` $group_size^)?
    (`symmetric` $symmetric^)? (`clip` $clip_ratio^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Integer ops
//===----------------------------------------------------------------------===//

def Resq_QLinearOp : Resq_Op<"qlinear", [Pure, AttrSizedOperandSegments]> {
  let summary = "linear layer on integer weights and per-token integer activations";
  let description = [{
    The integer form of `resq.subspace_quant` followed by `resq.linear` on
    quantized weights: the same result up to float rounding, computed with
    exact integer products.

    **Activations.** `input` (`[..., in]`) is quantized per token exactly as
    `resq.subspace_quant` with the same `ranges`, `group`, `symmetric` and
    `clip` quantizes it: each range of each group of each row gets its own
    scale (and zero point), at most 8 bits.

    **Weights.** The rows of the `[in, out]` weight are split the same way,
    by `weight_ranges` (which tile each group like `ranges`, possibly
    differently: ResQ keeps 8-bit rows under 8-bit activations). Weight range
    `r` is its own operand of signed integers (symmetric, zero point 0):
    the rows of range `r` of group 0, then of group 1, and so on, so
    `groups * size_r` rows. A range of at most 4 bits may be packed two
    columns per byte (`[rows, out / 2]`, column `2j` in the low nibble of
    byte `j` and `2j + 1` in the high one, both two's complement); otherwise
    it is `[rows, out]`. Row `r` of `scales` (`[ranges, out]`) holds the
    per-output-channel scales of weight range `r`.

    **Result.** With `x = sx * (qx - zx)` and `w = sw[r, o] * qw`,
    `result[t, o] = bias[o] + sum over pieces of
    sw[r, o] * sx * (sum_i qx[t, i] qw[i, o] - zx * sum_i qw[i, o])`, a piece
    being a run of channels within one activation range and one weight
    range; the sums over `i` are exact in 32-bit integers.

    ```mlir
    %y = resq.qlinear %x [56 : i4, 8 : i8] * [56 : i4, 8 : i8] %wl, %wh scales %s
        : (tensor<1x8x64xf32>, tensor<56x86xi8>, tensor<8x172xi8>, tensor<2x172xf32>) -> tensor<1x8x172xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[F32]>:$input,
                       Variadic<StaticShapeTensorOf<[I8]>>:$weights,
                       StaticShapeTensorOf<[F32]>:$scales,
                       Optional<StaticShapeTensorOf<[F32]>>:$bias,
                       Resq_BitRangeArrayAttr:$ranges,
                       Resq_BitRangeArrayAttr:$weight_ranges,
                       OptionalAttr<I64Attr>:$group_size, UnitAttr:$symmetric,
                       DefaultValuedAttr<F64Attr, "1.0">:$clip_ratio);
  let results = (outs StaticShapeTensorOf<[F32]>:$result);
  let assemblyFormat = [{
    $input custom<BitRanges>($ranges) (`group` $group_size^)?
    (`symmetric` $symmetric^)? (`clip` $clip_ratio^)?
    `*` custom<BitRanges>($weight_ranges) $weights `scales` $scales
    (`bias` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// Channels per group: the group size, or the whole last dimension.
    int64_t getGroupWidth();
    /// True when weight range `r` holds two columns per byte.
    bool isPacked(unsigned r);
  }];
  let hasVerifier = 1;
}

#endif // RESQ_OPS_TD
