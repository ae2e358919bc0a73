// RUN: resq-opt %s | FileCheck %s
// RUN: resq-opt %s --mlir-print-op-generic | resq-opt | FileCheck %s
// Round-trip of every cim op in its custom form and through the generic form:
// a 300 x 20 layer on 128 x 128 differential crossbars (3 row tiles, 4 slices
// of 1 bit), read out by an ADC, by ternary sense amps, and spiking. The
// crossbar prints without its #cim.crossbar prefix; an alias parses too.

#xbar = #cim.crossbar<rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram">

// CHECK-LABEL: func.func @adc
// CHECK: cim.program %{{.*}} xbar <rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram"> : tensor<300x20xi8> -> tensor<4x300x20xi8>
// CHECK: cim.mvm %{{.*}}, %{{.*}} xbar <{{.*}}> : tensor<4x300x20xi8>, tensor<2x300xi32> -> tensor<2x8x3x4x20xf32>
// CHECK: cim.adc %{{.*}} bits 7 range [-1.280000e+02, 1.280000e+02] columns_per_adc 8 : tensor<2x8x3x4x20xf32>
// CHECK: cim.shift_add %{{.*}} cell_bits 1 : tensor<2x8x3x4x20xf32> -> tensor<2x20xf32>
func.func @adc(%w: tensor<300x20xi8>, %x: tensor<2x300xi32>) -> tensor<2x20xf32> {
  %levels = cim.program %w xbar #xbar : tensor<300x20xi8> -> tensor<4x300x20xi8>
  %p = cim.mvm %levels, %x xbar #xbar : tensor<4x300x20xi8>, tensor<2x300xi32> -> tensor<2x8x3x4x20xf32>
  %q = cim.adc %p bits 7 range [-128.0, 128.0] columns_per_adc 8 : tensor<2x8x3x4x20xf32>
  %y = cim.shift_add %q cell_bits 1 : tensor<2x8x3x4x20xf32> -> tensor<2x20xf32>
  return %y : tensor<2x20xf32>
}

// CHECK-LABEL: func.func @adc_less
// CHECK: cim.sense_amp %{{.*}} ternary theta 0.000000e+00 delta 1.500000e+00 : tensor<2x8x3x4x20xf32> -> tensor<2x8x3x4x20xi8>
// CHECK: cim.sense_amp %{{.*}} binary theta 5.000000e-01 delta 0.000000e+00 : tensor<2x8x3x4x20xf32> -> tensor<2x8x3x4x20xi8>
// CHECK: cim.scale_accumulate %{{.*}}, %{{.*}} cell_bits 1 : tensor<2x8x3x4x20xi8>, tensor<3x4x20xf32> -> tensor<2x20xf32>
func.func @adc_less(%p: tensor<2x8x3x4x20xf32>, %alpha: tensor<3x4x20xf32>) -> (tensor<2x20xf32>, tensor<2x8x3x4x20xi8>) {
  %q = cim.sense_amp %p ternary theta 0.0 delta 1.5 : tensor<2x8x3x4x20xf32> -> tensor<2x8x3x4x20xi8>
  %b = cim.sense_amp %p binary theta 0.5 delta 0.0 : tensor<2x8x3x4x20xf32> -> tensor<2x8x3x4x20xi8>
  %y = cim.scale_accumulate %q, %alpha cell_bits 1 : tensor<2x8x3x4x20xi8>, tensor<3x4x20xf32> -> tensor<2x20xf32>
  return %y, %b : tensor<2x20xf32>, tensor<2x8x3x4x20xi8>
}

// CHECK-LABEL: func.func @spiking
// CHECK: cim.lif %{{.*}} beta 9.000000e-01 threshold 1.000000e+00 soft : tensor<16x1x20xf32> -> tensor<16x1x20xi1>
// CHECK: cim.lif %{{.*}} beta 1.000000e+00 threshold 2.500000e+00 hard : tensor<16x1x20xf32> -> tensor<16x1x20xi1>
func.func @spiking(%i: tensor<16x1x20xf32>) -> (tensor<16x1x20xi1>, tensor<16x1x20xi1>) {
  %s = cim.lif %i beta 0.9 threshold 1.0 soft : tensor<16x1x20xf32> -> tensor<16x1x20xi1>
  %h = cim.lif %i beta 1.0 threshold 2.5 hard : tensor<16x1x20xf32> -> tensor<16x1x20xi1>
  return %s, %h : tensor<16x1x20xi1>, tensor<16x1x20xi1>
}

// An offset mapping with 2-bit cells: 4-bit weights in 2 slices, 128 weight
// columns per crossbar.
// CHECK-LABEL: func.func @offset
// CHECK: cim.program %{{.*}} xbar <rows = 64, cols = 128, cell_bits = 2, weight_bits = 4, input_bits = 4, dac_bits = 1, mapping = offset, device = "sram"> : tensor<100x7xi8> -> tensor<2x100x7xi8>
func.func @offset(%w: tensor<100x7xi8>, %x: tensor<1x100xi32>) -> tensor<1x4x2x2x7xf32> {
  %l = cim.program %w xbar <rows = 64, cols = 128, cell_bits = 2, weight_bits = 4, input_bits = 4, dac_bits = 1, mapping = offset, device = "sram"> : tensor<100x7xi8> -> tensor<2x100x7xi8>
  %p = cim.mvm %l, %x xbar <rows = 64, cols = 128, cell_bits = 2, weight_bits = 4, input_bits = 4, dac_bits = 1, mapping = offset, device = "sram"> : tensor<2x100x7xi8>, tensor<1x100xi32> -> tensor<1x4x2x2x7xf32>
  return %p : tensor<1x4x2x2x7xf32>
}
