// RUN: resq-opt %s --resq-lower-to-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// resq.attention's reference lowering, executed. Expected values computed
// independently with numpy (float64) from the definition in ResqOps.td:
// grouped-query heads (2 query heads share 1 KV head), a past cache of one
// position, a causal mask aligned to the end of the cache, an additive mask
// that hides every key row 0 could see (so row 0 is all zeros), and the
// [batch, seq, heads * dim] layout.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %q = arith.constant dense<[[[[0.1, 0.2], [0.3, -0.4]], [[0.5, 0.6], [-0.7, 0.8]]]]> : tensor<1x2x2x2xf32>
  %k = arith.constant dense<[[[[0.2, -0.1], [0.4, 0.3]]]]> : tensor<1x1x2x2xf32>
  %v = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %pk = arith.constant dense<[[[[0.5, 0.5]]]]> : tensor<1x1x1x2xf32>
  %pv = arith.constant dense<[[[[-1.0, 0.5]]]]> : tensor<1x1x1x2xf32>
  %mask = arith.constant dense<[[[[0xFF800000, 0xFF800000, 0.0], [0.0, -1.0, 0.0]]]]> : tensor<1x1x2x3xf32>
  %o, %present:2 = resq.attention %q, %k, %v mask %mask past %pk, %pv heads 2 kv_heads 1 causal : (tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x3xf32>, tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x1x3x2xf32>, tensor<1x1x3x2xf32>)
  %ou = tensor.cast %o : tensor<1x2x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%ou) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[0, 0],
  // CHECK-NEXT: [1.0294{{[0-9]*}}, 2.2339{{[0-9]*}}]],
  // CHECK-NEXT: {{\[}}[0, 0],
  // CHECK-NEXT: [0.9450{{[0-9]*}}, 2.1679{{[0-9]*}}]]
  %pu = tensor.cast %present#0 : tensor<1x1x3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%pu) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[0.5, 0.5],
  // CHECK-NEXT: [0.2, -0.1],
  // CHECK-NEXT: [0.4, 0.3]]

  %q3 = arith.constant dense<[[[0.1, 0.2, 0.5, 0.6], [0.3, -0.4, -0.7, 0.8]]]> : tensor<1x2x4xf32>
  %k3 = arith.constant dense<[[[0.2, -0.1], [0.4, 0.3]]]> : tensor<1x2x2xf32>
  %v3 = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0]]]> : tensor<1x2x2xf32>
  %o3 = resq.attention %q3, %k3, %v3 heads 2 kv_heads 1 : (tensor<1x2x4xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>) -> tensor<1x2x4xf32>
  %o3u = tensor.cast %o3 : tensor<1x2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%o3u) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[2.0353{{[0-9]*}}, 3.0353{{[0-9]*}}, 2.1196{{[0-9]*}}, 3.1196{{[0-9]*}}],
  // CHECK-NEXT: [1.9646{{[0-9]*}}, 2.9646{{[0-9]*}}, 2.0635{{[0-9]*}}, 3.0635{{[0-9]*}}]]
  return
}
