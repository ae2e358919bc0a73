// RUN: resq-opt %s -split-input-file -verify-diagnostics
// Every verifier message of the resq dialect, its attributes and its custom
// syntax, each with an input that triggers it.

//===----------------------------------------------------------------------===//
// resq.param and the resq.params module attribute
//===----------------------------------------------------------------------===//

module attributes {resq.params = #resq.archive<"w.safetensors">} {
  // expected-error @+1 {{'resq.param' op expected a non-empty parameter name}}
  %0 = resq.param "" : tensor<4xf32>
}

// -----

// expected-error @+1 {{'resq.param' op expected an enclosing module with a 'resq.params' archive attribute to read parameter 'w' from}}
%0 = resq.param "w" : tensor<4xf32>

// -----

module attributes {resq.params = #resq.archive<"w.safetensors">} {
  // expected-error @+1 {{'resq.param' op result #0 must be statically shaped tensor of floating-point or signless integer or unsigned integer values, but got 'tensor<?xf32>'}}
  %0 = resq.param "w" : tensor<?xf32>
}

// -----

module attributes {resq.params = #resq.archive<"w.safetensors">} {
  // expected-note @+1 {{declared here}}
  %0 = resq.param "w" : tensor<4xf32>
  // expected-error @+1 {{'resq.param' op type 'tensor<8xf32>' differs from the type 'tensor<4xf32>' of parameter 'w' declared earlier}}
  %1 = resq.param "w" : tensor<8xf32>
}

// -----

