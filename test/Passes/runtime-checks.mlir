// RUN: resq-opt %s --resq-insert-runtime-checks | FileCheck %s

// Hardening (issue 16, items 1 and 7): indices read from inputs and integer
// divisors are checked; structural indices and safe constants are not.

// CHECK-DAG: llvm.mlir.global internal constant @resq_site_{{[0-9]+}}("node 'Gather'\00")
// CHECK-DAG: llvm.mlir.global internal constant @resq_site_{{[0-9]+}}("node 'Div'\00")
// CHECK-DAG: func.func private @resq_index_error(i64, i64, !llvm.ptr) attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @resq_division_error(i64, i64, !llvm.ptr) attributes {llvm.emit_c_interface}

// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic
// CHECK: %[[ROW:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK: %[[OK:.*]] = arith.cmpi ult, %[[ROW]], %c256
// CHECK: scf.if
// CHECK: llvm.mlir.addressof @resq_site_
// CHECK: func.call @resq_index_error
// CHECK: %[[SAFE:.*]] = arith.select %[[OK]], %[[ROW]], %c0
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %[[SAFE]], %{{.*}}]
// CHECK-NOT: scf.if
// CHECK: return
#map = affine_map<(d0, d1, d2) -> (d0, d1)>
#map1 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @gather(%t: tensor<1x256x64xf32>, %i: tensor<1x16xi32>) -> tensor<1x16x64xf32> {
  %0 = tensor.empty() : tensor<1x16x64xf32>
  %1 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel"]} ins(%i : tensor<1x16xi32>) outs(%0 : tensor<1x16x64xf32>) {
  ^bb0(%in: i32, %out: f32):
    %2 = linalg.index 0 : index
    %3 = arith.index_cast %in : i32 to index
    %4 = linalg.index 2 : index
    %extracted = tensor.extract %t[%2, %3, %4] : tensor<1x256x64xf32> loc("Gather")
    linalg.yield %extracted : f32
  } -> tensor<1x16x64xf32>
  return %1 : tensor<1x16x64xf32>
}

// Structural and constant indices are trusted.
// CHECK-LABEL: func.func @trusted
// CHECK-NOT: call
// CHECK: return
func.func @trusted(%t: tensor<4x8xf32>) -> f32 {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %e = tensor.extract %t[%c1, %c2] : tensor<4x8xf32>
  return %e : f32
}

// A dynamic dimension is read with tensor.dim.
// CHECK-LABEL: func.func @dynamic
// CHECK: %[[DIM:.*]] = tensor.dim %{{.*}}, %c0
// CHECK: arith.cmpi ult, %{{.*}}, %[[DIM]]
func.func @dynamic(%t: tensor<?xf32>, %i: index) -> f32 {
  %e = tensor.extract %t[%i] : tensor<?xf32>
  return %e : f32
}

// Signed division: zero and MIN / -1 are reported and divide by 1.
// CHECK-LABEL: func.func @divide
// CHECK: %[[ZERO:.*]] = arith.cmpi eq, %arg1, %c0_i64
// CHECK: %[[MIN:.*]] = arith.cmpi eq, %arg0, %c-9223372036854775808_i64
// CHECK: %[[NEG:.*]] = arith.cmpi eq, %arg1, %c-1_i64
// CHECK: %[[OVER:.*]] = arith.andi %[[MIN]], %[[NEG]]
// CHECK: %[[BAD:.*]] = arith.ori %[[ZERO]], %[[OVER]]
// CHECK: scf.if %[[BAD]]
// CHECK: func.call @resq_division_error(%arg0, %arg1,
// CHECK: %[[SAFE:.*]] = arith.select %[[BAD]], %c1_i64, %arg1
// CHECK: arith.divsi %arg0, %[[SAFE]]
func.func @divide(%a: i64, %b: i64) -> i64 {
  %q = arith.divsi %a, %b : i64 loc("Div")
  return %q : i64
}

// Unsigned remainder of i32: only zero, operands widened without sign.
// CHECK-LABEL: func.func @remainder
// CHECK: arith.extui
// CHECK: func.call @resq_division_error
// CHECK: arith.remui
func.func @remainder(%a: i32, %b: i32) -> i32 {
  %r = arith.remui %a, %b : i32
  return %r : i32
}

// Safe constant divisors: nonzero, and not -1 for a signed division; an
// unsigned division by all-ones is safe.
// CHECK-LABEL: func.func @constants
// CHECK-NOT: scf.if
// CHECK: return
func.func @constants(%a: i64) -> (i64, i64) {
  %c7 = arith.constant 7 : i64
  %m1 = arith.constant -1 : i64
  %q = arith.divsi %a, %c7 : i64
  %u = arith.divui %a, %m1 : i64
  return %q, %u : i64, i64
}

// A signed division by a constant -1 can overflow.
// CHECK-LABEL: func.func @minus_one
// CHECK: scf.if
func.func @minus_one(%a: i64) -> i64 {
  %m1 = arith.constant -1 : i64
  %q = arith.divsi %a, %m1 : i64
  return %q : i64
}
