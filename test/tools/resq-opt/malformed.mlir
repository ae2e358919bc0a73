// RUN: not resq-opt %s --split-input-file 2>&1 | FileCheck %s
// Malformed input gets a diagnostic with its location and a non-zero exit,
// never a crash.

// CHECK: malformed.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: custom op 'resq.nonexistent' is unknown
%0 = resq.nonexistent : tensor<4xf32>

// -----

// CHECK: malformed.mlir:[[# @LINE + 2]]:{{[0-9]+}}: error: expected ':'
func.func @f(%x: tensor<4xf32>) {
  %0 = resq.silu %x tensor<4xf32>
  return
}

// -----

// CHECK: malformed.mlir:[[# @LINE + 2]]:{{[0-9]+}}: error: use of undeclared SSA value name
func.func @f() {
  %0 = resq.silu %undefined : tensor<4xf32>
  return
}

// -----

// CHECK: malformed.mlir:[[# @LINE + 2]]:{{[0-9]+}}: error: custom op 'resq.rotate' expected string or keyword containing one of the following enum values for attribute 'kind' [hadamard, matrix]
func.func @f(%x: tensor<4xf32>) {
  %0 = resq.rotate %x givens seed 1 online : tensor<4xf32>
  return
}

// -----

// CHECK: malformed.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: expected operation name in quotes
}}} not mlir at all