// expected-error @+1 {{unknown resq attribute 'resq.weights'}}
module attributes {resq.weights = #resq.archive<"w.safetensors">} {}

// -----

module {
  // expected-error @+1 {{'resq.params' may only be attached to a builtin.module}}
  func.func @f() attributes {resq.params = #resq.archive<"w.safetensors">} {
    return
  }
}

// -----

// expected-error @+1 {{'resq.params' expects a #resq.archive attribute, found "w.safetensors"}}
module attributes {resq.params = "w.safetensors"} {}

// -----

// expected-error @+1 {{parameter archive path must not be empty}}
module attributes {resq.params = #resq.archive<"">} {}

//===----------------------------------------------------------------------===//
// resq.embedding
//===----------------------------------------------------------------------===//

// -----

func.func @f(%t: tensor<512x64xf32>, %i: tensor<1x8xi64>) {
  // expected-error @+1 {{'resq.embedding' op expected result element type 'f32', found 'f16'}}
  %0 = resq.embedding %t[%i] : tensor<512x64xf32>, tensor<1x8xi64> -> tensor<1x8x64xf16>
  return
}

// -----

func.func @f(%t: tensor<512x64xf32>, %i: tensor<1x8xi64>) {
  // expected-error @+1 {{'resq.embedding' op expected result (indices shape, then embedding width) of shape 1x8x64, found 8x64}}
  %0 = resq.embedding %t[%i] : tensor<512x64xf32>, tensor<1x8xi64> -> tensor<8x64xf32>
  return
}

// -----

func.func @f(%t: tensor<512x64xf32>, %i: tensor<1x8xf32>) {
  // expected-error @+1 {{'resq.embedding' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = resq.embedding %t[%i] : tensor<512x64xf32>, tensor<1x8xf32> -> tensor<1x8x64xf32>
  return
}

//===----------------------------------------------------------------------===//
// resq.rms_norm
//===----------------------------------------------------------------------===//

// -----

func.func @f(%x: tensor<f32>, %g: tensor<1xf32>) {
  // expected-error @+1 {{'resq.rms_norm' op expected input of rank >= 1, found 'tensor<f32>'}}
  %0 = resq.rms_norm %x, %g eps 1.0e-05 : tensor<f32>, tensor<1xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x64xf32>, %g: tensor<64xf32>) {
  // expected-error @+1 {{'resq.rms_norm' op expected a positive finite epsilon, found 0}}
  %0 = resq.rms_norm %x, %g eps 0.0 : tensor<1x8x64xf32>, tensor<64xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x64xf32>, %g: tensor<32xf32>) {
  // expected-error @+1 {{'resq.rms_norm' op expected gamma (the input's last dimension) of shape 64, found 32}}
  %0 = resq.rms_norm %x, %g eps 1.0e-05 : tensor<1x8x64xf32>, tensor<32xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x64xf32>, %g: tensor<64xf16>) {
  // expected-error @+1 {{'resq.rms_norm' op failed to verify that all of {input, gamma} have same element type}}
  %0 = resq.rms_norm %x, %g eps 1.0e-05 : tensor<1x8x64xf32>, tensor<64xf16>
  return
}

//===----------------------------------------------------------------------===//
// resq.linear
//===----------------------------------------------------------------------===//

// -----

func.func @f(%x: tensor<f32>, %w: tensor<1x4xf32>) {
  // expected-error @+1 {{'resq.linear' op expected input of rank >= 1, found 'tensor<f32>'}}
  %0 = resq.linear %x, %w : (tensor<f32>, tensor<1x4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x64xf32>, %w: tensor<64x128xf16>) {
  // expected-error @+1 {{'resq.linear' op expected weight element type 'f32', found 'f16'}}
  %0 = resq.linear %x, %w : (tensor<1x8x64xf32>, tensor<64x128xf16>) -> tensor<1x8x128xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x64xf32>, %w: tensor<64x128xf32>) {
  // expected-error @+1 {{'resq.linear' op expected result element type 'f32', found 'bf16'}}
  %0 = resq.linear %x, %w : (tensor<1x8x64xf32>, tensor<64x128xf32>) -> tensor<1x8x128xbf16>
  return
}

// -----

func.func @f(%x: tensor<1x8x128xf32>, %w: tensor<64x128xf32>) {
  // expected-error @+1 {{'resq.linear' op expected weight rows (64) to equal input features (128)}}
  %0 = resq.linear %x, %w : (tensor<1x8x128xf32>, tensor<64x128xf32>) -> tensor<1x8x128xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x64xf32>, %w: tensor<64x128xf32>, %b: tensor<128xf16>) {
  // expected-error @+1 {{'resq.linear' op expected bias element type 'f32', found 'f16'}}
  %0 = resq.linear %x, %w, %b : (tensor<1x8x64xf32>, tensor<64x128xf32>, tensor<128xf16>) -> tensor<1x8x128xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x64xf32>, %w: tensor<64x128xf32>, %b: tensor<64xf32>) {
  // expected-error @+1 {{'resq.linear' op expected bias (the weight's columns) of shape 128, found 64}}
  %0 = resq.linear %x, %w, %b : (tensor<1x8x64xf32>, tensor<64x128xf32>, tensor<64xf32>) -> tensor<1x8x128xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x64xf32>, %w: tensor<64x128xf32>) {
  // expected-error @+1 {{'resq.linear' op expected result of shape 1x8x128, found 1x8x64}}
  %0 = resq.linear %x, %w : (tensor<1x8x64xf32>, tensor<64x128xf32>) -> tensor<1x8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x64xf32>, %w: tensor<64x128x1xf32>) {
  // expected-error @+1 {{'resq.linear' op operand #1 must be 2D tensor of floating-point values}}
  %0 = resq.linear %x, %w : (tensor<1x8x64xf32>, tensor<64x128x1xf32>) -> tensor<1x8x128xf32>
  return
}

//===----------------------------------------------------------------------===//
// resq.rope
//===----------------------------------------------------------------------===//

// -----

func.func @f(%x: tensor<8x16x8xf32>, %c: tensor<16x4xf32>) {
  // expected-error @+1 {{'resq.rope' op expected input of rank 4 [batch, heads, seq, head_dim], found rank 3}}
  %0 = resq.rope %x, %c, %c interleaved : tensor<8x16x8xf32>, tensor<16x4xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x16x8xf32>, %c: tensor<16x4xf32>) {
  // expected-error @+1 {{'resq.rope' op expected a positive rotary_dim, found 0}}
  %0 = resq.rope %x, %c, %c interleaved rotary_dim 0 : tensor<1x8x16x8xf32>, tensor<16x4xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x16x8xf32>, %c: tensor<16x5xf32>) {
  // expected-error @+1 {{'resq.rope' op expected rotary_dim (10) <= head_dim (8)}}
  %0 = resq.rope %x, %c, %c half rotary_dim 10 : tensor<1x8x16x8xf32>, tensor<16x5xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x16x8xf32>, %c: tensor<16x3xf32>) {
  // expected-error @+1 {{'resq.rope' op expected an even number of rotated channels to form pairs, found 7}}
  %0 = resq.rope %x, %c, %c interleaved rotary_dim 7 : tensor<1x8x16x8xf32>, tensor<16x3xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x16x9xf32>, %c: tensor<16x4xf32>) {
  // expected-error @+1 {{'resq.rope' op expected an even number of rotated channels to form pairs, found 9}}
  %0 = resq.rope %x, %c, %c interleaved : tensor<1x8x16x9xf32>, tensor<16x4xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x16x8xf32>, %c: tensor<32x4xf32>) {
  // expected-error @+1 {{'resq.rope' op expected cos/sin tables [seq, rotary_dim/2] of shape 16x4, found 32x4}}
  %0 = resq.rope %x, %c, %c interleaved : tensor<1x8x16x8xf32>, tensor<32x4xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x16x8xf32>, %c: tensor<16x8xf32>) {
  // expected-error @+1 {{'resq.rope' op expected cos/sin tables [seq, rotary_dim/2] of shape 16x4, found 16x8}}
  %0 = resq.rope %x, %c, %c half : tensor<1x8x16x8xf32>, tensor<16x8xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x16x8xf32>, %c: tensor<2x16x4xf32>) {
  // expected-error @+1 {{'resq.rope' op expected cos/sin tables [batch, seq, rotary_dim/2] of shape 1x16x4, found 2x16x4}}
  %0 = resq.rope %x, %c, %c half : tensor<1x8x16x8xf32>, tensor<2x16x4xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x16x8xf32>, %c: tensor<4xf32>) {
  // expected-error @+1 {{'resq.rope' op expected cos/sin tables of rank 2 [seq, rotary_dim/2] or 3 [batch, seq, rotary_dim/2], found rank 1}}
  %0 = resq.rope %x, %c, %c half : tensor<1x8x16x8xf32>, tensor<4xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x16x8xf32>, %c: tensor<16x4xf32>, %s: tensor<16x2xf32>) {
  // expected-error @+1 {{'resq.rope' op failed to verify that all of {cos, sin} have same type}}
  %0 = "resq.rope"(%x, %c, %s) <{pairing = 0 : i32}> : (tensor<1x8x16x8xf32>, tensor<16x4xf32>, tensor<16x2xf32>) -> tensor<1x8x16x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// resq.attention
//===----------------------------------------------------------------------===//

// -----

func.func @f(%q: tensor<8x16xf32>) {
  // expected-error @+1 {{'resq.attention' op expected query of rank 3 [batch, seq, heads * head_dim] or 4 [batch, heads, seq, head_dim], found rank 2}}
  %0 = resq.attention %q, %q, %q heads 1 kv_heads 1 : (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x16x8xf32>, %k: tensor<1x16x32xf32>) {
  // expected-error @+1 {{'resq.attention' op expected key and value of the query's rank (4), found 3 and 3}}
  %0 = resq.attention %q, %k, %k heads 8 kv_heads 4 : (tensor<1x8x16x8xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>) -> tensor<1x8x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x16x8xf32>, %k: tensor<1x4x16x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected positive num_heads and num_kv_heads, found 8 and 0}}
  %0 = resq.attention %q, %k, %k heads 8 kv_heads 0 : (tensor<1x8x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>) -> tensor<1x8x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x16x8xf32>, %k: tensor<1x3x16x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected num_heads (8) to be a multiple of num_kv_heads (3)}}
  %0 = resq.attention %q, %k, %k heads 8 kv_heads 3 : (tensor<1x8x16x8xf32>, tensor<1x3x16x8xf32>, tensor<1x3x16x8xf32>) -> tensor<1x8x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x16x8xf32>, %k: tensor<1x4x16x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected a positive finite scale, found -1}}
  %0 = resq.attention %q, %k, %k heads 8 kv_heads 4 scale -1.0 : (tensor<1x8x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>) -> tensor<1x8x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x16x8xf32>, %k: tensor<1x4x16x8xf16>) {
  // expected-error @+1 {{'resq.attention' op expected key element type 'f32', found 'f16'}}
  %0 = resq.attention %q, %k, %k heads 8 kv_heads 4 : (tensor<1x8x16x8xf32>, tensor<1x4x16x8xf16>, tensor<1x4x16x8xf16>) -> tensor<1x8x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x16x8xf32>, %k: tensor<1x4x16x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected result element type 'f32', found 'f16'}}
  %0 = resq.attention %q, %k, %k heads 8 kv_heads 4 : (tensor<1x8x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>) -> tensor<1x8x16x8xf16>
  return
}

