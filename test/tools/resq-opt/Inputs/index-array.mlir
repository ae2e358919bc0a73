module attributes {resq.params = #resq.archive<"tied.safetensors">} {
  func.func @main(%ids: tensor<1x3xi64> {resq.name = "ids"}) -> (tensor<1x3x8xf32> {resq.name = "logits"}) {
    %table = resq.param "emb" : tensor<8x4xf32>
    %h = resq.embedding %table[%ids] : tensor<8x4xf32>, tensor<1x3xi64> -> tensor<1x3x4xf32>
    %t = tosa.transpose %table {perms = array<index: 1, 0>} : (tensor<8x4xf32>) -> tensor<4x8xf32>
    %y = resq.linear %h, %t : (tensor<1x3x4xf32>, tensor<4x8xf32>) -> tensor<1x3x8xf32>
    return %y : tensor<1x3x8xf32>
  }
}
