// RUN: resq-opt %s --split-input-file --resq-raise-transformer | FileCheck %s

// A MatMul with a 2-D parameter weight is a resq.linear.
// CHECK-LABEL: func.func @linear
// CHECK: %[[W:.*]] = resq.param "w" : tensor<8x4xf32>
// CHECK: resq.linear %{{.*}}, %[[W]] : (tensor<1x3x8xf32>, tensor<8x4xf32>) -> tensor<1x3x4xf32>
// CHECK-NOT: tosa.matmul
module attributes {resq.params = #resq.archive<"w.safetensors">} {
func.func @linear(%x: tensor<1x3x8xf32>) -> tensor<1x3x4xf32> {
  %w = resq.param "w" : tensor<8x4xf32>
  %shape = tosa.const_shape {values = dense<[1, 8, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %w3 = tosa.reshape %w, %shape : (tensor<8x4xf32>, !tosa.shape<3>) -> tensor<1x8x4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w3, %zp, %zp : (tensor<1x3x8xf32>, tensor<1x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x4xf32>
  return %y : tensor<1x3x4xf32>
}
}

// -----

// Activation x activation products (attention's) stay tosa.matmul.
// CHECK-LABEL: func.func @not_linear
// CHECK: tosa.matmul
// CHECK-NOT: resq.linear
func.func @not_linear(%x: tensor<1x3x8xf32>, %k: tensor<1x8x3xf32>) -> tensor<1x3x3xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s = tosa.matmul %x, %k, %zp, %zp : (tensor<1x3x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3xf32>
  return %s : tensor<1x3x3xf32>
}

// -----

// x * sigmoid(x), in either order, is resq.silu; x * sigmoid(z) is not.
// CHECK-LABEL: func.func @silu
// CHECK: %[[A:.*]] = resq.silu %arg0
// CHECK: %[[B:.*]] = resq.silu %arg0
// CHECK: tosa.sigmoid %arg1
// CHECK: tosa.mul %arg0
func.func @silu(%x: tensor<2x4xf32>, %z: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %s = tosa.sigmoid %x : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %a = tosa.mul %x, %s, %shift : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<1xi8>) -> tensor<2x4xf32>
  %b = tosa.mul %s, %x, %shift : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<1xi8>) -> tensor<2x4xf32>
  %t = tosa.sigmoid %z : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %c = tosa.mul %x, %t, %shift : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<1xi8>) -> tensor<2x4xf32>
  return %a, %b, %c : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}
