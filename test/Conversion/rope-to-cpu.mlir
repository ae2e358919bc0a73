// RUN: resq-opt %s --resq-lower-to-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// resq.rope's reference lowering, executed, for both pairings with a
// partial rotary dim (4 of 6 channels; the last two pass through). The
// expected values were computed independently with numpy in float64 from
// the definition in ResqOps.td and are checked to 4 significant digits.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[[[-1.0, -0.9, -0.8, -0.7, -0.6, -0.5], [-0.4, -0.3, -0.2, -0.1, 0.0, 0.1], [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]], [[0.8, 0.9, 1.0, 1.1, 1.2, 1.3], [1.4, 1.5, 1.6, 1.7, 1.8, 1.9], [2.0, 2.1, 2.2, 2.3, 2.4, 2.5]]]]> : tensor<1x2x3x6xf32>
  %cos = arith.constant dense<[[1.0, 1.0], [0.540302277, 0.999949992], [-0.416146815, 0.999800026]]> : tensor<3x2xf32>
  %sin = arith.constant dense<[[0.0, 0.0], [0.841471016, 0.0099998331], [0.909297407, 0.0199986659]]> : tensor<3x2xf32>

  %i = resq.rope %x, %cos, %sin interleaved rotary_dim 4 : tensor<1x2x3x6xf32>, tensor<3x2xf32>
  %iu = tensor.cast %i : tensor<1x2x3x6xf32> to tensor<*xf32>
  call @printMemrefF32(%iu) : (tensor<*xf32>) -> ()
  // CHECK: [-1, -0.9, -0.8, -0.7, -0.6, -0.5]
  // CHECK: [0.0363{{[0-9]*}}, -0.498{{[0-9]*}}, -0.198{{[0-9]*}}, -0.101{{[0-9]*}}, 0, 0.1]
  // CHECK: [-0.356{{[0-9]*}}, 0.0570{{[0-9]*}}, 0.389{{[0-9]*}}, 0.507{{[0-9]*}}, 0.6, 0.7]
  // CHECK: [0.8, 0.9, 1, 1.1, 1.2, 1.3]
  // CHECK: [-0.505{{[0-9]*}}, 1.988{{[0-9]*}}, 1.582{{[0-9]*}}, 1.715{{[0-9]*}}, 1.8, 1.9]
  // CHECK: [-2.741{{[0-9]*}}, 0.944{{[0-9]*}}, 2.153{{[0-9]*}}, 2.343{{[0-9]*}}, 2.4, 2.5]

  %h = resq.rope %x, %cos, %sin half rotary_dim 4 : tensor<1x2x3x6xf32>, tensor<3x2xf32>
  %hu = tensor.cast %h : tensor<1x2x3x6xf32> to tensor<*xf32>
  call @printMemrefF32(%hu) : (tensor<*xf32>) -> ()
  // CHECK: [-1, -0.9, -0.8, -0.7, -0.6, -0.5]
  // CHECK: [-0.0478{{[0-9]*}}, -0.298{{[0-9]*}}, -0.444{{[0-9]*}}, -0.102{{[0-9]*}}, 0, 0.1]
  // CHECK: [-0.446{{[0-9]*}}, 0.289{{[0-9]*}}, 0.0154{{[0-9]*}}, 0.505{{[0-9]*}}, 0.6, 0.7]
  // CHECK: [0.8, 0.9, 1, 1.1, 1.2, 1.3]
  // CHECK: [-0.589{{[0-9]*}}, 1.482{{[0-9]*}}, 2.0425{{[0-9]*}}, 1.714{{[0-9]*}}, 1.8, 1.9]
  // CHECK: [-2.832{{[0-9]*}}, 2.0535{{[0-9]*}}, 0.903{{[0-9]*}}, 2.341{{[0-9]*}}, 2.4, 2.5]
  return
}
