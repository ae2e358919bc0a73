// RUN: resq-opt %s --resq-lower-to-linalg | FileCheck %s
// RUN: resq-opt %s --resq-raise-transformer | FileCheck %s

// A tosa.reshape of a constant whose shape infers a dimension (-1): MLIR
// 22's reshape folder, which the passes' greedy drivers run, built a
// constant of type tensor<1x-1xf32> and crashed (found by
// test/fuzz/mutate_mlir.py). The passes give the reshape its static shape
// first, so it folds to the right constant.

// CHECK-LABEL: func.func @inferred
// CHECK: %[[C:.*]] = "tosa.const"() <{values = dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]]> : tensor<1x4xf32>}>
// CHECK-NEXT: return %[[C]]
func.func @inferred() -> tensor<1x4xf32> {
  %cst = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %shape = tosa.const_shape {values = dense<[1, -1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %cst, %shape : (tensor<4xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// A reshape of a run-time value keeps its meaning with the static shape.
// CHECK-LABEL: func.func @runtime
// CHECK: %[[S:.*]] = tosa.const_shape {values = dense<2> : tensor<2xindex>}
// CHECK: tosa.reshape %arg0, %[[S]]
func.func @runtime(%x: tensor<4xf32>) -> tensor<2x2xf32> {
  %shape = tosa.const_shape {values = dense<[-1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %x, %shape : (tensor<4xf32>, !tosa.shape<2>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}
