// Rotations lowered by --resq-lower-to-linalg (rotate.test): randomized
// Hadamard forward and inverse on a power-of-two size, in f32 and f16, and a
// matrix rotation from the archive, forward and inverse.
module attributes {resq.params = #resq.archive<"rotate.safetensors">} {
  func.func @main(%x: tensor<3x2x64xf32> {resq.name = "x"},
                  %h: tensor<5x16xf16> {resq.name = "h"})
      -> (tensor<3x2x64xf32> {resq.name = "fwd"},
          tensor<3x2x64xf32> {resq.name = "roundtrip"},
          tensor<3x2x64xf32> {resq.name = "inv"},
          tensor<5x16xf16> {resq.name = "half"},
          tensor<3x2x64xf32> {resq.name = "mat"},
          tensor<3x2x64xf32> {resq.name = "matinv"}) {
    %fwd = resq.rotate %x hadamard seed 7 online : tensor<3x2x64xf32>
    %back = resq.rotate %fwd hadamard seed 7 online inverse : tensor<3x2x64xf32>
    %inv = resq.rotate %x hadamard seed 7 online inverse : tensor<3x2x64xf32>
    %half = resq.rotate %h hadamard seed 3 online : tensor<5x16xf16>
    %q = resq.param "q" : tensor<64x64xf32>
    %mat = resq.rotate %x matrix(%q : tensor<64x64xf32>) fused : tensor<3x2x64xf32>
    %matinv = resq.rotate %x matrix(%q : tensor<64x64xf32>) fused inverse : tensor<3x2x64xf32>
    return %fwd, %back, %inv, %half, %mat, %matinv
        : tensor<3x2x64xf32>, tensor<3x2x64xf32>, tensor<3x2x64xf32>,
          tensor<5x16xf16>, tensor<3x2x64xf32>, tensor<3x2x64xf32>
  }
}
