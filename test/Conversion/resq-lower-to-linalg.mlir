// RUN: resq-opt %s --resq-lower-to-linalg --split-input-file --verify-diagnostics | FileCheck %s
// What the resq structural ops become, and what is left alone.

// CHECK-LABEL: func.func @linear_3d
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x8x64xf32> into tensor<16x64xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x64xf32>, tensor<64x172xf32>)
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [2, 8, 172] : tensor<16x172xf32> into tensor<2x8x172xf32>
// CHECK-NOT: resq.linear
func.func @linear_3d(%x: tensor<2x8x64xf32>, %w: tensor<64x172xf32>) -> tensor<2x8x172xf32> {
  %0 = resq.linear %x, %w : (tensor<2x8x64xf32>, tensor<64x172xf32>) -> tensor<2x8x172xf32>
  return %0 : tensor<2x8x172xf32>
}

// -----

// Narrow floats are normalised in f32 and rounded back before gamma.
// CHECK-LABEL: func.func @rms_norm_f16
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: linalg.generic
// CHECK: math.sqrt %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f16
func.func @rms_norm_f16(%x: tensor<4x8xf16>, %g: tensor<8xf16>) -> tensor<4x8xf16> {
  %0 = resq.rms_norm %x, %g eps 1.0e-05 : tensor<4x8xf16>, tensor<8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

// A power-of-two Hadamard rotation: the signs (with 1/sqrt(n)) as a constant
// row, then log2(8) = 3 butterfly stages that read each element's partner.
// CHECK-LABEL: func.func @rotate_hadamard
// CHECK: arith.constant dense<{{.*}}> : tensor<8xf32>
// CHECK: arith.mulf
// CHECK-COUNT-3: arith.xori
// CHECK-NOT: resq.rotate
func.func @rotate_hadamard(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = resq.rotate %x hadamard seed 1 online : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// n = 12 * 2: one butterfly stage inside each block of 2, then the 12 x 12
// factor mixes the blocks: a matmul of the [rows * 2, 12] view.
// CHECK-LABEL: func.func @rotate_hadamard_k12
// CHECK: arith.constant dense<{{.*}}> : tensor<12x12xf32>
// CHECK-COUNT-1: arith.xori
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [3, 12, 2] : tensor<3x24xf32> into tensor<3x12x2xf32>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<3x12x2xf32>) outs(%{{.*}} : tensor<3x2x12xf32>) permutation = [0, 2, 1]
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<6x12xf32>, tensor<12x12xf32>) outs(%{{.*}} : tensor<6x12xf32>)
// CHECK: linalg.transpose ins(%{{.*}} : tensor<3x2x12xf32>) outs(%{{.*}} : tensor<3x12x2xf32>) permutation = [0, 2, 1]
// CHECK-NOT: resq.rotate
func.func @rotate_hadamard_k12(%x: tensor<3x24xf32>) -> tensor<3x24xf32> {
  %0 = resq.rotate %x hadamard seed 1 online : tensor<3x24xf32>
  return %0 : tensor<3x24xf32>
}

// -----

// A matrix rotation is a product with Q, transposed for the inverse.
// CHECK-LABEL: func.func @rotate_matrix_inverse
// CHECK: linalg.transpose
// CHECK: linalg.matmul
// CHECK-NOT: resq.rotate
module attributes {resq.params = #resq.archive<"q.safetensors">} {
func.func @rotate_matrix_inverse(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %q = resq.param "q" : tensor<8x8xf32>
  %0 = resq.rotate %x matrix(%q : tensor<8x8xf32>) fused inverse : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
}

// -----

// A projection is a product with the n x r basis; a lift with its
// transpose, so the result has r and n columns.
// CHECK-LABEL: func.func @project_and_lift
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x16xf32>, tensor<16x8xf32>) outs(%{{.*}} : tensor<4x8xf32>)
// CHECK: linalg.transpose ins(%{{.*}} : tensor<16x8xf32>) outs(%{{.*}} : tensor<8x16xf32>) permutation = [1, 0]
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x16xf32>) outs(%{{.*}} : tensor<4x16xf32>)
// CHECK-NOT: resq.project
module attributes {resq.params = #resq.archive<"p.safetensors">} {
func.func @project_and_lift(%x: tensor<4x16xf32>) -> (tensor<4x8xf32>, tensor<4x16xf32>) {
  %p = resq.param "p" : tensor<16x8xf32>
  %0 = resq.project %x, %p : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  %1 = resq.project %0, %p lift : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x16xf32>
}
}