// -----

func.func @f(%q: tensor<1x6x16x8xf32>, %k: tensor<1x4x16x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected query heads (6) to equal num_heads (8)}}
  %0 = resq.attention %q, %k, %k heads 8 kv_heads 4 : (tensor<1x6x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>) -> tensor<1x8x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x16x8xf32>, %k: tensor<1x4x16x4xf32>, %v: tensor<1x4x16x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected key [batch, num_kv_heads, kv_seq, head_dim] of shape 1x4x16x8, found 1x4x16x4}}
  %0 = resq.attention %q, %k, %v heads 8 kv_heads 4 : (tensor<1x8x16x8xf32>, tensor<1x4x16x4xf32>, tensor<1x4x16x8xf32>) -> tensor<1x8x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x12x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected value [batch, num_kv_heads, kv_seq, v_head_dim] of shape 1x4x16x8, found 1x4x12x8}}
  %0 = resq.attention %q, %k, %v heads 8 kv_heads 4 : (tensor<1x8x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x12x8xf32>) -> tensor<1x8x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x16x60xf32>, %k: tensor<1x16x32xf32>) {
  // expected-error @+1 {{'resq.attention' op expected query width (60) to be divisible by its head count (8)}}
  %0 = resq.attention %q, %k, %k heads 8 kv_heads 4 : (tensor<1x16x60xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>) -> tensor<1x16x60xf32>
  return
}

