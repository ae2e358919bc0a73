// RUN: resq-opt %s -split-input-file -canonicalize | FileCheck %s
// RUN: resq-opt %s -split-input-file -resq-simplify | FileCheck %s
// What the resq folds and canonicalizations rewrite, and what they must leave.

// CHECK-LABEL: func.func @hadamard_then_inverse
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x64xf32>)
// CHECK-NOT: resq.rotate
// CHECK: return %[[X]]
func.func @hadamard_then_inverse(%x: tensor<1x8x64xf32>) -> tensor<1x8x64xf32> {
  %0 = resq.rotate %x hadamard seed 7 online : tensor<1x8x64xf32>
  %1 = resq.rotate %0 hadamard seed 7 online inverse : tensor<1x8x64xf32>
  return %1 : tensor<1x8x64xf32>
}

// -----

// The order does not matter (Q^T Q = Q Q^T = I), nor does the mode.
// CHECK-LABEL: func.func @inverse_then_hadamard_mixed_modes
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x172xf32>)
// CHECK-NOT: resq.rotate
// CHECK: return %[[X]]
func.func @inverse_then_hadamard_mixed_modes(%x: tensor<1x8x172xf32>) -> tensor<1x8x172xf32> {
  %0 = resq.rotate %x hadamard seed 3 fused inverse : tensor<1x8x172xf32>
  %1 = resq.rotate %0 hadamard seed 3 online : tensor<1x8x172xf32>
  return %1 : tensor<1x8x172xf32>
}

// -----

// Two resq.param ops of one name are one matrix.
module attributes {resq.params = #resq.archive<"w.safetensors">} {
  // CHECK-LABEL: func.func @same_param_name
  // CHECK-SAME: (%[[X:.*]]: tensor<4x64xf32>)
  // CHECK-NOT: resq.rotate
  // CHECK: return %[[X]]
  func.func @same_param_name(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
    %q1 = resq.param "rot.U_A" : tensor<64x64xf32>
    %q2 = resq.param "rot.U_A" : tensor<64x64xf32>
    %0 = resq.rotate %x matrix(%q1 : tensor<64x64xf32>) fused : tensor<4x64xf32>
    %1 = resq.rotate %0 matrix(%q2 : tensor<64x64xf32>) fused inverse : tensor<4x64xf32>
    return %1 : tensor<4x64xf32>
  }
}

// -----

// A rotation whose result has another use still folds; the inner one stays.
// CHECK-LABEL: func.func @inner_has_other_use
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>)
// CHECK: %[[R:.*]] = resq.rotate %[[X]] hadamard seed 1 online
// CHECK-NOT: resq.rotate
// CHECK: return %[[X]], %[[R]]
func.func @inner_has_other_use(%x: tensor<8x64xf32>) -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  %0 = resq.rotate %x hadamard seed 1 online : tensor<8x64xf32>
  %1 = resq.rotate %0 hadamard seed 1 online inverse : tensor<8x64xf32>
  return %1, %0 : tensor<8x64xf32>, tensor<8x64xf32>
}

// -----

// Different seeds are different transforms.
// CHECK-LABEL: func.func @different_seeds
// CHECK: resq.rotate {{.*}} seed 1
// CHECK: resq.rotate {{.*}} seed 2 {{.*}} inverse
func.func @different_seeds(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %0 = resq.rotate %x hadamard seed 1 online : tensor<8x64xf32>
  %1 = resq.rotate %0 hadamard seed 2 online inverse : tensor<8x64xf32>
  return %1 : tensor<8x64xf32>
}

// -----

// Two forward rotations compose to Q^2, not the identity.
// CHECK-LABEL: func.func @both_forward
// CHECK-COUNT-2: resq.rotate
func.func @both_forward(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %0 = resq.rotate %x hadamard seed 1 online : tensor<8x64xf32>
  %1 = resq.rotate %0 hadamard seed 1 online : tensor<8x64xf32>
  return %1 : tensor<8x64xf32>
}

// -----

// Different matrices do not cancel, even when a later pass might prove them
// inverse: canonicalization never reads the weight archive.
module attributes {resq.params = #resq.archive<"w.safetensors">} {
  // CHECK-LABEL: func.func @different_params
  // CHECK: resq.rotate {{.*}} matrix
  // CHECK: resq.rotate {{.*}} matrix
  func.func @different_params(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
    %q1 = resq.param "rot.U_A" : tensor<64x64xf32>
    %q2 = resq.param "rot.U_B" : tensor<64x64xf32>
    %0 = resq.rotate %x matrix(%q1 : tensor<64x64xf32>) fused : tensor<4x64xf32>
    %1 = resq.rotate %0 matrix(%q2 : tensor<64x64xf32>) fused inverse : tensor<4x64xf32>
    return %1 : tensor<4x64xf32>
  }
}

// -----

// A hadamard and a matrix rotation are different kinds.
module attributes {resq.params = #resq.archive<"w.safetensors">} {
  // CHECK-LABEL: func.func @different_kinds
  // CHECK-COUNT-2: resq.rotate
  func.func @different_kinds(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
    %q = resq.param "rot.swap" : tensor<2x2xf32>
    %0 = resq.rotate %x hadamard seed 0 online : tensor<4x2xf32>
    %1 = resq.rotate %0 matrix(%q : tensor<2x2xf32>) online inverse : tensor<4x2xf32>
    return %1 : tensor<4x2xf32>
  }
}

// -----

