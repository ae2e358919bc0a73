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

// -----

// Interleaved RoPE with stride-2 slices and inline tables: one resq.rope,
// the tables reshaped to [seq, pairs].
// CHECK-LABEL: func.func @rope_interleaved
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>)
// CHECK: %[[R:.*]] = resq.rope %[[X]], %{{.*}}, %{{.*}} interleaved : tensor<1x2x4x4xf32>, tensor<4x2xf32>
// CHECK: return %[[R]]
// CHECK-NOT: tosa.concat
func.func @rope_interleaved(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %cos = "tosa.const"() <{values = dense<[[[[1.0, 0.5], [0.25, 0.125], [0.5, 0.75], [1.0, 0.0]]]]> : tensor<1x1x4x2xf32>}> : () -> tensor<1x1x4x2xf32>
  %sin = "tosa.const"() <{values = dense<[[[[0.0, 0.5], [0.75, 0.125], [0.5, 0.25], [0.0, 1.0]]]]> : tensor<1x1x4x2xf32>}> : () -> tensor<1x1x4x2xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %e = tensor.extract_slice %x[0, 0, 0, 0] [1, 2, 4, 2] [1, 1, 1, 2] : tensor<1x2x4x4xf32> to tensor<1x2x4x2xf32>
  %o = tensor.extract_slice %x[0, 0, 0, 1] [1, 2, 4, 2] [1, 1, 1, 2] : tensor<1x2x4x4xf32> to tensor<1x2x4x2xf32>
  %ec = tosa.mul %e, %cos, %shift : (tensor<1x2x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1xi8>) -> tensor<1x2x4x2xf32>
  %os = tosa.mul %o, %sin, %shift : (tensor<1x2x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1xi8>) -> tensor<1x2x4x2xf32>
  %re = tosa.sub %ec, %os : (tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x2x4x2xf32>
  %es = tosa.mul %e, %sin, %shift : (tensor<1x2x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1xi8>) -> tensor<1x2x4x2xf32>
  %oc = tosa.mul %o, %cos, %shift : (tensor<1x2x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1xi8>) -> tensor<1x2x4x2xf32>
  %im = tosa.add %es, %oc : (tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x2x4x2xf32>
  %s5 = tosa.const_shape {values = dense<[1, 2, 4, 2, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %r5 = tosa.reshape %re, %s5 : (tensor<1x2x4x2xf32>, !tosa.shape<5>) -> tensor<1x2x4x2x1xf32>
  %i5 = tosa.reshape %im, %s5 : (tensor<1x2x4x2xf32>, !tosa.shape<5>) -> tensor<1x2x4x2x1xf32>
  %c = tosa.concat %r5, %i5 {axis = 4 : i32} : (tensor<1x2x4x2x1xf32>, tensor<1x2x4x2x1xf32>) -> tensor<1x2x4x2x2xf32>
  %s4 = tosa.const_shape {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %y = tosa.reshape %c, %s4 : (tensor<1x2x4x2x2xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// The same construct where the second use of "cos" is another table: not a
// rotation, left as it is.
// CHECK-LABEL: func.func @rope_tables_differ
// CHECK-NOT: resq.rope
// CHECK: tosa.concat
func.func @rope_tables_differ(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %cos = "tosa.const"() <{values = dense<0.5> : tensor<1x1x4x2xf32>}> : () -> tensor<1x1x4x2xf32>
  %cos2 = "tosa.const"() <{values = dense<0.25> : tensor<1x1x4x2xf32>}> : () -> tensor<1x1x4x2xf32>
  %sin = "tosa.const"() <{values = dense<0.75> : tensor<1x1x4x2xf32>}> : () -> tensor<1x1x4x2xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %e = tensor.extract_slice %x[0, 0, 0, 0] [1, 2, 4, 2] [1, 1, 1, 2] : tensor<1x2x4x4xf32> to tensor<1x2x4x2xf32>
  %o = tensor.extract_slice %x[0, 0, 0, 1] [1, 2, 4, 2] [1, 1, 1, 2] : tensor<1x2x4x4xf32> to tensor<1x2x4x2xf32>
  %ec = tosa.mul %e, %cos, %shift : (tensor<1x2x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1xi8>) -> tensor<1x2x4x2xf32>
  %os = tosa.mul %o, %sin, %shift : (tensor<1x2x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1xi8>) -> tensor<1x2x4x2xf32>
  %re = tosa.sub %ec, %os : (tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x2x4x2xf32>
  %es = tosa.mul %e, %sin, %shift : (tensor<1x2x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1xi8>) -> tensor<1x2x4x2xf32>
  %oc = tosa.mul %o, %cos2, %shift : (tensor<1x2x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1xi8>) -> tensor<1x2x4x2xf32>
  %im = tosa.add %es, %oc : (tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x2x4x2xf32>
  %s5 = tosa.const_shape {values = dense<[1, 2, 4, 2, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %r5 = tosa.reshape %re, %s5 : (tensor<1x2x4x2xf32>, !tosa.shape<5>) -> tensor<1x2x4x2x1xf32>
  %i5 = tosa.reshape %im, %s5 : (tensor<1x2x4x2xf32>, !tosa.shape<5>) -> tensor<1x2x4x2x1xf32>
  %c = tosa.concat %r5, %i5 {axis = 4 : i32} : (tensor<1x2x4x2x1xf32>, tensor<1x2x4x2x1xf32>) -> tensor<1x2x4x2x2xf32>
  %s4 = tosa.const_shape {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %y = tosa.reshape %c, %s4 : (tensor<1x2x4x2x2xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Attention with one KV head repeated for two query heads (reshape, tile,
// reshape), scores divided by 2, a constant mask, softmax and the value
// product: one resq.attention on the unrepeated K and V, scale 1/2.
// CHECK-LABEL: func.func @attention_gqa
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x3x4xf32>, %[[K:.*]]: tensor<1x1x3x4xf32>, %[[V:.*]]: tensor<1x1x3x4xf32>)
// CHECK: %[[O:.*]] = resq.attention %[[Q]], %[[K]], %[[V]] mask %{{.*}} heads 2 kv_heads 1 scale 5.000000e-01 : (tensor<1x2x3x4xf32>, tensor<1x1x3x4xf32>, tensor<1x1x3x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x2x3x4xf32>
// CHECK: return %[[O]]
// CHECK-NOT: linalg.softmax
#map4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map0 = affine_map<(d0, d1, d2, d3) -> ()>
func.func @attention_gqa(%q: tensor<1x2x3x4xf32>, %k: tensor<1x1x3x4xf32>, %v: tensor<1x1x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %zero = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mask = "tosa.const"() <{values = dense<[[[[0.0, -1.0e9, -1.0e9], [0.0, 0.0, -1.0e9], [0.0, 0.0, 0.0]]]]> : tensor<1x1x3x3xf32>}> : () -> tensor<1x1x3x3xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %s5 = tosa.const_shape {values = dense<[1, 1, 1, 3, 4]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %m5 = tosa.const_shape {values = dense<[1, 1, 2, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %s4 = tosa.const_shape {values = dense<[1, 2, 3, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %k5 = tosa.reshape %k, %s5 : (tensor<1x1x3x4xf32>, !tosa.shape<5>) -> tensor<1x1x1x3x4xf32>
  %kt = tosa.tile %k5, %m5 : (tensor<1x1x1x3x4xf32>, !tosa.shape<5>) -> tensor<1x1x2x3x4xf32>
  %kr = tosa.reshape %kt, %s4 : (tensor<1x1x2x3x4xf32>, !tosa.shape<4>) -> tensor<1x2x3x4xf32>
  %v5 = tosa.reshape %v, %s5 : (tensor<1x1x3x4xf32>, !tosa.shape<5>) -> tensor<1x1x1x3x4xf32>
  %vt = tosa.tile %v5, %m5 : (tensor<1x1x1x3x4xf32>, !tosa.shape<5>) -> tensor<1x1x2x3x4xf32>
  %vr = tosa.reshape %vt, %s4 : (tensor<1x1x2x3x4xf32>, !tosa.shape<4>) -> tensor<1x2x3x4xf32>
  %ktr = tosa.transpose %kr {perms = array<i32: 0, 1, 3, 2>} : (tensor<1x2x3x4xf32>) -> tensor<1x2x4x3xf32>
  %q3s = tosa.const_shape {values = dense<[2, 3, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %k3s = tosa.const_shape {values = dense<[2, 4, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3s = tosa.const_shape {values = dense<[2, 3, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %sc4 = tosa.const_shape {values = dense<[1, 2, 3, 3]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %q3 = tosa.reshape %q, %q3s : (tensor<1x2x3x4xf32>, !tosa.shape<3>) -> tensor<2x3x4xf32>
  %k3 = tosa.reshape %ktr, %k3s : (tensor<1x2x4x3xf32>, !tosa.shape<3>) -> tensor<2x4x3xf32>
  %qk = tosa.matmul %q3, %k3, %zero, %zero : (tensor<2x3x4xf32>, tensor<2x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3xf32>
  %qk4 = tosa.reshape %qk, %sc4 : (tensor<2x3x3xf32>, !tosa.shape<4>) -> tensor<1x2x3x3xf32>
  %init = tensor.empty() : tensor<1x2x3x3xf32>
  %scaled = linalg.generic {indexing_maps = [#map4, #map0, #map4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%qk4, %two : tensor<1x2x3x3xf32>, tensor<f32>) outs(%init : tensor<1x2x3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.divf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<1x2x3x3xf32>
  %masked = tosa.add %scaled, %mask : (tensor<1x2x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  %init2 = tensor.empty() : tensor<1x2x3x3xf32>
  %p = linalg.softmax dimension(3) ins(%masked : tensor<1x2x3x3xf32>) outs(%init2 : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %p3 = tosa.reshape %p, %p3s : (tensor<1x2x3x3xf32>, !tosa.shape<3>) -> tensor<2x3x3xf32>
  %v3 = tosa.reshape %vr, %q3s : (tensor<1x2x3x4xf32>, !tosa.shape<3>) -> tensor<2x3x4xf32>
  %pv = tosa.matmul %p3, %v3, %zero, %zero : (tensor<2x3x3xf32>, tensor<2x3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x4xf32>
  %o = tosa.reshape %pv, %s4 : (tensor<2x3x4xf32>, !tosa.shape<4>) -> tensor<1x2x3x4xf32>
  return %o : tensor<1x2x3x4xf32>
}
