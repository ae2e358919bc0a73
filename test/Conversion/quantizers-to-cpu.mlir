// RUN: resq-opt %s --resq-lower-to-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// The reference lowering of resq.fake_quant (every granularity, symmetric
// and asymmetric, clipping) and resq.subspace_quant, executed. Expected
// values computed independently with numpy from the definitions in
// ResqOps.td (float32 arithmetic, rounding half to even), checked to 4
// significant digits.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[0.1, -0.52, 0.33, 0.9, -1.7, 0.05, 0.0, 0.61], [2.0, 1.0, -0.25, 0.125, 0.75, -0.6, 0.3, -0.05]]> : tensor<2x8xf32>

  %r0 = resq.fake_quant %x per_token bits 4 : tensor<2x8xf32>
  %u0 = tensor.cast %r0 : tensor<2x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[0.173{{[0-9]*}}, -0.52, 0.346{{[0-9]*}}, 0.866{{[0-9]*}}, -1.733{{[0-9]*}}, 0, 0, 0.693{{[0-9]*}}]
  // CHECK-NEXT: [2.08, 1.04, -0.173{{[0-9]*}}, 0.173{{[0-9]*}}, 0.693{{[0-9]*}}, -0.52, 0.346{{[0-9]*}}, 0]

  %r1 = resq.fake_quant %x per_channel bits 3 symmetric : tensor<2x8xf32>
  %u1 = tensor.cast %r1 : tensor<2x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[0, -0.666{{[0-9]*}}, 0.33, 0.9, -1.7, 0, 0, 0.61]
  // CHECK-NEXT: [2, 1, -0.22, 0, 0.566{{[0-9]*}}, -0.6, 0.3, 0]

  %r2 = resq.fake_quant %x per_group size 4 bits 4 symmetric clip 0.9 : tensor<2x8xf32>
  %u2 = tensor.cast %r2 : tensor<2x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[0.115{{[0-9]*}}, -0.462{{[0-9]*}}, 0.347{{[0-9]*}}, 0.81, -1.53, 0, 0, 0.655{{[0-9]*}}]
  // CHECK-NEXT: [1.8, 1.0285{{[0-9]*}}, -0.257{{[0-9]*}}, 0, 0.675{{[0-9]*}}, -0.578{{[0-9]*}}, 0.289{{[0-9]*}}, -0.0964{{[0-9]*}}]

  %r3 = resq.fake_quant %x per_tensor bits 2 : tensor<2x8xf32>
  %u3 = tensor.cast %r3 : tensor<2x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u3) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[0, 0, 0, 1.233{{[0-9]*}}, -1.233{{[0-9]*}}, 0, 0, 0]
  // CHECK-NEXT: [2.466{{[0-9]*}}, 1.233{{[0-9]*}}, 0, 0, 1.233{{[0-9]*}}, 0, 0, 0]

  %r4 = resq.subspace_quant %x [6 : i4, 2 : i8] : tensor<2x8xf32>
  %u4 = tensor.cast %r4 : tensor<2x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u4) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[0.173{{[0-9]*}}, -0.52, 0.346{{[0-9]*}}, 0.866{{[0-9]*}}, -1.733{{[0-9]*}}, 0, 0, 0.61]
  // CHECK-NEXT: [2.08, 1.04, -0.173{{[0-9]*}}, 0.173{{[0-9]*}}, 0.693{{[0-9]*}}, -0.52, 0.300{{[0-9]*}}, -0.0494{{[0-9]*}}]
  return
}
