// RUN: resq-opt %s -resq-simplify | FileCheck %s --check-prefix=SIMPLIFY
// RUN: resq-opt %s -canonicalize | FileCheck %s --check-prefix=CANON
// --resq-simplify rewrites resq ops only; --canonicalize rewrites everything.

// SIMPLIFY-LABEL: func.func @only_resq_ops
// SIMPLIFY-SAME: (%[[X:.*]]: tensor<4xf32>)
// SIMPLIFY: %[[A:.*]] = arith.addf %[[X]], %{{.*}}
// SIMPLIFY: %[[S:.*]] = arith.constant dense<0.731{{[0-9]+}}>
// SIMPLIFY-NOT: resq.
// SIMPLIFY: arith.mulf %[[A]], %[[S]]
// CANON-LABEL: func.func @only_resq_ops
// CANON-NOT: resq.
// CANON-NOT: arith.addf
// CANON: arith.mulf
func.func @only_resq_ops(%x: tensor<4xf32>) -> tensor<4xf32> {
  %zero = arith.constant dense<-0.0> : tensor<4xf32>
  %a = arith.addf %x, %zero : tensor<4xf32>
  %r = resq.rotate %a hadamard seed 9 online : tensor<4xf32>
  %b = resq.rotate %r hadamard seed 9 online inverse : tensor<4xf32>
  %one = arith.constant dense<1.0> : tensor<4xf32>
  %s = resq.silu %one : tensor<4xf32>
  %m = arith.mulf %b, %s : tensor<4xf32>
  return %m : tensor<4xf32>
}

// Nested regions are visited too.
// SIMPLIFY-LABEL: func.func @nested
// SIMPLIFY: scf.execute_region
// SIMPLIFY-NOT: resq.rotate
func.func @nested(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = scf.execute_region -> tensor<4xf32> {
    %r = resq.rotate %x hadamard seed 9 online : tensor<4xf32>
    %b = resq.rotate %r hadamard seed 9 online inverse : tensor<4xf32>
    scf.yield %b : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}
