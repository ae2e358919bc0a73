// RUN: resq-opt %s --resq-lower-to-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// The reference lowering of the resq structural ops, executed. Expected
// values computed independently with numpy (float64, printed to 6 digits):
//   silu([0, 1, -2, 3])            = [0, 0.731059, -0.238406, 2.85772]
//   rms_norm(x, [1, 2, .5, -1])    = [0, 1.06904, -0.534522, -1.60357]
//   linear(x, [[1,2],..,[7,8]], b) = [14.5, 15.5]
//   embedding(table, [[2, 0]])     = [[5, 6], [1, 2]]

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[0.0, 1.0, -2.0, 3.0]]> : tensor<1x4xf32>

  %silu = resq.silu %x : tensor<1x4xf32>
  %s = tensor.cast %silu : tensor<1x4xf32> to tensor<*xf32>
  // CHECK: [0, 0.731059, -0.238406, 2.85772]
  call @printMemrefF32(%s) : (tensor<*xf32>) -> ()

  %g = arith.constant dense<[1.0, 2.0, 0.5, -1.0]> : tensor<4xf32>
  %norm = resq.rms_norm %x, %g eps 1.0e-05 : tensor<1x4xf32>, tensor<4xf32>
  %n = tensor.cast %norm : tensor<1x4xf32> to tensor<*xf32>
  // CHECK: [0, 1.06904, -0.534522, -1.60357]
  call @printMemrefF32(%n) : (tensor<*xf32>) -> ()

  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %lin = resq.linear %x, %w, %b : (tensor<1x4xf32>, tensor<4x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %l = tensor.cast %lin : tensor<1x2xf32> to tensor<*xf32>
  // CHECK: [14.5, 15.5]
  call @printMemrefF32(%l) : (tensor<*xf32>) -> ()

  %table = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %ids = arith.constant dense<[[2, 0]]> : tensor<1x2xi64>
  %emb = resq.embedding %table[%ids] : tensor<3x2xf32>, tensor<1x2xi64> -> tensor<1x2x2xf32>
  %e = tensor.cast %emb : tensor<1x2x2xf32> to tensor<*xf32>
  // CHECK: [5, 6]
  // CHECK: [1, 2]
  call @printMemrefF32(%e) : (tensor<*xf32>) -> ()
  return
}
