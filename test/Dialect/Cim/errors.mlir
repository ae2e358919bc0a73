// RUN: resq-opt %s -split-input-file -verify-diagnostics
// Every verifier message of the cim dialect and its crossbar attribute, each
// with an input that triggers it.

//===----------------------------------------------------------------------===//
// #cim.crossbar
//===----------------------------------------------------------------------===//

func.func @rows(%w: tensor<4x4xi8>) {
  // expected-error @+1 {{crossbar rows and cols must be positive, found 0 x 128}}
  %l = cim.program %w xbar <rows = 0, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram"> : tensor<4x4xi8> -> tensor<4x4x4xi8>
  return
}

// -----

func.func @odd_cols(%w: tensor<4x4xi8>) {
  // expected-error @+1 {{a differential mapping needs an even number of cols, found 127}}
  %l = cim.program %w xbar <rows = 128, cols = 127, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram"> : tensor<4x4xi8> -> tensor<4x4x4xi8>
  return
}

// -----

func.func @cell_bits(%w: tensor<4x4xi8>) {
  // expected-error @+1 {{cell_bits must be 1 to 4, found 5}}
  %l = cim.program %w xbar <rows = 128, cols = 128, cell_bits = 5, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = offset, device = "reram"> : tensor<4x4xi8> -> tensor<1x4x4xi8>
  return
}

// -----

func.func @weight_bits(%w: tensor<4x4xi8>) {
  // expected-error @+1 {{weight_bits must be 2 to 8, found 9}}
  %l = cim.program %w xbar <rows = 128, cols = 128, cell_bits = 1, weight_bits = 9, input_bits = 8, dac_bits = 1, mapping = offset, device = "reram"> : tensor<4x4xi8> -> tensor<9x4x4xi8>
  return
}

// -----

func.func @input_bits(%w: tensor<4x4xi8>) {
  // expected-error @+1 {{input_bits must be 1 to 16, found 0}}
  %l = cim.program %w xbar <rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 0, dac_bits = 1, mapping = offset, device = "reram"> : tensor<4x4xi8> -> tensor<4x4x4xi8>
  return
}

// -----

func.func @dac_bits(%w: tensor<4x4xi8>) {
  // expected-error @+1 {{only 1-bit DACs (bit-serial inputs) are supported, found dac_bits = 2}}
  %l = cim.program %w xbar <rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 2, mapping = offset, device = "reram"> : tensor<4x4xi8> -> tensor<4x4x4xi8>
  return
}

// -----

func.func @device(%w: tensor<4x4xi8>) {
  // expected-error @+1 {{device must name the cell technology}}
  %l = cim.program %w xbar <rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = offset, device = ""> : tensor<4x4xi8> -> tensor<4x4x4xi8>
  return
}

// -----

//===----------------------------------------------------------------------===//
// cim.program and cim.mvm
//===----------------------------------------------------------------------===//

#xbar = #cim.crossbar<rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram">

func.func @program_rank(%w: tensor<4xi8>) {
  // expected-error @+1 {{'cim.program' op expects weights [K, N] of rank 2, found 'tensor<4xi8>'}}
  %l = cim.program %w xbar #xbar : tensor<4xi8> -> tensor<4x4x4xi8>
  return
}

// -----

#xbar = #cim.crossbar<rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram">

func.func @program_dynamic(%w: tensor<?x4xi8>) {
  // expected-error @+1 {{'cim.program' op expects a static shape for weights [K, N], found 'tensor<?x4xi8>'}}
  %l = cim.program %w xbar #xbar : tensor<?x4xi8> -> tensor<4x4x4xi8>
  return
}

// -----

#xbar = #cim.crossbar<rows = 128, cols = 128, cell_bits = 2, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram">

func.func @program_slices(%w: tensor<4x6xi8>) {
  // expected-error @+1 {{'cim.program' op expects levels [2, 4, 6] (2 slices of 2 bits for 4-bit weights), found 'tensor<4x4x6xi8>'}}
  %l = cim.program %w xbar #xbar : tensor<4x6xi8> -> tensor<4x4x6xi8>
  return
}