// -----

func.func @f(%q: tensor<1x16x64xf32>, %k: tensor<1x16x32xf32>, %v: tensor<1x16x30xf32>) {
  // expected-error @+1 {{'resq.attention' op expected value width (30) to be divisible by its head count (4)}}
  %0 = resq.attention %q, %k, %v heads 8 kv_heads 4 : (tensor<1x16x64xf32>, tensor<1x16x32xf32>, tensor<1x16x30xf32>) -> tensor<1x16x64xf32>
  return
}

// -----

func.func @f(%q: tensor<1x16x64xf32>, %k: tensor<1x16x64xf32>, %v: tensor<1x16x32xf32>) {
  // expected-error @+1 {{'resq.attention' op expected key [batch, kv_seq, num_kv_heads * head_dim] of shape 1x16x32, found 1x16x64}}
  %0 = resq.attention %q, %k, %v heads 8 kv_heads 4 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x32xf32>) -> tensor<1x16x64xf32>
  return
}

// -----

func.func @f(%q: tensor<1x16x64xf32>, %k: tensor<1x16x32xf32>, %v: tensor<2x16x32xf32>) {
  // expected-error @+1 {{'resq.attention' op expected value [batch, kv_seq, num_kv_heads * v_head_dim] of shape 1x16x32, found 2x16x32}}
  %0 = resq.attention %q, %k, %v heads 8 kv_heads 4 : (tensor<1x16x64xf32>, tensor<1x16x32xf32>, tensor<2x16x32xf32>) -> tensor<1x16x64xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x1x8xf32>, %k: tensor<1x4x1x8xf32>, %p: tensor<1x4x15x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected both past_key and past_value, or neither}}
  %0:3 = "resq.attention"(%q, %k, %k, %p) <{num_heads = 8 : i64, num_kv_heads = 4 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0>}> : (tensor<1x8x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x15x8xf32>) -> (tensor<1x8x1x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x8x1x8xf32>, %k: tensor<1x4x1x8xf32>, %p: tensor<1x2x15x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected past_key [batch, num_kv_heads, past_seq, head_dim] of shape 1x4x15x8, found 1x2x15x8}}
  %0:3 = resq.attention %q, %k, %k past %p, %p heads 8 kv_heads 4 : (tensor<1x8x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x2x15x8xf32>, tensor<1x2x15x8xf32>) -> (tensor<1x8x1x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x8x1x8xf32>, %k: tensor<1x4x1x8xf32>, %pk: tensor<1x4x15x8xf32>, %pv: tensor<1x4x14x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected past_value [batch, num_kv_heads, past_seq, v_head_dim] of shape 1x4x15x8, found 1x4x14x8}}
  %0:3 = resq.attention %q, %k, %k past %pk, %pv heads 8 kv_heads 4 : (tensor<1x8x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x15x8xf32>, tensor<1x4x14x8xf32>) -> (tensor<1x8x1x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x8x1x8xf32>, %k: tensor<1x4x1x8xf32>, %p: tensor<1x4x15x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected 2 present cache results (one key and one value per past operand), found 0}}
  %0 = resq.attention %q, %k, %k past %p, %p heads 8 kv_heads 4 : (tensor<1x8x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x15x8xf32>, tensor<1x4x15x8xf32>) -> tensor<1x8x1x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x1x8xf32>, %k: tensor<1x4x1x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected 0 present cache results (one key and one value per past operand), found 2}}
  %0:3 = resq.attention %q, %k, %k heads 8 kv_heads 4 : (tensor<1x8x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32>) -> (tensor<1x8x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x8x1x8xf32>, %k: tensor<1x4x1x8xf32>, %p: tensor<1x4x15x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected present key cache of shape 1x4x16x8, found 1x4x15x8}}
  %0:3 = resq.attention %q, %k, %k past %p, %p heads 8 kv_heads 4 : (tensor<1x8x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x15x8xf32>, tensor<1x4x15x8xf32>) -> (tensor<1x8x1x8xf32>, tensor<1x4x15x8xf32>, tensor<1x4x16x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x8x1x8xf32>, %k: tensor<1x4x1x8xf32>, %p: tensor<1x4x15x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected present value cache of shape 1x4x16x8, found 1x4x17x8}}
  %0:3 = resq.attention %q, %k, %k past %p, %p heads 8 kv_heads 4 : (tensor<1x8x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32>, tensor<1x4x15x8xf32>, tensor<1x4x15x8xf32>) -> (tensor<1x8x1x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x17x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x8x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x4xf32>) {
  // expected-error @+1 {{'resq.attention' op expected output of shape 1x8x16x4, found 1x8x16x8}}
  %0 = resq.attention %q, %k, %v heads 8 kv_heads 4 : (tensor<1x8x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x4xf32>) -> tensor<1x8x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x16x64xf32>, %k: tensor<1x16x32xf32>) {
  // expected-error @+1 {{'resq.attention' op expected output of shape 1x16x64, found 1x16x32}}
  %0 = resq.attention %q, %k, %k heads 8 kv_heads 4 : (tensor<1x16x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>) -> tensor<1x16x32xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x16x8xf32>, %k: tensor<1x4x16x8xf32>, %m: tensor<1x1x16x20xf32>) {
  // expected-error @+1 {{'resq.attention' op expected mask of shape 1x1x16x20 to broadcast to the scores [batch, num_heads, q_seq, kv_seq] = 1x8x16x16}}
  %0 = resq.attention %q, %k, %k mask %m heads 8 kv_heads 4 : (tensor<1x8x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x1x16x20xf32>) -> tensor<1x8x16x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x8x16x8xf32>, %k: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected q_seq (16) <= kv_seq (8) for causal attention, or the first queries would see no key}}
  %0 = resq.attention %q, %k, %k heads 8 kv_heads 4 causal : (tensor<1x8x16x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x8x16x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// resq.silu
//===----------------------------------------------------------------------===//

// -----

func.func @f(%x: tensor<8xi32>) {
  // expected-error @+1 {{'resq.silu' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<8xi32>'}}
  %0 = resq.silu %x : tensor<8xi32>
  return
}

//===----------------------------------------------------------------------===//
// resq.k_rank / resq.v_rank (--resq-lowrank-attention's record)
//===----------------------------------------------------------------------===//

// -----

func.func @f(%q: tensor<1x2x4x8xf32>, %k: tensor<1x1x4x8xf32>, %v: tensor<1x1x4x8xf32>) {
  // expected-error @+1 {{'resq.k_rank' must be a positive integer attribute of a resq.attention}}
  %0 = resq.attention %q, %k, %v heads 2 kv_heads 1 {resq.k_rank = 0 : i64} : (tensor<1x2x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'resq.v_rank' must be a positive integer attribute of a resq.attention}}
  %0 = resq.silu %x {resq.v_rank = 2 : i64} : tensor<4xf32>
  return
}

