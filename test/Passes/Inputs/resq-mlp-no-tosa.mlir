// A resq-level network with no TOSA op: the observers are TOSA reshapes, so
// --resq-insert-observers must load the dialect itself.
module attributes {resq.params = #resq.archive<"absent.safetensors">} {
  func.func private @declared(tensor<2x4xf32>) -> tensor<2x4xf32>
  func.func @main(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
    %w = resq.param "fc.weight" : tensor<4x3xf32>
    %y = resq.linear %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
    return %y : tensor<2x3xf32>
  }
}
