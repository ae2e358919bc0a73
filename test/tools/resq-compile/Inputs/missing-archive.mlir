// A module whose parameter archive does not exist (errors.test).
module attributes {resq.params = #resq.archive<"nowhere.safetensors">} {
  func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
    %w = resq.param "w" : tensor<2xf32>
    %s = arith.addf %a, %w : tensor<2xf32>
    return %s : tensor<2xf32>
  }
}