//===----------------------------------------------------------------------===//
// resq.project
//===----------------------------------------------------------------------===//

// -----
module attributes {resq.params = #resq.archive<"p.safetensors">} {
func.func @f(%x: tensor<f32>) {
  %p = resq.param "p" : tensor<16x8xf32>
  // expected-error @+1 {{'resq.project' op expected input of rank >= 1, found 'tensor<f32>'}}
  %0 = resq.project %x, %p : (tensor<f32>, tensor<16x8xf32>) -> tensor<f32>
  return
}
}

// -----
module attributes {resq.params = #resq.archive<"p.safetensors">} {
func.func @f(%x: tensor<4x8xf32>) {
  %p = resq.param "p" : tensor<8x16xf32>
  // expected-error @+1 {{'resq.project' op expected a basis of n x r with r <= n, found 8x16}}
  %0 = resq.project %x, %p : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return
}
}

// -----
module attributes {resq.params = #resq.archive<"p.safetensors">} {
func.func @f(%x: tensor<4x12xf32>) {
  %p = resq.param "p" : tensor<16x8xf32>
  // expected-error @+1 {{'resq.project' op expected input (last dimension n, the basis' rows) of shape 4x16, found 4x12}}
  %0 = resq.project %x, %p : (tensor<4x12xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  return
}
}

// -----
module attributes {resq.params = #resq.archive<"p.safetensors">} {
func.func @f(%x: tensor<4x16xf32>) {
  %p = resq.param "p" : tensor<16x8xf32>
  // expected-error @+1 {{'resq.project' op expected input (last dimension r, the basis' columns) of shape 4x8, found 4x16}}
  %0 = resq.project %x, %p lift : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  return
}
}

// -----
module attributes {resq.params = #resq.archive<"p.safetensors">} {
func.func @f(%x: tensor<4x16xf32>) {
  %p = resq.param "p" : tensor<16x8xf32>
  // expected-error @+1 {{'resq.project' op expected result of shape 4x8, found 4x16}}
  %0 = resq.project %x, %p : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  return
}
}

// -----
module attributes {resq.params = #resq.archive<"p.safetensors">} {
func.func @f(%x: tensor<4x16xf32>) {
  %p = resq.param "p" : tensor<16x8xf16>
  // expected-error @+1 {{'resq.project' op expected basis element type 'f32', found 'f16'}}
  %0 = resq.project %x, %p : (tensor<4x16xf32>, tensor<16x8xf16>) -> tensor<4x8xf32>
  return
}
}

// -----

func.func @f(%x: tensor<4x16xf32>, %p: tensor<16x8xf32>) {
  // expected-error @+1 {{'resq.project' op expected the basis to come from 'resq.param', found a block argument}}
  %0 = resq.project %x, %p : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// resq.rotate
//===----------------------------------------------------------------------===//

// -----

func.func @f(%x: tensor<f32>) {
  // expected-error @+1 {{'resq.rotate' op expected input of rank >= 1, found 'tensor<f32>'}}
  %0 = resq.rotate %x hadamard seed 1 online : tensor<f32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>, %q: tensor<64x64xf32>) {
  // expected-error @+1 {{'resq.rotate' op expected no matrix operand for a hadamard rotation}}
  %0 = resq.rotate %x hadamard(%q : tensor<64x64xf32>) seed 1 online : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.rotate' op expected a seed for the random signs of a hadamard rotation}}
  %0 = resq.rotate %x hadamard online : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x44xf32>) {
  // expected-error @+1 {{'resq.rotate' op expected a hadamard size K * 2^m with K in {1, 12, 20, 28, 36, 40, 52, 60, 108, 140, 156, 172}, found 44}}
  %0 = resq.rotate %x hadamard seed 1 online : tensor<8x44xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.rotate' op expected a matrix operand for a matrix rotation}}
  %0 = resq.rotate %x matrix fused : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>, %q: tensor<64x64xf32>) {
  // expected-error @+1 {{'resq.rotate' op expected no seed for a matrix rotation}}
  %0 = resq.rotate %x matrix(%q : tensor<64x64xf32>) seed 3 fused : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>, %q: tensor<64x64xf16>) {
  // expected-error @+1 {{'resq.rotate' op expected matrix element type 'f32', found 'f16'}}
  %0 = resq.rotate %x matrix(%q : tensor<64x64xf16>) fused : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>, %q: tensor<64x32xf32>) {
  // expected-error @+1 {{'resq.rotate' op expected rotation matrix (n x n, n = the input's last dimension) of shape 64x64, found 64x32}}
  %0 = resq.rotate %x matrix(%q : tensor<64x32xf32>) fused : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>, %q: tensor<64x64xf32>) {
  // expected-error @+1 {{'resq.rotate' op expected the rotation matrix to come from 'resq.param', found a block argument}}
  %0 = resq.rotate %x matrix(%q : tensor<64x64xf32>) fused : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // Constants are not accepted: nothing says they are orthogonal.
  %q = arith.constant dense<1.0> : tensor<64x64xf32>
  // expected-error @+1 {{'resq.rotate' op expected the rotation matrix to come from 'resq.param', found 'arith.constant'}}
  %0 = resq.rotate %x matrix(%q : tensor<64x64xf32>) fused : tensor<8x64xf32>
  return
}

//===----------------------------------------------------------------------===//
// resq.fake_quant
//===----------------------------------------------------------------------===//

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.fake_quant' op expected bits in 2..16, found 1}}
  %0 = resq.fake_quant %x per_token bits 1 : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.fake_quant' op expected bits in 2..16, found 32}}
  %0 = resq.fake_quant %x per_token bits 32 : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.fake_quant' op expected clip ratio in (0, 1], found 1.5}}
  %0 = resq.fake_quant %x per_token bits 4 clip 1.5 : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.fake_quant' op expected clip ratio in (0, 1], found 0}}
  %0 = resq.fake_quant %x per_token bits 4 clip 0.0 : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<f32>) {
  // expected-error @+1 {{'resq.fake_quant' op expected input of rank >= 1 for per_token granularity, found 'tensor<f32>'}}
  %0 = resq.fake_quant %x per_token bits 4 : tensor<f32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.fake_quant' op expected no group size with per_channel granularity}}
  %0 = resq.fake_quant %x per_channel size 32 bits 4 : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.fake_quant' op expected a group size for per_group granularity}}
  %0 = resq.fake_quant %x per_group bits 4 : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.fake_quant' op expected a positive group size, found 0}}
  %0 = resq.fake_quant %x per_group size 0 bits 4 : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.fake_quant' op expected group size (48) to divide the last dimension (64)}}
  %0 = resq.fake_quant %x per_group size 48 bits 4 : tensor<8x64xf32>
  return
}

//===----------------------------------------------------------------------===//
// resq.subspace_quant and its channel ranges
//===----------------------------------------------------------------------===//

// -----

func.func @f(%x: tensor<f32>) {
  // expected-error @+1 {{'resq.subspace_quant' op expected input of rank >= 1, found 'tensor<f32>'}}
  %0 = resq.subspace_quant %x [1 : i4] : tensor<f32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.subspace_quant' op expected clip ratio in (0, 1], found 2}}
  %0 = resq.subspace_quant %x [56 : i4, 8 : i8] clip 2.0 : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.subspace_quant' op expected at least one channel range}}
  %0 = resq.subspace_quant %x [] : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.subspace_quant' op expected a positive group size, found -8}}
  %0 = resq.subspace_quant %x [7 : i4, 1 : i8] group -8 : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.subspace_quant' op expected group size (48) to divide the last dimension (64)}}
  %0 = resq.subspace_quant %x [40 : i4, 8 : i8] group 48 : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.subspace_quant' op expected the channel ranges to tile the last dimension (64 channels) exactly, but they cover 60}}
  %0 = resq.subspace_quant %x [52 : i4, 8 : i8] : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.subspace_quant' op expected the channel ranges to tile each group (8 channels) exactly, but they cover 9}}
  %0 = resq.subspace_quant %x [8 : i4, 1 : i8] group 8 : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{expected a positive channel count in a bit range, found 0}}
  %0 = resq.subspace_quant %x [0 : i4, 64 : i8] : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{expected a bit width in 2..16, found 1}}
  %0 = resq.subspace_quant %x [56 : i1, 8 : i8] : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{expected a bit width in 2..16, found 32}}
  %0 = resq.subspace_quant %x [56 : i4, 8 : i32] : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{expected a signless integer type such as i4 for the bit width of a channel range, found 'f16'}}
  %0 = resq.subspace_quant %x [56 : f16, 8 : i8] : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{expected a signless integer type such as i4 for the bit width of a channel range, found 'si4'}}
  %0 = resq.subspace_quant %x [56 : si4, 8 : i8] : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{expected integer value}}
  %0 = resq.subspace_quant %x [i4, 8 : i8] : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{expected ':'}}
  %0 = resq.subspace_quant %x [56 i4, 8 : i8] : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{expected ']' in a list of channel ranges}}
  %0 = resq.subspace_quant %x [56 : i4 8 : i8] : tensor<8x64xf32>
  return
}

