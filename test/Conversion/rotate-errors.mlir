// RUN: resq-opt %s --resq-lower-to-linalg --verify-diagnostics

// Sizes K * 2^m with K > 1 need the K x K Hadamard factor, which
// lib/numerics does not build yet: the error names the size.
func.func @hadamard_12(%x: tensor<2x12xf32>) -> tensor<2x12xf32> {
  // expected-error @+1 {{cannot lower a Hadamard rotation of size 12 yet: only powers of two are lowered; sizes K * 2^m with K > 1 need the K x K factor of lib/numerics}}
  %0 = resq.rotate %x hadamard seed 1 online : tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}
