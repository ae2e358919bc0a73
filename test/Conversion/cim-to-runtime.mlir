// RUN: resq-opt %s --resq-cim-to-runtime | FileCheck %s
// Each cim op becomes one call of its simulator entry point: operands read
// through bufferization.to_buffer, a fresh result buffer, the op's layer name
// as NUL-terminated bytes (empty without one), attributes as scalars. Every
// buffer is cast to dynamic sizes, so one declaration (with the C interface)
// serves ops of every shape.

#xbar = #cim.crossbar<rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = offset, device = "reram">

// CHECK-DAG: memref.global "private" constant @__resq_cim_layer_0 : memref<4xi8> = dense<[102, 99, 49, 0]>
// CHECK-DAG: memref.global "private" constant @__resq_cim_layer_1 : memref<1xi8> = dense<0>
// CHECK-DAG: func.func private @resq_cim_op_program(memref<?x?xi8>, memref<?x?x?xi8>, memref<?xi8>, i64, i64, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @resq_cim_op_mvm(memref<?x?x?xi8>, memref<?x?xi32>, memref<?x?x?x?x?xf32>, memref<?xi8>, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @resq_cim_op_sense_amp(memref<?x?x?x?x?xf32>, memref<?x?x?x?x?xi8>, memref<?xi8>, i64, f64, f64) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[ROWS:.*]] = arith.constant 128 : i64
// CHECK-DAG: %[[BITS:.*]] = arith.constant 8 : i64
// CHECK: %[[W:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<300x20xi8> to memref<300x20xi8>
// CHECK: %[[WD:.*]] = memref.cast %[[W]] : memref<300x20xi8> to memref<?x?xi8>
// CHECK: %[[L:.*]] = memref.alloc() : memref<4x300x20xi8>
// CHECK: %[[LD:.*]] = memref.cast %[[L]] : memref<4x300x20xi8> to memref<?x?x?xi8>
// CHECK: %[[NAME:.*]] = memref.get_global @__resq_cim_layer_0 : memref<4xi8>
// CHECK: %[[ND:.*]] = memref.cast %[[NAME]] : memref<4xi8> to memref<?xi8>
// CHECK: call @resq_cim_op_program(%[[WD]], %[[LD]], %[[ND]], %[[ROWS]], %{{.*}}, %{{.*}}, %{{.*}}, %[[BITS]], %{{.*}})
// CHECK: bufferization.to_tensor %[[L]] restrict writable
// CHECK: memref.get_global @__resq_cim_layer_0
// CHECK: call @resq_cim_op_mvm(
// CHECK: memref.get_global @__resq_cim_layer_1
// CHECK: call @resq_cim_op_sense_amp(
// CHECK-NOT: cim.
func.func @main(%w: tensor<300x20xi8>, %x: tensor<2x300xi32>) -> tensor<2x8x3x4x20xi8> {
  %levels = cim.program %w xbar #xbar {layer = "fc1"} : tensor<300x20xi8> -> tensor<4x300x20xi8>
  %p = cim.mvm %levels, %x xbar #xbar {layer = "fc1"} : tensor<4x300x20xi8>, tensor<2x300xi32> -> tensor<2x8x3x4x20xf32>
  %q = cim.sense_amp %p binary theta 0.0 delta 0.0 : tensor<2x8x3x4x20xf32> -> tensor<2x8x3x4x20xi8>
  return %q : tensor<2x8x3x4x20xi8>
}