// -----

// expected-error @+1 {{expected a positive channel count in a bit range, found -2}}
module attributes {resq.check = [#resq.range<size = -2, bits = 4>]} {}

// -----

func.func @f(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'resq.subspace_quant' op expected the channel ranges to tile the last dimension (64 channels) exactly, but they cover more than 2^63 channels}}
  %0 = resq.subspace_quant %x [9223372036854775807 : i4, 9223372036854775807 : i8] : tensor<8x64xf32>
  return
}

// -----

func.func @f(%x: tensor<1x8x16x0xf32>, %c: tensor<16x0xf32>) {
  // expected-error @+1 {{'resq.rope' op expected a positive head_dim, found 0}}
  %0 = resq.rope %x, %c, %c half : tensor<1x8x16x0xf32>, tensor<16x0xf32>
  return
}

// -----

func.func @f(%q: tensor<1x2x4x0xf32>) {
  // expected-error @+1 {{'resq.attention' op expected positive head dims, found 0 (query/key) and 0 (value)}}
  %0 = resq.attention %q, %q, %q heads 2 kv_heads 2 : (tensor<1x2x4x0xf32>, tensor<1x2x4x0xf32>, tensor<1x2x4x0xf32>) -> tensor<1x2x4x0xf32>
  return
}

// -----

