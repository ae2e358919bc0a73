// RUN: resq-opt %s --split-input-file --resq-lower-to-cim=backend=ideal --verify-diagnostics | FileCheck %s

// An eligible qlinear (one 8-bit activation range, one 4-bit weight range,
// no groups, parameter weights): the CPU's quantization stays, the products
// run on crossbars under the layer's name (the parameter's, without .int4).
// CHECK-LABEL: func.func @eligible
// CHECK: arith.extsi
// CHECK: cim.program %{{.*}} xbar <rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram"> {layer = "fc"} : tensor<64x16xi8> -> tensor<4x64x16xi8>
// CHECK: cim.mvm {{.*}} {layer = "fc"} : tensor<4x64x16xi8>, tensor<8x64xi32> -> tensor<8x8x1x4x16xf32>
// CHECK: cim.shift_add %{{.*}} cell_bits 1 {layer = "fc"} : tensor<8x8x1x4x16xf32> -> tensor<8x16xf32>
// CHECK-NOT: resq.qlinear
module attributes {resq.params = #resq.archive<"unread.safetensors">} {
  func.func @eligible(%x: tensor<1x8x64xf32>) -> tensor<1x8x16xf32> {
    %w = resq.param "fc.int4" : tensor<64x8xi8>
    %s = resq.param "fc.scales" : tensor<1x16xf32>
    %y = resq.qlinear %x [64 : i8] * [64 : i4] %w scales %s : (tensor<1x8x64xf32>, tensor<64x8xi8>, tensor<1x16xf32>) -> tensor<1x8x16xf32>
    return %y : tensor<1x8x16xf32>
  }
}

// -----

// CHECK-LABEL: func.func @split
module attributes {resq.params = #resq.archive<"unread.safetensors">} {
  func.func @split(%x: tensor<1x8x64xf32>) -> tensor<1x8x16xf32> {
    %wl = resq.param "q.int4" : tensor<56x8xi8>
    %wh = resq.param "q.int8" : tensor<8x16xi8>
    %s = resq.param "q.scales" : tensor<2x16xf32>
    // expected-remark @+1 {{stays on the digital (CPU) path: its channels are split into ranges of different widths (one crossbar configuration per layer)}}
    %y = resq.qlinear %x [56 : i4, 8 : i8] * [56 : i4, 8 : i8] %wl, %wh scales %s : (tensor<1x8x64xf32>, tensor<56x8xi8>, tensor<8x16xi8>, tensor<2x16xf32>) -> tensor<1x8x16xf32>
    return %y : tensor<1x8x16xf32>
  }
}

// -----

module attributes {resq.params = #resq.archive<"unread.safetensors">} {
  func.func @grouped(%x: tensor<1x8x64xf32>) -> tensor<1x8x16xf32> {
    %w = resq.param "o.int4" : tensor<64x8xi8>
    %s = resq.param "o.scales" : tensor<1x16xf32>
    // expected-remark @+1 {{stays on the digital (CPU) path: its input is quantized in groups}}
    %y = resq.qlinear %x [16 : i8] group 16 * [16 : i4] %w scales %s : (tensor<1x8x64xf32>, tensor<64x8xi8>, tensor<1x16xf32>) -> tensor<1x8x16xf32>
    return %y : tensor<1x8x16xf32>
  }
}

// -----

module attributes {resq.params = #resq.archive<"unread.safetensors">} {
  func.func @argument_weights(%x: tensor<1x8x64xf32>, %w: tensor<64x8xi8>, %s: tensor<1x16xf32>) -> tensor<1x8x16xf32> {
    // expected-remark @+1 {{stays on the digital (CPU) path: its weights are not a parameter}}
    %y = resq.qlinear %x [64 : i8] * [64 : i4] %w scales %s : (tensor<1x8x64xf32>, tensor<64x8xi8>, tensor<1x16xf32>) -> tensor<1x8x16xf32>
    return %y : tensor<1x8x16xf32>
  }
}

// -----

module attributes {resq.params = #resq.archive<"unread.safetensors">} {
  func.func @float_linear(%x: tensor<1x8x64xf32>) -> tensor<1x8x16xf32> {
    %w = resq.param "head" : tensor<64x16xf32>
    // expected-remark @+1 {{stays on the digital (CPU) path: a float linear (quantize it with --resq-quantize mode=int to map it onto crossbars)}}
    %y = resq.linear %x, %w : (tensor<1x8x64xf32>, tensor<64x16xf32>) -> tensor<1x8x16xf32>
    return %y : tensor<1x8x16xf32>
  }
}
