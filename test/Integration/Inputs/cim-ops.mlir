// Every cim op on a 300 x 20 layer (3 row tiles of 128, 4 one-bit slices,
// 8 input bits), for cim-runtime.test: the exact product, a 5-bit ADC, a
// ternary ADC-less readout with scales, and LIF neurons.
#xbar = #cim.crossbar<rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram">
func.func @main(%w: tensor<300x20xi8>, %x: tensor<2x300xi32>, %alpha: tensor<3x4x20xf32>, %i: tensor<6x2x20xf32>)
    -> (tensor<4x300x20xi8>, tensor<2x20xf32>, tensor<2x20xf32>, tensor<2x20xf32>, tensor<6x2x20xi1>) {
  %levels = cim.program %w xbar #xbar : tensor<300x20xi8> -> tensor<4x300x20xi8>
  %p = cim.mvm %levels, %x xbar #xbar : tensor<4x300x20xi8>, tensor<2x300xi32> -> tensor<2x8x3x4x20xf32>
  %exact = cim.shift_add %p cell_bits 1 : tensor<2x8x3x4x20xf32> -> tensor<2x20xf32>
  %a = cim.adc %p bits 5 range [-16.0, 15.0] columns_per_adc 8 : tensor<2x8x3x4x20xf32>
  %adc = cim.shift_add %a cell_bits 1 : tensor<2x8x3x4x20xf32> -> tensor<2x20xf32>
  %q = cim.sense_amp %p ternary theta 0.0 delta 1.5 : tensor<2x8x3x4x20xf32> -> tensor<2x8x3x4x20xi8>
  %hcim = cim.scale_accumulate %q, %alpha cell_bits 1 : tensor<2x8x3x4x20xi8>, tensor<3x4x20xf32> -> tensor<2x20xf32>
  %s = cim.lif %i beta 0.9 threshold 1.0 soft : tensor<6x2x20xf32> -> tensor<6x2x20xi1>
  return %levels, %exact, %adc, %hcim, %s : tensor<4x300x20xi8>, tensor<2x20xf32>, tensor<2x20xf32>, tensor<2x20xf32>, tensor<6x2x20xi1>
}
