// RUN: resq-opt %s --resq-cim-to-runtime | FileCheck %s
// Each cim op becomes one call of its simulator entry point: operands read
// through bufferization.to_buffer, a fresh result buffer, attributes as
// scalars; the declarations carry the C interface.

#xbar = #cim.crossbar<rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = offset, device = "reram">

// CHECK-DAG: func.func private @resq_cim_op_program(memref<300x20xi8>, memref<4x300x20xi8>, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @resq_cim_op_mvm(memref<4x300x20xi8>, memref<2x300xi32>, memref<2x8x3x4x20xf32>, i64) attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @resq_cim_op_sense_amp(memref<2x8x3x4x20xf32>, memref<2x8x3x4x20xi8>, i64, f64, f64) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<300x20xi8> to memref<300x20xi8>
// CHECK: %[[L:.*]] = memref.alloc() : memref<4x300x20xi8>
// CHECK: call @resq_cim_op_program(%[[W]], %[[L]], %c1_i64, %c4_i64, %c1_i64_0)
// CHECK: bufferization.to_tensor %[[L]] restrict writable
// CHECK: call @resq_cim_op_mvm({{.*}}, %c128_i64)
// CHECK: call @resq_cim_op_sense_amp({{.*}}, %c0_i64, %cst, %cst_2)
// CHECK-NOT: cim.
func.func @main(%w: tensor<300x20xi8>, %x: tensor<2x300xi32>) -> tensor<2x8x3x4x20xi8> {
  %levels = cim.program %w xbar #xbar : tensor<300x20xi8> -> tensor<4x300x20xi8>
  %p = cim.mvm %levels, %x xbar #xbar : tensor<4x300x20xi8>, tensor<2x300xi32> -> tensor<2x8x3x4x20xf32>
  %q = cim.sense_amp %p binary theta 0.0 delta 0.0 : tensor<2x8x3x4x20xf32> -> tensor<2x8x3x4x20xi8>
  return %q : tensor<2x8x3x4x20xi8>
}
