// Exact int8 x int8 -> int32 matmuls (int8-matmul.test): a 2-D one with few
// rows (the runtime's small-M path) and a batched one with many.
func.func @main(%a: tensor<5x1000xi8> {resq.name = "a"},
                %b: tensor<1000x19xi8> {resq.name = "b"},
                %p: tensor<2x37x300xi8> {resq.name = "p"},
                %q: tensor<2x300x33xi8> {resq.name = "q"})
    -> (tensor<5x19xi32> {resq.name = "c"}, tensor<2x37x33xi32> {resq.name = "r"}) {
  %zero = arith.constant 0 : i32
  %e0 = tensor.empty() : tensor<5x19xi32>
  %f0 = linalg.fill ins(%zero : i32) outs(%e0 : tensor<5x19xi32>) -> tensor<5x19xi32>
  %c = linalg.matmul ins(%a, %b : tensor<5x1000xi8>, tensor<1000x19xi8>)
                     outs(%f0 : tensor<5x19xi32>) -> tensor<5x19xi32>
  %e1 = tensor.empty() : tensor<2x37x33xi32>
  %f1 = linalg.fill ins(%zero : i32) outs(%e1 : tensor<2x37x33xi32>) -> tensor<2x37x33xi32>
  %r = linalg.batch_matmul ins(%p, %q : tensor<2x37x300xi8>, tensor<2x300x33xi8>)
                           outs(%f1 : tensor<2x37x33xi32>) -> tensor<2x37x33xi32>
  return %c, %r : tensor<5x19xi32>, tensor<2x37x33xi32>
}