func.func @f(%q: tensor<1x16x?xf32>, %k: tensor<1x16x7xf32>, %v: tensor<1x16x8xf32>) {
  // expected-error @+1 {{'resq.attention' op expected key width (7) to be divisible by its head count (2)}}
  %0 = resq.attention %q, %k, %v heads 4 kv_heads 2 : (tensor<1x16x?xf32>, tensor<1x16x7xf32>, tensor<1x16x8xf32>) -> tensor<1x16x?xf32>
  return
}

// -----

// Regression: a param without its name property reaches the module-level
// check before its own verifier; it must be diagnosed, not crash.
module attributes {resq.params = #resq.archive<"a.safetensors">} {
  // expected-error @+1 {{'resq.param' op requires attribute 'name'}}
  %0 = "resq.param"() : () -> tensor<2xf32>
}

// -----

module attributes {resq.params = #resq.archive<"a.safetensors">} {
  %0 = "resq.param"() <{name = "w"}> : () -> tensor<2xf32>
  // expected-error @+1 {{'resq.param' op requires one result}}
  "resq.param"() <{name = "w"}> : () -> ()
}

// -----

// A nested module names its own archive: its parameters are its own.
module attributes {resq.params = #resq.archive<"outer.safetensors">} {
  %0 = resq.param "w" : tensor<2xf32>
  module attributes {resq.params = #resq.archive<"inner.safetensors">} {
    %1 = resq.param "w" : tensor<4xf32>
  }
  // expected-error @+1 {{'resq.param' op result #0 must be statically shaped tensor of floating-point or signless integer or unsigned integer values, but got 'tensor<2xindex>'}}
  %2 = resq.param "i" : tensor<2xindex>
}

