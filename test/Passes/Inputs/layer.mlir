// A one-layer Llama written by hand in resq ops: d = 16, 2 query heads and
// 1 KV head of 8 channels (GQA), interleaved RoPE, causal attention,
// SiLU-gated MLP of 32, vocab 32, 4 tokens. Its archive (layer.safetensors,
// seeded random weights) is written by make_layer_archive.py.
module attributes {resq.params = #resq.archive<"layer.safetensors">} {
  func.func @main(%ids: tensor<1x4xi64> {resq.name = "ids"}) -> (tensor<1x4x32xf32> {resq.name = "logits"}) {
    %emb = resq.param "emb" : tensor<32x16xf32>
    %g1 = resq.param "layers.0.attn_norm" : tensor<16xf32>
    %wq = resq.param "layers.0.q" : tensor<16x16xf32>
    %wk = resq.param "layers.0.k" : tensor<16x8xf32>
    %wv = resq.param "layers.0.v" : tensor<16x8xf32>
    %cos = resq.param "rope.cos" : tensor<4x4xf32>
    %sin = resq.param "rope.sin" : tensor<4x4xf32>
    %wo = resq.param "layers.0.o" : tensor<16x16xf32>
    %g2 = resq.param "layers.0.mlp_norm" : tensor<16xf32>
    %wg = resq.param "layers.0.gate" : tensor<16x32xf32>
    %wu = resq.param "layers.0.up" : tensor<16x32xf32>
    %wd = resq.param "layers.0.down" : tensor<32x16xf32>
    %gf = resq.param "norm" : tensor<16xf32>
    %head = resq.param "lm_head" : tensor<16x32xf32>
    %heads4 = tosa.const_shape {values = dense<[1, 4, 2, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
    %kv4 = tosa.const_shape {values = dense<[1, 4, 1, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
    %flat = tosa.const_shape {values = dense<[1, 4, 16]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>

    %h = resq.embedding %emb[%ids] : tensor<32x16xf32>, tensor<1x4xi64> -> tensor<1x4x16xf32>
    %x = resq.rms_norm %h, %g1 eps 1.0e-05 : tensor<1x4x16xf32>, tensor<16xf32>
    %q = resq.linear %x, %wq : (tensor<1x4x16xf32>, tensor<16x16xf32>) -> tensor<1x4x16xf32>
    %k = resq.linear %x, %wk : (tensor<1x4x16xf32>, tensor<16x8xf32>) -> tensor<1x4x8xf32>
    %v = resq.linear %x, %wv : (tensor<1x4x16xf32>, tensor<16x8xf32>) -> tensor<1x4x8xf32>
    %q4 = tosa.reshape %q, %heads4 : (tensor<1x4x16xf32>, !tosa.shape<4>) -> tensor<1x4x2x8xf32>
    %qh = tosa.transpose %q4 {perms = array<i32: 0, 2, 1, 3>} : (tensor<1x4x2x8xf32>) -> tensor<1x2x4x8xf32>
    %k4 = tosa.reshape %k, %kv4 : (tensor<1x4x8xf32>, !tosa.shape<4>) -> tensor<1x4x1x8xf32>
    %kh = tosa.transpose %k4 {perms = array<i32: 0, 2, 1, 3>} : (tensor<1x4x1x8xf32>) -> tensor<1x1x4x8xf32>
    %v4 = tosa.reshape %v, %kv4 : (tensor<1x4x8xf32>, !tosa.shape<4>) -> tensor<1x4x1x8xf32>
    %vh = tosa.transpose %v4 {perms = array<i32: 0, 2, 1, 3>} : (tensor<1x4x1x8xf32>) -> tensor<1x1x4x8xf32>
    %qr = resq.rope %qh, %cos, %sin interleaved : tensor<1x2x4x8xf32>, tensor<4x4xf32>
    %kr = resq.rope %kh, %cos, %sin interleaved : tensor<1x1x4x8xf32>, tensor<4x4xf32>
    %a = resq.attention %qr, %kr, %vh heads 2 kv_heads 1 causal : (tensor<1x2x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>) -> tensor<1x2x4x8xf32>
    %at = tosa.transpose %a {perms = array<i32: 0, 2, 1, 3>} : (tensor<1x2x4x8xf32>) -> tensor<1x4x2x8xf32>
    %af = tosa.reshape %at, %flat : (tensor<1x4x2x8xf32>, !tosa.shape<3>) -> tensor<1x4x16xf32>
    %o = resq.linear %af, %wo : (tensor<1x4x16xf32>, tensor<16x16xf32>) -> tensor<1x4x16xf32>
    %h1 = tosa.add %h, %o : (tensor<1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
    %y = resq.rms_norm %h1, %g2 eps 1.0e-05 : tensor<1x4x16xf32>, tensor<16xf32>
    %gate = resq.linear %y, %wg : (tensor<1x4x16xf32>, tensor<16x32xf32>) -> tensor<1x4x32xf32>
    %act = resq.silu %gate : tensor<1x4x32xf32>
    %up = resq.linear %y, %wu : (tensor<1x4x16xf32>, tensor<16x32xf32>) -> tensor<1x4x32xf32>
    %prod = tosa.mul %act, %up, %shift : (tensor<1x4x32xf32>, tensor<1x4x32xf32>, tensor<1xi8>) -> tensor<1x4x32xf32>
    %down = resq.linear %prod, %wd : (tensor<1x4x32xf32>, tensor<32x16xf32>) -> tensor<1x4x16xf32>
    %h2 = tosa.add %h1, %down : (tensor<1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
    %z = resq.rms_norm %h2, %gf eps 1.0e-05 : tensor<1x4x16xf32>, tensor<16xf32>
    %logits = resq.linear %z, %head : (tensor<1x4x16xf32>, tensor<16x32xf32>) -> tensor<1x4x32xf32>
    return %logits : tensor<1x4x32xf32>
  }
}