// -----

#xbar = #cim.crossbar<rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram">

func.func @mvm_slices(%l: tensor<2x300x20xi8>, %x: tensor<1x300xi32>) {
  // expected-error @+1 {{'cim.mvm' op expects 4 slices in the levels, found 2}}
  %p = cim.mvm %l, %x xbar #xbar : tensor<2x300x20xi8>, tensor<1x300xi32> -> tensor<1x8x3x2x20xf32>
  return
}

// -----

#xbar = #cim.crossbar<rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram">

func.func @mvm_inputs(%l: tensor<4x300x20xi8>, %x: tensor<1x299xi32>) {
  // expected-error @+1 {{'cim.mvm' op expects inputs with 300 columns (the levels' rows), found 'tensor<1x299xi32>'}}
  %p = cim.mvm %l, %x xbar #xbar : tensor<4x300x20xi8>, tensor<1x299xi32> -> tensor<1x8x3x4x20xf32>
  return
}

// -----

#xbar = #cim.crossbar<rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram">

func.func @mvm_sums(%l: tensor<4x300x20xi8>, %x: tensor<1x300xi32>) {
  // expected-error @+1 {{'cim.mvm' op expects partial sums [1, 8, 3, 4, 20] (tokens, input bits, row tiles, slices, columns), found 'tensor<1x8x2x4x20xf32>'}}
  %p = cim.mvm %l, %x xbar #xbar : tensor<4x300x20xi8>, tensor<1x300xi32> -> tensor<1x8x2x4x20xf32>
  return
}

// -----

#xbar = #cim.crossbar<rows = 128, cols = 128, cell_bits = 1, weight_bits = 4, input_bits = 8, dac_bits = 1, mapping = differential, device = "reram">

