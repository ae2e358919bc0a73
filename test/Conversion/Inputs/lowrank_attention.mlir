module {
  func.func @main(%q: tensor<1x2x3x8xf32> {resq.name = "q"}, %k: tensor<1x1x3x8xf32> {resq.name = "k"}, %v: tensor<1x1x3x4xf32> {resq.name = "v"}) -> (tensor<1x2x3x4xf32> {resq.name = "out"}) {
    %o = resq.attention %q, %k, %v heads 2 kv_heads 1 scale 2.500000e-01 causal : (tensor<1x2x3x8xf32>, tensor<1x1x3x8xf32>, tensor<1x1x3x4xf32>) -> tensor<1x2x3x4xf32>
    return %o : tensor<1x2x3x4xf32>
  }
}