// -----

// per_group views the row as [groups, size] and reduces each group.
// CHECK-LABEL: func.func @fake_quant_group
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [2, 2, 4] : tensor<2x8xf32> into tensor<2x2x4xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: math.roundeven
// CHECK: tensor.collapse_shape
// CHECK-NOT: resq.fake_quant
func.func @fake_quant_group(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = resq.fake_quant %x per_group size 4 bits 4 : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Each channel range is its own per-token fake quantization.
// CHECK-LABEL: func.func @subspace
// CHECK-COUNT-2: tensor.insert_slice
// CHECK-NOT: resq.subspace_quant
// CHECK-NOT: resq.fake_quant
func.func @subspace(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = resq.subspace_quant %x [6 : i4, 2 : i8] : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Attention: the query heads of one KV head are stacked as rows of one
// batch matmul, for the scores and for the weighted sum of values.
// CHECK-LABEL: func.func @attention_gqa
// CHECK: linalg.transpose ins(%{{.*}} : tensor<1x2x4x8xf32>) outs(%{{.*}} : tensor<1x2x8x4xf32>) permutation = [0, 1, 3, 2]
// CHECK: tensor.collapse_shape %{{.*}} : tensor<1x2x2x4x8xf32> into tensor<2x8x8xf32>
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x8x8xf32>, tensor<2x8x4xf32>) outs(%{{.*}} : tensor<2x8x4xf32>)
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x8x4xf32>, tensor<2x4x8xf32>) outs(%{{.*}} : tensor<2x8x8xf32>)
// CHECK-NOT: resq.attention
func.func @attention_gqa(%q: tensor<1x4x4x8xf32>, %k: tensor<1x2x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %0 = resq.attention %q, %k, %k heads 4 kv_heads 2 causal : (tensor<1x4x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// RoPE reads each channel's partner and the pair's table column.
// CHECK-LABEL: func.func @rope_half
// CHECK: linalg.generic
// CHECK-DAG: linalg.index 3 : index
// CHECK-DAG: tensor.extract %arg1
// CHECK-DAG: tensor.extract %arg0
// CHECK-NOT: resq.rope
func.func @rope_half(%x: tensor<1x2x4x8xf32>, %c: tensor<4x4xf32>) -> tensor<1x2x4x8xf32> {
  %0 = resq.rope %x, %c, %c half : tensor<1x2x4x8xf32>, tensor<4x4xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

// qlinear: packed 4-bit weights unpacked, one i8 x i8 -> i32 batch matmul
// per piece (two here: [0, 6) and [6, 8)), column sums for the zero points.
// CHECK-LABEL: func.func @qlinear
// CHECK: arith.shrsi
// CHECK: tensor.collapse_shape %{{.*}} : tensor<6x2x2xi8> into tensor<6x4xi8>
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x3x6xi8>, tensor<1x6x4xi8>) outs(%{{.*}} : tensor<1x3x4xi32>)
// CHECK: arith.extsi
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x3x2xi8>, tensor<1x2x4xi8>) outs(%{{.*}} : tensor<1x3x4xi32>)
// CHECK-NOT: resq.qlinear
func.func @qlinear(%x: tensor<3x8xf32>, %wl: tensor<6x2xi8>, %wh: tensor<2x4xi8>, %s: tensor<2x4xf32>) -> tensor<3x4xf32> {
  %0 = resq.qlinear %x [6 : i4, 2 : i8] * [6 : i4, 2 : i8] %wl, %wh scales %s : (tensor<3x8xf32>, tensor<6x2xi8>, tensor<2x4xi8>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{cannot lower 'resq.silu' to linalg: its shapes must be static}}
  %0 = resq.silu %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
