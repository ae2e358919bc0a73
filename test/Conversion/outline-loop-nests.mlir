// RUN: resq-opt %s --resq-outline-loop-nests=min-nests=2 | FileCheck %s
// RUN: resq-opt %s --resq-outline-loop-nests | FileCheck %s --check-prefix=FEW
// Each outermost loop nest of a function with at least min-nests of them
// moves into a function of its own: the memrefs and values it reads from
// outside become arguments, constants are cloned in, results come back.

// CHECK-LABEL: func.func @model(
// CHECK-SAME: %[[A:.*]]: memref<4xf32>, %[[B:.*]]: memref<4xf32>, %[[S:.*]]: f32)
// CHECK: call @model_nest0(%[[S]], %[[A]]) : (f32, memref<4xf32>) -> ()
// CHECK: %[[SUM:.*]] = call @model_nest1(%[[A]], %[[B]]) : (memref<4xf32>, memref<4xf32>) -> f32
// CHECK: return %[[SUM]]
// CHECK-NOT: scf.for
// CHECK: func.func @model_nest0(%[[Y:.*]]: f32, %[[X:.*]]: memref<4xf32>) attributes {resq_outlined}
// CHECK: arith.constant 0 : index
// CHECK: scf.for
// CHECK: memref.store %[[Y]], %[[X]]
// CHECK: func.func @model_nest1(%{{.*}}: memref<4xf32>, %{{.*}}: memref<4xf32>) -> f32 attributes {resq_outlined}
// CHECK: %[[R:.*]] = scf.for {{.*}} iter_args
// CHECK: return %[[R]] : f32

// Below min-nests (32 by default), nothing moves.
// FEW-NOT: _nest
func.func @model(%a: memref<4xf32>, %b: memref<4xf32>, %s: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    memref.store %s, %a[%i] : memref<4xf32>
  }
  %sum = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> f32 {
    %x = memref.load %a[%i] : memref<4xf32>
    %y = memref.load %b[%i] : memref<4xf32>
    %p = arith.mulf %x, %y : f32
    %n = arith.addf %acc, %p : f32
    scf.yield %n : f32
  }
  return %sum : f32
}
