// A norm and a linear without a parameter archive (fold-norms.test).
func.func @f(%x: tensor<1x4xf32>, %g: tensor<4xf32>, %w: tensor<4x2xf32>) -> tensor<1x2xf32> {
  %n = resq.rms_norm %x, %g eps 1.0e-05 : tensor<1x4xf32>, tensor<4xf32>
  %y = resq.linear %n, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
