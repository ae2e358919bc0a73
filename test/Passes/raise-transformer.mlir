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

// -----

// torch's RMSNorm chain is resq.rms_norm; the same chain whose mean divides
// by the wrong count is not.
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#scalar = affine_map<(d0, d1, d2) -> ()>
// CHECK-LABEL: func.func @rms_norm
// CHECK: resq.rms_norm %arg0, %{{.*}} eps 9.9999997473787516E-6 : tensor<1x2x4xf32>, tensor<4xf32>
// CHECK-LABEL: func.func @not_rms_norm
// CHECK-NOT: resq.rms_norm
// CHECK: tosa.reduce_sum
module attributes {resq.params = #resq.archive<"w.safetensors">} {
func.func @rms_norm(%x: tensor<1x2x4xf32>) -> tensor<1x2x4xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %sq = tosa.mul %x, %x, %shift : (tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1xi8>) -> tensor<1x2x4xf32>
  %sum = tosa.reduce_sum %sq {axis = 2 : i32} : (tensor<1x2x4xf32>) -> tensor<1x2x1xf32>
  %e0 = tensor.empty() : tensor<1x2x1xf32>
  %mean = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%sum : tensor<1x2x1xf32>) outs(%e0 : tensor<1x2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.constant 4.0 : f32
    %d = arith.divf %in, %n : f32
    linalg.yield %d : f32
  } -> tensor<1x2x1xf32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<1x1x1xf32>
  %a = tosa.add %mean, %eps : (tensor<1x2x1xf32>, tensor<1x1x1xf32>) -> tensor<1x2x1xf32>
  %e1 = tensor.empty() : tensor<1x2x1xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%a : tensor<1x2x1xf32>) outs(%e1 : tensor<1x2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.sqrt %in : f32
    linalg.yield %s : f32
  } -> tensor<1x2x1xf32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %e2 = tensor.empty() : tensor<1x2x1xf32>
  %inv = linalg.generic {indexing_maps = [#scalar, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%one, %r : tensor<f32>, tensor<1x2x1xf32>) outs(%e2 : tensor<1x2x1xf32>) {
  ^bb0(%i1: f32, %i2: f32, %out: f32):
    %q = arith.divf %i1, %i2 : f32
    linalg.yield %q : f32
  } -> tensor<1x2x1xf32>
  %nx = tosa.mul %x, %inv, %shift : (tensor<1x2x4xf32>, tensor<1x2x1xf32>, tensor<1xi8>) -> tensor<1x2x4xf32>
  %g = resq.param "g" : tensor<4xf32>
  %gs = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %g3 = tosa.reshape %g, %gs : (tensor<4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
  %y = tosa.mul %nx, %g3, %shift : (tensor<1x2x4xf32>, tensor<1x1x4xf32>, tensor<1xi8>) -> tensor<1x2x4xf32>
  return %y : tensor<1x2x4xf32>
}

func.func @not_rms_norm(%x: tensor<1x2x4xf32>) -> tensor<1x2x4xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %sq = tosa.mul %x, %x, %shift : (tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1xi8>) -> tensor<1x2x4xf32>
  %sum = tosa.reduce_sum %sq {axis = 2 : i32} : (tensor<1x2x4xf32>) -> tensor<1x2x1xf32>
  %e0 = tensor.empty() : tensor<1x2x1xf32>
  %mean = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%sum : tensor<1x2x1xf32>) outs(%e0 : tensor<1x2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.constant 3.0 : f32
    %d = arith.divf %in, %n : f32
    linalg.yield %d : f32
  } -> tensor<1x2x1xf32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<1x1x1xf32>
  %a = tosa.add %mean, %eps : (tensor<1x2x1xf32>, tensor<1x1x1xf32>) -> tensor<1x2x1xf32>
  %e1 = tensor.empty() : tensor<1x2x1xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%a : tensor<1x2x1xf32>) outs(%e1 : tensor<1x2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.sqrt %in : f32
    linalg.yield %s : f32
  } -> tensor<1x2x1xf32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %e2 = tensor.empty() : tensor<1x2x1xf32>
  %inv = linalg.generic {indexing_maps = [#scalar, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%one, %r : tensor<f32>, tensor<1x2x1xf32>) outs(%e2 : tensor<1x2x1xf32>) {
  ^bb0(%i1: f32, %i2: f32, %out: f32):
    %q = arith.divf %i1, %i2 : f32
    linalg.yield %q : f32
  } -> tensor<1x2x1xf32>
  %nx = tosa.mul %x, %inv, %shift : (tensor<1x2x4xf32>, tensor<1x2x1xf32>, tensor<1xi8>) -> tensor<1x2x4xf32>
  %g = resq.param "g" : tensor<4xf32>
  %gs = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %g3 = tosa.reshape %g, %gs : (tensor<4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
  %y = tosa.mul %nx, %g3, %shift : (tensor<1x2x4xf32>, tensor<1x1x4xf32>, tensor<1xi8>) -> tensor<1x2x4xf32>
  return %y : tensor<1x2x4xf32>
}
}
