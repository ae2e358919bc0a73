// RUN: resq-opt %s --resq-lower-to-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// The reference lowering of resq.qlinear, executed: integer GEMMs on packed
// 4-bit and on 8-bit weights, per-token activation codes, scales, zero
// points and bias. Expected values computed independently with numpy as
// resq.subspace_quant of the input (float32, rounding half to even) times
// the dequantized weights (integers times their scales), in float64;
// checked to 4 significant digits. The last row is all zeros: its sets have
// no grid and it contributes nothing (only the bias).

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[0.1, -0.52, 0.33, 0.9, -1.7, 0.05, 0.0, 0.61], [2.0, 1.0, -0.25, 0.125, 0.75, -0.6, 0.3, -0.05], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<3x8xf32>

  // Rows 0-5 at 4 bits, packed: [[1, -3, 7, -8], [0, 2, -1, 5], [4, 4, -4, 3],
  // [-2, 6, 1, 0], [3, -5, 2, -7], [5, 1, -6, 2]]; rows 6-7 at 8 bits.
  %wl = arith.constant dense<[[-47, -121], [32, 95], [68, 60], [110, 1], [-77, -110], [21, 42]]> : tensor<6x2xi8>
  %wh = arith.constant dense<[[100, -20, -128, 60], [-90, 127, 33, -1]]> : tensor<2x4xi8>
  %s1 = arith.constant dense<[[0.05, 0.1, 0.02, 0.08], [0.004, 0.002, 0.003, 0.001]]> : tensor<2x4xf32>
  %y1 = resq.qlinear %x [6 : i4, 2 : i8] * [6 : i4, 2 : i8] %wl, %wh scales %s1 : (tensor<3x8xf32>, tensor<6x2xi8>, tensor<2x4xi8>, tensor<2x4xf32>) -> tensor<3x4xf32>
  %u1 = tensor.cast %y1 : tensor<3x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[-0.488{{[0-9]*}}, 1.524{{[0-9]*}}, 0.0153{{[0-9]*}}, 0.734{{[0-9]*}}]
  // CHECK-NEXT: [0.164{{[0-9]*}}, -0.8045{{[0-9]*}}, 0.2575{{[0-9]*}}, -1.41{{[0-9]*}}]
  // CHECK-NEXT: [0, 0, 0, 0]

  // Two groups of 4 channels; activations split 3 / 1 per group but the
  // weights at 8 bits throughout (so a piece is one activation range);
  // symmetric activations and a bias.
  %w8 = arith.constant dense<[[12, -7, 3], [-100, 45, 9], [0, 127, -128], [33, -2, -60], [5, 5, 5], [-17, 80, 1], [64, -64, 2], [9, -9, 90]]> : tensor<8x3xi8>
  %s2 = arith.constant dense<[[0.01, 0.02, 0.005]]> : tensor<1x3xf32>
  %b2 = arith.constant dense<[0.5, -0.25, 1.0]> : tensor<3xf32>
  %y2 = resq.qlinear %x [3 : i4, 1 : i8] group 4 symmetric * [4 : i8] %w8 scales %s2 bias %b2 : (tensor<3x8xf32>, tensor<8x3xi8>, tensor<1x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  %u2 = tensor.cast %y2 : tensor<3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[1.295{{[0-9]*}}, -0.2894{{[0-9]*}}, 0.7495{{[0-9]*}}]
  // CHECK-NEXT: [0.2721{{[0-9]*}}, -1.845{{[0-9]*}}, 1.21{{[0-9]*}}]
  // CHECK-NEXT: [0.5, -0.25, 1]
  return
}