// A quantizer between the rotations blocks the fold.
// CHECK-LABEL: func.func @quantizer_between
// CHECK: resq.rotate
// CHECK: resq.fake_quant
// CHECK: resq.rotate
func.func @quantizer_between(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %0 = resq.rotate %x hadamard seed 1 online : tensor<8x64xf32>
  %1 = resq.fake_quant %0 per_token bits 4 : tensor<8x64xf32>
  %2 = resq.rotate %1 hadamard seed 1 online inverse : tensor<8x64xf32>
  return %2 : tensor<8x64xf32>
}

// -----

// silu(x) = x / (1 + exp(-x)), computed independently in Python and rounded
// to f32: silu(0) = 0, silu(1) = 0.7310585975646973, silu(-2) =
// -0.2384058386087417 (MLIR prints these f32 values with 9 digits).
// CHECK-LABEL: func.func @silu_constant
// CHECK-NOT: resq.silu
// CHECK: %[[C:.*]] = arith.constant dense<[0.000000e+00, 0.731058597, -0.238405839]> : tensor<3xf32>
// CHECK: return %[[C]]
func.func @silu_constant() -> tensor<3xf32> {
  %c = arith.constant dense<[0.0, 1.0, -2.0]> : tensor<3xf32>
  %0 = resq.silu %c : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @silu_splat
// CHECK: arith.constant dense<0.731{{[0-9]+}}> : tensor<2x4xf32>
// CHECK-NOT: resq.silu
func.func @silu_splat() -> tensor<2x4xf32> {
  %c = arith.constant dense<1.0> : tensor<2x4xf32>
  %0 = resq.silu %c : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Non-finite constants are left to run time.
// CHECK-LABEL: func.func @silu_infinity
// CHECK: resq.silu
func.func @silu_infinity() -> tensor<2xf32> {
  %c = arith.constant dense<[1.0, 0x7F800000]> : tensor<2xf32>
  %0 = resq.silu %c : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @silu_argument
// CHECK: resq.silu
func.func @silu_argument(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = resq.silu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @single_range
// CHECK-NOT: resq.subspace_quant
// CHECK: resq.fake_quant %{{.*}} per_token bits 4 : tensor<8x64xf32>
func.func @single_range(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %0 = resq.subspace_quant %x [64 : i4] : tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}

// -----

// CHECK-LABEL: func.func @single_range_grouped
// CHECK-NOT: resq.subspace_quant
// CHECK: resq.fake_quant %{{.*}} per_group size 8 bits 8 symmetric clip 5.000000e-01 : tensor<8x64xf32>
func.func @single_range_grouped(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %0 = resq.subspace_quant %x [8 : i8] group 8 symmetric clip 0.5 : tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}

// -----

// CHECK-LABEL: func.func @two_ranges
// CHECK: resq.subspace_quant %{{.*}} [56 : i4, 8 : i8]
func.func @two_ranges(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %0 = resq.subspace_quant %x [56 : i4, 8 : i8] : tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}

// -----

// With a dynamic last dim a single range is not known to cover the row.
// CHECK-LABEL: func.func @single_range_dynamic
// CHECK: resq.subspace_quant %{{.*}} [8 : i4] : tensor<4x?xf32>
func.func @single_range_dynamic(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %0 = resq.subspace_quant %x [8 : i4] : tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}

// -----

// Large negative f64 inputs keep their subnormal result:
// silu(-720) = -720 / (1 + e^720) = -1.46320617...e-310 (Python decimal, 50 digits).
// CHECK-LABEL: func.func @silu_large_negative
// CHECK: arith.constant dense<-1.4632{{[0-9]+}}E-310> : tensor<1xf64>
func.func @silu_large_negative() -> tensor<1xf64> {
  %c = arith.constant dense<-720.0> : tensor<1xf64>
  %0 = resq.silu %c : tensor<1xf64>
  return %0 : tensor<1xf64>
}

// -----

// Projecting a lift by the same basis is the identity (P^T P = I).
// CHECK-LABEL: func.func @project_of_lift
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x16x8xf32>)
// CHECK-NOT: resq.project
// CHECK: return %[[X]]
module attributes {resq.params = #resq.archive<"p.safetensors">} {
func.func @project_of_lift(%x: tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32> {
  %p = resq.param "k_basis" : tensor<16x8xf32>
  %q = resq.param "k_basis" : tensor<16x8xf32>
  %0 = resq.project %x, %p lift : (tensor<1x2x16x8xf32>, tensor<16x8xf32>) -> tensor<1x2x16x16xf32>
  %1 = resq.project %0, %q : (tensor<1x2x16x16xf32>, tensor<16x8xf32>) -> tensor<1x2x16x8xf32>
  return %1 : tensor<1x2x16x8xf32>
}
}

// -----

// Lifting a projection is P P^T, a projection: it stays, as do two bases.
// CHECK-LABEL: func.func @lift_of_project
// CHECK: resq.project
// CHECK: resq.project {{.*}} lift
module attributes {resq.params = #resq.archive<"p.safetensors">} {
func.func @lift_of_project(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %p = resq.param "k_basis" : tensor<16x8xf32>
  %0 = resq.project %x, %p : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  %1 = resq.project %0, %p lift : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}
}

// -----

// CHECK-LABEL: func.func @two_bases
// CHECK: resq.project {{.*}} lift
// CHECK: resq.project
module attributes {resq.params = #resq.archive<"p.safetensors">} {
func.func @two_bases(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %p = resq.param "k_basis" : tensor<16x8xf32>
  %q = resq.param "v_basis" : tensor<16x8xf32>
  %0 = resq.project %x, %p lift : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  %1 = resq.project %0, %q : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}
}