//===----------------------------------------------------------------------===//
// resq.qlinear
//===----------------------------------------------------------------------===//

// -----

func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x4xi8>, %s: tensor<1x4xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected result (the input's leading dims, then out) of shape 4x4, found 2x4}}
  %0 = resq.qlinear %x [8 : i8] * [8 : i8] %w scales %s : (tensor<4x8xf32>, tensor<8x4xi8>, tensor<1x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x4xi8>, %s: tensor<1x4xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected activation ranges of at most 8 bits, found 16}}
  %0 = resq.qlinear %x [8 : i16] * [8 : i8] %w scales %s : (tensor<4x8xf32>, tensor<8x4xi8>, tensor<1x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x4xi8>, %s: tensor<1x4xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected weight ranges of at most 8 bits, found 12}}
  %0 = resq.qlinear %x [8 : i8] * [8 : i12] %w scales %s : (tensor<4x8xf32>, tensor<8x4xi8>, tensor<1x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x4xi8>, %s: tensor<1x4xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected the activation ranges to tile the last dimension (8 channels) exactly, but they cover 7}}
  %0 = resq.qlinear %x [6 : i4, 1 : i8] * [8 : i8] %w scales %s : (tensor<4x8xf32>, tensor<8x4xi8>, tensor<1x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x4xi8>, %s: tensor<1x4xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected the weight ranges to tile each group (4 channels) exactly, but they cover 8}}
  %0 = resq.qlinear %x [4 : i8] group 4 * [8 : i8] %w scales %s : (tensor<4x8xf32>, tensor<8x4xi8>, tensor<1x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x4xi8>, %s: tensor<2x4xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected one weight operand per weight range (2), found 1}}
  %0 = resq.qlinear %x [8 : i8] * [6 : i4, 2 : i8] %w scales %s : (tensor<4x8xf32>, tensor<8x4xi8>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<4x8xf32>, %wl: tensor<6x3xi8>, %wh: tensor<2x4xi8>, %s: tensor<2x4xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected weight range 0 of shape 6x4 (or 6x2 packed), found 6x3}}
  %0 = resq.qlinear %x [8 : i8] * [6 : i4, 2 : i8] %wl, %wh scales %s : (tensor<4x8xf32>, tensor<6x3xi8>, tensor<2x4xi8>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<4x8xf32>, %wl: tensor<6x4xi8>, %wh: tensor<2x2xi8>, %s: tensor<2x4xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected weight range 1 of shape 2x4, found 2x2}}
  %0 = resq.qlinear %x [8 : i8] * [6 : i4, 2 : i8] %wl, %wh scales %s : (tensor<4x8xf32>, tensor<6x4xi8>, tensor<2x2xi8>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x4xi8>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected scales (weight ranges x out) of shape 1x4, found 4}}
  %0 = resq.qlinear %x [8 : i8] * [8 : i8] %w scales %s : (tensor<4x8xf32>, tensor<8x4xi8>, tensor<4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x4xi8>, %s: tensor<1x4xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected bias of shape 4, found 8}}
  %0 = resq.qlinear %x [8 : i8] * [8 : i8] %w scales %s bias %b : (tensor<4x8xf32>, tensor<8x4xi8>, tensor<1x4xf32>, tensor<8xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x4xi8>, %s: tensor<1x4xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected clip ratio in (0, 1], found 0}}
  %0 = resq.qlinear %x [8 : i8] clip 0.0 * [8 : i8] %w scales %s : (tensor<4x8xf32>, tensor<8x4xi8>, tensor<1x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x4xi8>, %s: tensor<1x4xf32>) {
  // expected-error @+1 {{'resq.qlinear' op expected group size (3) to divide the last dimension (8)}}
  %0 = resq.qlinear %x [3 : i8] group 3 * [3 : i8] %w scales %s : (tensor<4x8xf32>, tensor<8x4xi8>, tensor<1x4xf32>) -> tensor<4x4xf32>
  return
}
