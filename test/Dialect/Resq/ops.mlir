// RUN: resq-opt %s | FileCheck %s
// RUN: resq-opt %s --mlir-print-op-generic | resq-opt | FileCheck %s
// Round-trip of every resq op in its custom form and through the generic form.

module attributes {resq.params = #resq.archive<"stories260K.safetensors">} {

// CHECK: module attributes {resq.params = #resq.archive<"stories260K.safetensors">}

// CHECK-LABEL: func.func @param
func.func @param() -> (tensor<512x64xf32>, tensor<64x64xf16>) {
  // CHECK: resq.param "model.embed_tokens.weight" : tensor<512x64xf32>
  %0 = resq.param "model.embed_tokens.weight" : tensor<512x64xf32>
  // CHECK: resq.param "model.layers.0.self_attn.q_proj.weight" : tensor<64x64xf16>
  %1 = resq.param "model.layers.0.self_attn.q_proj.weight" : tensor<64x64xf16>
  return %0, %1 : tensor<512x64xf32>, tensor<64x64xf16>
}

// CHECK-LABEL: func.func @embedding
func.func @embedding(%table: tensor<512x64xf32>, %ids: tensor<1x8xi64>, %ids32: tensor<8xi32>) -> (tensor<1x8x64xf32>, tensor<8x64xf32>) {
  // CHECK: resq.embedding %{{.*}}[%{{.*}}] : tensor<512x64xf32>, tensor<1x8xi64> -> tensor<1x8x64xf32>
  %0 = resq.embedding %table[%ids] : tensor<512x64xf32>, tensor<1x8xi64> -> tensor<1x8x64xf32>
  // CHECK: resq.embedding %{{.*}}[%{{.*}}] : tensor<512x64xf32>, tensor<8xi32> -> tensor<8x64xf32>
  %1 = resq.embedding %table[%ids32] : tensor<512x64xf32>, tensor<8xi32> -> tensor<8x64xf32>
  return %0, %1 : tensor<1x8x64xf32>, tensor<8x64xf32>
}

// CHECK-LABEL: func.func @rms_norm
func.func @rms_norm(%x: tensor<1x8x64xf32>, %g: tensor<64xf32>, %y: tensor<?x?x64xbf16>, %h: tensor<64xbf16>) -> (tensor<1x8x64xf32>, tensor<?x?x64xbf16>) {
  // CHECK: resq.rms_norm %{{.*}}, %{{.*}} eps 1.000000e-05 : tensor<1x8x64xf32>, tensor<64xf32>
  %0 = resq.rms_norm %x, %g eps 1.0e-05 : tensor<1x8x64xf32>, tensor<64xf32>
  // CHECK: resq.rms_norm %{{.*}}, %{{.*}} eps 9.9999999999999995E-7 : tensor<?x?x64xbf16>, tensor<64xbf16>
  %1 = resq.rms_norm %y, %h eps 1.0e-06 : tensor<?x?x64xbf16>, tensor<64xbf16>
  return %0, %1 : tensor<1x8x64xf32>, tensor<?x?x64xbf16>
}

// CHECK-LABEL: func.func @linear
func.func @linear(%x: tensor<1x8x64xf32>, %w: tensor<64x172xf32>, %b: tensor<172xf32>) -> (tensor<1x8x172xf32>, tensor<1x8x172xf32>) {
  // CHECK: resq.linear %{{.*}}, %{{.*}} : (tensor<1x8x64xf32>, tensor<64x172xf32>) -> tensor<1x8x172xf32>
  %0 = resq.linear %x, %w : (tensor<1x8x64xf32>, tensor<64x172xf32>) -> tensor<1x8x172xf32>
  // CHECK: resq.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x8x64xf32>, tensor<64x172xf32>, tensor<172xf32>) -> tensor<1x8x172xf32>
  %1 = resq.linear %x, %w, %b : (tensor<1x8x64xf32>, tensor<64x172xf32>, tensor<172xf32>) -> tensor<1x8x172xf32>
  return %0, %1 : tensor<1x8x172xf32>, tensor<1x8x172xf32>
}

// CHECK-LABEL: func.func @rope
func.func @rope(%x: tensor<1x8x16x8xf32>, %cos: tensor<16x4xf32>, %sin: tensor<16x4xf32>, %cos2: tensor<1x16x2xf32>, %sin2: tensor<1x16x2xf32>) -> (tensor<1x8x16x8xf32>, tensor<1x8x16x8xf32>) {
  // CHECK: resq.rope %{{.*}}, %{{.*}}, %{{.*}} interleaved : tensor<1x8x16x8xf32>, tensor<16x4xf32>
  %0 = resq.rope %x, %cos, %sin interleaved : tensor<1x8x16x8xf32>, tensor<16x4xf32>
  // CHECK: resq.rope %{{.*}}, %{{.*}}, %{{.*}} half rotary_dim 4 : tensor<1x8x16x8xf32>, tensor<1x16x2xf32>
  %1 = resq.rope %x, %cos2, %sin2 half rotary_dim 4 : tensor<1x8x16x8xf32>, tensor<1x16x2xf32>
  return %0, %1 : tensor<1x8x16x8xf32>, tensor<1x8x16x8xf32>
}

// CHECK-LABEL: func.func @attention_heads_first
func.func @attention_heads_first(%q: tensor<1x8x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %mask: tensor<1x1x16x16xf32>) -> (tensor<1x8x16x8xf32>, tensor<1x8x16x8xf32>) {
  // CHECK: resq.attention %{{.*}}, %{{.*}}, %{{.*}} heads 8 kv_heads 4 causal : (tensor<1x8x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>) -> tensor<1x8x16x8xf32>
  %0 = resq.attention %q, %k, %v heads 8 kv_heads 4 causal : (tensor<1x8x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>) -> tensor<1x8x16x8xf32>
  // CHECK: resq.attention %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} heads 8 kv_heads 4 scale 2.500000e-01 :
  %1 = resq.attention %q, %k, %v mask %mask heads 8 kv_heads 4 scale 0.25 : (tensor<1x8x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x1x16x16xf32>) -> tensor<1x8x16x8xf32>
  return %0, %1 : tensor<1x8x16x8xf32>, tensor<1x8x16x8xf32>
}

// CHECK-LABEL: func.func @attention_seq_first
func.func @attention_seq_first(%q: tensor<2x16x64xf32>, %k: tensor<2x16x32xf32>, %v: tensor<2x16x32xf32>) -> tensor<2x16x64xf32> {
  // CHECK: resq.attention %{{.*}}, %{{.*}}, %{{.*}} heads 8 kv_heads 4 causal : (tensor<2x16x64xf32>, tensor<2x16x32xf32>, tensor<2x16x32xf32>) -> tensor<2x16x64xf32>
  %0 = resq.attention %q, %k, %v heads 8 kv_heads 4 causal : (tensor<2x16x64xf32>, tensor<2x16x32xf32>, tensor<2x16x32xf32>) -> tensor<2x16x64xf32>
  return %0 : tensor<2x16x64xf32>
}

// CHECK-LABEL: func.func @attention_decode
func.func @attention_decode(%q: tensor<1x8x1x8xf32>, %k: tensor<1x4x1x8xf32>, %v: tensor<1x4x1x8xf32>, %pk: tensor<1x4x15x8xf32>, %pv: tensor<1x4x15x8xf32>) -> (tensor<1x8x1x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>) {
  // CHECK: %{{.*}}, %{{.*}}:2 = resq.attention %{{.*}}, %{{.*}}, %{{.*}} past %{{.*}}, %{{.*}} heads 8 kv_heads 4 causal : (tensor<1x8x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x15x8xf32>, tensor<1x4x15x8xf32>) -> (tensor<1x8x1x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>)
  %0, %1, %2 = resq.attention %q, %k, %v past %pk, %pv heads 8 kv_heads 4 causal : (tensor<1x8x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x15x8xf32>, tensor<1x4x15x8xf32>) -> (tensor<1x8x1x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>)
  return %0, %1, %2 : tensor<1x8x1x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
}

// CHECK-LABEL: func.func @silu
func.func @silu(%x: tensor<1x8x172xf32>) -> tensor<1x8x172xf32> {
  // CHECK: resq.silu %{{.*}} : tensor<1x8x172xf32>
  %0 = resq.silu %x : tensor<1x8x172xf32>
  return %0 : tensor<1x8x172xf32>
}

// CHECK-LABEL: func.func @rotate
func.func @rotate(%x: tensor<1x8x172xf32>, %y: tensor<1x8x64xf32>) -> (tensor<1x8x172xf32>, tensor<1x8x64xf32>, tensor<1x8x64xf32>) {
  // CHECK: resq.rotate %{{.*}} hadamard seed 7 online : tensor<1x8x172xf32>
  %0 = resq.rotate %x hadamard seed 7 online : tensor<1x8x172xf32>
  // CHECK: %[[Q:.*]] = resq.param "rot.U_A" : tensor<64x64xf32>
  %q = resq.param "rot.U_A" : tensor<64x64xf32>
  // CHECK: resq.rotate %{{.*}} matrix(%[[Q]] : tensor<64x64xf32>) fused inverse : tensor<1x8x64xf32>
  %1 = resq.rotate %y matrix(%q : tensor<64x64xf32>) fused inverse : tensor<1x8x64xf32>
  // CHECK: resq.rotate %{{.*}} hadamard seed 0 fused : tensor<1x8x64xf32>
  %2 = resq.rotate %y hadamard seed 0 fused : tensor<1x8x64xf32>
  return %0, %1, %2 : tensor<1x8x172xf32>, tensor<1x8x64xf32>, tensor<1x8x64xf32>
}

// CHECK-LABEL: func.func @project
func.func @project(%k: tensor<1x2x16x16xf32>) -> (tensor<1x2x16x8xf32>, tensor<1x2x16x16xf32>) {
  // CHECK: %[[P:.*]] = resq.param "layers.0.k_basis" : tensor<16x8xf32>
  %p = resq.param "layers.0.k_basis" : tensor<16x8xf32>
  // CHECK: %[[C:.*]] = resq.project %{{.*}}, %[[P]] : (tensor<1x2x16x16xf32>, tensor<16x8xf32>) -> tensor<1x2x16x8xf32>
  %c = resq.project %k, %p : (tensor<1x2x16x16xf32>, tensor<16x8xf32>) -> tensor<1x2x16x8xf32>
  // CHECK: resq.project %[[C]], %[[P]] lift : (tensor<1x2x16x8xf32>, tensor<16x8xf32>) -> tensor<1x2x16x16xf32>
  %l = resq.project %c, %p lift : (tensor<1x2x16x8xf32>, tensor<16x8xf32>) -> tensor<1x2x16x16xf32>
  return %c, %l : tensor<1x2x16x8xf32>, tensor<1x2x16x16xf32>
}

// CHECK-LABEL: func.func @fake_quant
func.func @fake_quant(%x: tensor<1x8x64xf32>, %w: tensor<64x172xf32>) -> (tensor<1x8x64xf32>, tensor<64x172xf32>, tensor<64x172xf32>, tensor<1x8x64xf32>) {
  // CHECK: resq.fake_quant %{{.*}} per_token bits 4 : tensor<1x8x64xf32>
  %0 = resq.fake_quant %x per_token bits 4 : tensor<1x8x64xf32>
  // CHECK: resq.fake_quant %{{.*}} per_channel bits 4 symmetric clip 9.000000e-01 : tensor<64x172xf32>
  %1 = resq.fake_quant %w per_channel bits 4 symmetric clip 0.9 : tensor<64x172xf32>
  // CHECK: resq.fake_quant %{{.*}} per_group size 43 bits 8 symmetric : tensor<64x172xf32>
  %2 = resq.fake_quant %w per_group size 43 bits 8 symmetric : tensor<64x172xf32>
  // CHECK: resq.fake_quant %{{.*}} per_tensor bits 16 : tensor<1x8x64xf32>
  %3 = resq.fake_quant %x per_tensor bits 16 clip 1.0 : tensor<1x8x64xf32>
  return %0, %1, %2, %3 : tensor<1x8x64xf32>, tensor<64x172xf32>, tensor<64x172xf32>, tensor<1x8x64xf32>
}

// CHECK-LABEL: func.func @subspace_quant
func.func @subspace_quant(%x: tensor<1x8x64xf32>) -> (tensor<1x8x64xf32>, tensor<1x8x64xf32>) {
  // CHECK: resq.subspace_quant %{{.*}} [56 : i4, 8 : i8] : tensor<1x8x64xf32>
  %0 = resq.subspace_quant %x [56 : i4, 8 : i8] : tensor<1x8x64xf32>
  // CHECK: resq.subspace_quant %{{.*}} [7 : i4, 1 : i8] group 8 symmetric clip 0.94999999999999996 : tensor<1x8x64xf32>
  %1 = resq.subspace_quant %x [7 : i4, 1 : i8] group 8 symmetric clip 0.95 : tensor<1x8x64xf32>
  return %0, %1 : tensor<1x8x64xf32>, tensor<1x8x64xf32>
}

// CHECK-LABEL: func.func @qlinear
func.func @qlinear(%x: tensor<1x8x64xf32>, %wl: tensor<56x86xi8>, %wh: tensor<8x172xi8>, %s: tensor<2x172xf32>, %b: tensor<172xf32>) -> (tensor<1x8x172xf32>, tensor<1x8x172xf32>) {
  // CHECK: resq.qlinear %{{.*}} [56 : i4, 8 : i8] * [56 : i4, 8 : i8] %{{.*}}, %{{.*}} scales %{{.*}} : (tensor<1x8x64xf32>, tensor<56x86xi8>, tensor<8x172xi8>, tensor<2x172xf32>) -> tensor<1x8x172xf32>
  %0 = resq.qlinear %x [56 : i4, 8 : i8] * [56 : i4, 8 : i8] %wl, %wh scales %s : (tensor<1x8x64xf32>, tensor<56x86xi8>, tensor<8x172xi8>, tensor<2x172xf32>) -> tensor<1x8x172xf32>
  // CHECK: resq.qlinear %{{.*}} [7 : i8, 1 : i8] group 8 symmetric clip 9.000000e-01 * [7 : i4, 1 : i8] %{{.*}}, %{{.*}} scales %{{.*}} bias %{{.*}} :
  %1 = resq.qlinear %x [7 : i8, 1 : i8] group 8 symmetric clip 0.9 * [7 : i4, 1 : i8] %wl, %wh scales %s bias %b : (tensor<1x8x64xf32>, tensor<56x86xi8>, tensor<8x172xi8>, tensor<2x172xf32>, tensor<172xf32>) -> tensor<1x8x172xf32>
  return %0, %1 : tensor<1x8x172xf32>, tensor<1x8x172xf32>
}

// Dynamic dims are accepted wherever a static dim would be; the verifiers
// check what the known dims allow.
// CHECK-LABEL: func.func @dynamic_dims
func.func @dynamic_dims(%x: tensor<?x?x?xf32>, %w: tensor<?x?xf32>, %b: tensor<?xf32>, %r: tensor<?x?x?x?xf32>, %c: tensor<?x?xf32>) {
  // CHECK: resq.linear {{.*}} -> tensor<?x?x?xf32>
  %0 = resq.linear %x, %w, %b : (tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32>
  // CHECK: resq.rope {{.*}} half : tensor<?x?x?x?xf32>, tensor<?x?xf32>
  %1 = resq.rope %r, %c, %c half : tensor<?x?x?x?xf32>, tensor<?x?xf32>
  // CHECK: resq.attention {{.*}} -> (tensor<?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  %2:3 = resq.attention %x, %x, %x mask %c past %r, %r heads 8 kv_heads 4 causal : (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  // CHECK: resq.rotate {{.*}} hadamard seed 1 online : tensor<?x?x?xf32>
  %3 = resq.rotate %x hadamard seed 1 online : tensor<?x?x?xf32>
  // CHECK: resq.subspace_quant {{.*}} [7 : i4, 1 : i8] group 8 : tensor<?x?x?xf32>
  %4 = resq.subspace_quant %x [7 : i4, 1 : i8] group 8 : tensor<?x?x?xf32>
  return
}

}