func.func @mvm_rank(%l: tensor<4x300x20xi8>, %x: tensor<1x300xi32>) {
  // expected-error @+1 {{'cim.mvm' op expects partial sums [M, B, T, S, N] of rank 5, found 'tensor<1x8x3x80xf32>'}}
  %p = cim.mvm %l, %x xbar #xbar : tensor<4x300x20xi8>, tensor<1x300xi32> -> tensor<1x8x3x80xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Readouts
//===----------------------------------------------------------------------===//

func.func @adc_bits(%p: tensor<1x8x3x4x20xf32>) {
  // expected-error @+1 {{'cim.adc' op expects 1 to 16 bits, found 0}}
  %q = cim.adc %p bits 0 range [0.0, 1.0] columns_per_adc 8 : tensor<1x8x3x4x20xf32>
  return
}

// -----

func.func @adc_range(%p: tensor<1x8x3x4x20xf32>) {
  // expected-error @+1 {{'cim.adc' op expects a range with low < high, found [1.000000e+00, 1.000000e+00]}}
  %q = cim.adc %p bits 4 range [1.0, 1.0] columns_per_adc 8 : tensor<1x8x3x4x20xf32>
  return
}

// -----

func.func @adc_columns(%p: tensor<1x8x3x4x20xf32>) {
  // expected-error @+1 {{'cim.adc' op expects columns_per_adc >= 1, found 0}}
  %q = cim.adc %p bits 4 range [0.0, 1.0] columns_per_adc 0 : tensor<1x8x3x4x20xf32>
  return
}

// -----

func.func @sense_shape(%p: tensor<1x8x3x4x20xf32>) {
  // expected-error @+1 {{'cim.sense_amp' op expects decisions of the shape of the sums}}
  %q = cim.sense_amp %p binary theta 0.0 delta 0.0 : tensor<1x8x3x4x20xf32> -> tensor<1x8x3x4x21xi8>
  return
}

// -----

func.func @sense_delta(%p: tensor<1x8x3x4x20xf32>) {
  // expected-error @+1 {{'cim.sense_amp' op expects delta >= 0, found -1.000000e+00}}
  %q = cim.sense_amp %p ternary theta 0.0 delta -1.0 : tensor<1x8x3x4x20xf32> -> tensor<1x8x3x4x20xi8>
  return
}

// -----

func.func @sense_binary_delta(%p: tensor<1x8x3x4x20xf32>) {
  // expected-error @+1 {{'cim.sense_amp' op a binary sense amplifier has no dead zone: expects delta 0, found 5.000000e-01}}
  %q = cim.sense_amp %p binary theta 0.0 delta 0.5 : tensor<1x8x3x4x20xf32> -> tensor<1x8x3x4x20xi8>
  return
}

// -----

func.func @shift_add_rank(%p: tensor<8x3x4x20xf32>) {
  // expected-error @+1 {{'cim.shift_add' op expects partial sums [M, B, T, S, N] of rank 5, found 'tensor<8x3x4x20xf32>'}}
  %y = cim.shift_add %p cell_bits 1 : tensor<8x3x4x20xf32> -> tensor<1x20xf32>
  return
}

// -----

func.func @shift_add_cell_bits(%p: tensor<1x8x3x4x20xf32>) {
  // expected-error @+1 {{'cim.shift_add' op expects cell_bits in 1..4, found 0}}
  %y = cim.shift_add %p cell_bits 0 : tensor<1x8x3x4x20xf32> -> tensor<1x20xf32>
  return
}

// -----

func.func @shift_add_result(%p: tensor<1x8x3x4x20xf32>) {
  // expected-error @+1 {{'cim.shift_add' op expects the result [M, N] = [1, 20] of the partial sums, found 'tensor<1x4xf32>'}}
  %y = cim.shift_add %p cell_bits 1 : tensor<1x8x3x4x20xf32> -> tensor<1x4xf32>
  return
}

// -----

func.func @scale_shape(%q: tensor<1x8x3x4x20xi8>, %alpha: tensor<3x4x21xf32>) {
  // expected-error @+1 {{'cim.scale_accumulate' op expects one scale per row tile, slice and column, [3, 4, 20], found 'tensor<3x4x21xf32>'}}
  %y = cim.scale_accumulate %q, %alpha cell_bits 1 : tensor<1x8x3x4x20xi8>, tensor<3x4x21xf32> -> tensor<1x20xf32>
  return
}

// -----

func.func @scale_rank(%q: tensor<1x8x3x4x20xi8>, %alpha: tensor<20xf32>) {
  // expected-error @+1 {{'cim.scale_accumulate' op expects scales [T, S, N] of rank 3, found 'tensor<20xf32>'}}
  %y = cim.scale_accumulate %q, %alpha cell_bits 1 : tensor<1x8x3x4x20xi8>, tensor<20xf32> -> tensor<1x20xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// cim.lif
//===----------------------------------------------------------------------===//

func.func @lif_rank(%i: tensor<20xf32>) {
  // expected-error @+1 {{'cim.lif' op expects currents [T, ...] with time steps first, found 'tensor<20xf32>'}}
  %s = cim.lif %i beta 1.0 threshold 1.0 soft : tensor<20xf32> -> tensor<20xi1>
  return
}

// -----

func.func @lif_shape(%i: tensor<4x20xf32>) {
  // expected-error @+1 {{'cim.lif' op expects spikes of the shape of the currents}}
  %s = cim.lif %i beta 1.0 threshold 1.0 soft : tensor<4x20xf32> -> tensor<4x21xi1>
  return
}

// -----

func.func @lif_beta(%i: tensor<4x20xf32>) {
  // expected-error @+1 {{'cim.lif' op expects a leak beta in [0, 1], found 1.5}}
  %s = cim.lif %i beta 1.5 threshold 1.0 soft : tensor<4x20xf32> -> tensor<4x20xi1>
  return
}

// -----

func.func @lif_threshold(%i: tensor<4x20xf32>) {
  // expected-error @+1 {{'cim.lif' op expects a positive threshold, found 0.000000e+00}}
  %s = cim.lif %i beta 1.0 threshold 0.0 hard : tensor<4x20xf32> -> tensor<4x20xi1>
  return
}
