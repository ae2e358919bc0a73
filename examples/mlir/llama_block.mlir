// One decoder layer of stories260K (../shared/models/stories260K: hidden 64,
// 8 query heads, 4 KV heads of 8 channels, MLP 172, interleaved RoPE) in resq
// structural ops, after a QuaRot-style rotation pass has wrapped the layer in
// randomized Hadamard rotations R1 (residual stream, seed 11) and inserted the
// online rotation before down_proj (seed 12), but before it fused them into
// the weights. The rotations at the layer's input and output meet their
// inverses and cancel; the quantizers block the others.
//
// Run: resq-opt --resq-simplify --cse examples/mlir/llama_block.mlir
// The weights live in stories260K.safetensors (written by the importer).

module attributes {resq.params = #resq.archive<"stories260K.safetensors">} {
  func.func @layer0(%h: tensor<1x8x64xf32>, %cos: tensor<8x4xf32>, %sin: tensor<8x4xf32>) -> tensor<1x8x64xf32> {
    // The residual stream arrives rotated by R1 from the previous layer.
    %x = resq.rotate %h hadamard seed 11 fused : tensor<1x8x64xf32>
    %xr = resq.rotate %x hadamard seed 11 fused inverse : tensor<1x8x64xf32>

    // Attention.
    %g1 = resq.param "model.layers.0.input_layernorm.weight" : tensor<64xf32>
    %n1 = resq.rms_norm %xr, %g1 eps 1.0e-05 : tensor<1x8x64xf32>, tensor<64xf32>
    %a1 = resq.subspace_quant %n1 [56 : i4, 8 : i8] : tensor<1x8x64xf32>
    %wq = resq.param "model.layers.0.self_attn.q_proj.weight" : tensor<64x64xf32>
    %wk = resq.param "model.layers.0.self_attn.k_proj.weight" : tensor<64x32xf32>
    %wv = resq.param "model.layers.0.self_attn.v_proj.weight" : tensor<64x32xf32>
    %q = resq.linear %a1, %wq : (tensor<1x8x64xf32>, tensor<64x64xf32>) -> tensor<1x8x64xf32>
    %k = resq.linear %a1, %wk : (tensor<1x8x64xf32>, tensor<64x32xf32>) -> tensor<1x8x32xf32>
    %v = resq.linear %a1, %wv : (tensor<1x8x64xf32>, tensor<64x32xf32>) -> tensor<1x8x32xf32>
    // Heads first: [batch, heads, seq, head_dim].
    %q4 = tensor.expand_shape %q [[0], [1], [2, 3]] output_shape [1, 8, 8, 8] : tensor<1x8x64xf32> into tensor<1x8x8x8xf32>
    %k4 = tensor.expand_shape %k [[0], [1], [2, 3]] output_shape [1, 8, 4, 8] : tensor<1x8x32xf32> into tensor<1x8x4x8xf32>
    %v4 = tensor.expand_shape %v [[0], [1], [2, 3]] output_shape [1, 8, 4, 8] : tensor<1x8x32xf32> into tensor<1x8x4x8xf32>
    %qinit = tensor.empty() : tensor<1x8x8x8xf32>
    %kvinit = tensor.empty() : tensor<1x4x8x8xf32>
    %qt = linalg.transpose ins(%q4 : tensor<1x8x8x8xf32>) outs(%qinit : tensor<1x8x8x8xf32>) permutation = [0, 2, 1, 3]
    %kt = linalg.transpose ins(%k4 : tensor<1x8x4x8xf32>) outs(%kvinit : tensor<1x4x8x8xf32>) permutation = [0, 2, 1, 3]
    %vt = linalg.transpose ins(%v4 : tensor<1x8x4x8xf32>) outs(%kvinit : tensor<1x4x8x8xf32>) permutation = [0, 2, 1, 3]
    %qr = resq.rope %qt, %cos, %sin interleaved : tensor<1x8x8x8xf32>, tensor<8x4xf32>
    %kr = resq.rope %kt, %cos, %sin interleaved : tensor<1x4x8x8xf32>, tensor<8x4xf32>
    // KV cache in 4 bits with the last channel of each head in 8 bits.
    %kq = resq.subspace_quant %kr [7 : i4, 1 : i8] : tensor<1x4x8x8xf32>
    %vq = resq.subspace_quant %vt [7 : i4, 1 : i8] : tensor<1x4x8x8xf32>
    %o4 = resq.attention %qr, %kq, %vq heads 8 kv_heads 4 causal : (tensor<1x8x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32>
    %ot = linalg.transpose ins(%o4 : tensor<1x8x8x8xf32>) outs(%qinit : tensor<1x8x8x8xf32>) permutation = [0, 2, 1, 3]
    %o = tensor.collapse_shape %ot [[0], [1], [2, 3]] : tensor<1x8x8x8xf32> into tensor<1x8x64xf32>
    %oq = resq.subspace_quant %o [7 : i4, 1 : i8] group 8 : tensor<1x8x64xf32>
    %wo = resq.param "model.layers.0.self_attn.o_proj.weight" : tensor<64x64xf32>
    %attn = resq.linear %oq, %wo : (tensor<1x8x64xf32>, tensor<64x64xf32>) -> tensor<1x8x64xf32>
    %h1 = arith.addf %xr, %attn : tensor<1x8x64xf32>

    // MLP.
    %g2 = resq.param "model.layers.0.post_attention_layernorm.weight" : tensor<64xf32>
    %n2 = resq.rms_norm %h1, %g2 eps 1.0e-05 : tensor<1x8x64xf32>, tensor<64xf32>
    %a2 = resq.subspace_quant %n2 [56 : i4, 8 : i8] : tensor<1x8x64xf32>
    %wg = resq.param "model.layers.0.mlp.gate_proj.weight" : tensor<64x172xf32>
    %wu = resq.param "model.layers.0.mlp.up_proj.weight" : tensor<64x172xf32>
    %gate = resq.linear %a2, %wg : (tensor<1x8x64xf32>, tensor<64x172xf32>) -> tensor<1x8x172xf32>
    %up = resq.linear %a2, %wu : (tensor<1x8x64xf32>, tensor<64x172xf32>) -> tensor<1x8x172xf32>
    %act = resq.silu %gate : tensor<1x8x172xf32>
    %prod = arith.mulf %act, %up : tensor<1x8x172xf32>
    %rot = resq.rotate %prod hadamard seed 12 online : tensor<1x8x172xf32>
    %dq = resq.subspace_quant %rot [172 : i4] : tensor<1x8x172xf32>
    %wd = resq.param "model.layers.0.mlp.down_proj.weight" : tensor<172x64xf32>
    %down = resq.linear %dq, %wd : (tensor<1x8x172xf32>, tensor<172x64xf32>) -> tensor<1x8x64xf32>
    %h2 = arith.addf %h1, %down : tensor<1x8x64xf32>

    // The next layer expects the residual stream rotated by R1 again.
    %out = resq.rotate %h2 hadamard seed 11 fused : tensor<1x8x64xf32>
    %back = resq.rotate %out hadamard seed 11 fused inverse : tensor<1x8x64xf32>
    return %back : tensor<1x8x64xf32>
  }
}
