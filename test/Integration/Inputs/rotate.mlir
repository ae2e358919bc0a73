// Rotations lowered by --resq-lower-to-linalg (rotate.test): randomized
// Hadamard forward and inverse on a power-of-two size, in f32 and f16, on
// sizes K * 2^m (24 = 12 * 2: the identity's rows give Q itself; 172 as in
// stories260K's MLP), and a matrix rotation from the archive.
module attributes {resq.params = #resq.archive<"rotate.safetensors">} {
  func.func @main(%x: tensor<3x2x64xf32> {resq.name = "x"},
                  %h: tensor<5x16xf16> {resq.name = "h"},
                  %e: tensor<24x24xf32> {resq.name = "e"},
                  %m: tensor<2x172xf32> {resq.name = "m"})
      -> (tensor<3x2x64xf32> {resq.name = "fwd"},
          tensor<3x2x64xf32> {resq.name = "roundtrip"},
          tensor<3x2x64xf32> {resq.name = "inv"},
          tensor<5x16xf16> {resq.name = "half"},
          tensor<3x2x64xf32> {resq.name = "mat"},
          tensor<3x2x64xf32> {resq.name = "matinv"},
          tensor<24x24xf32> {resq.name = "q24"},
          tensor<24x24xf32> {resq.name = "q24inv"},
          tensor<2x172xf32> {resq.name = "m172"},
          tensor<2x172xf32> {resq.name = "m172back"}) {
    %fwd = resq.rotate %x hadamard seed 7 online : tensor<3x2x64xf32>
    %back = resq.rotate %fwd hadamard seed 7 online inverse : tensor<3x2x64xf32>
    %inv = resq.rotate %x hadamard seed 7 online inverse : tensor<3x2x64xf32>
    %half = resq.rotate %h hadamard seed 3 online : tensor<5x16xf16>
    %q = resq.param "q" : tensor<64x64xf32>
    %mat = resq.rotate %x matrix(%q : tensor<64x64xf32>) fused : tensor<3x2x64xf32>
    %matinv = resq.rotate %x matrix(%q : tensor<64x64xf32>) fused inverse : tensor<3x2x64xf32>
    %q24 = resq.rotate %e hadamard seed 5 online : tensor<24x24xf32>
    %q24inv = resq.rotate %e hadamard seed 5 online inverse : tensor<24x24xf32>
    %m172 = resq.rotate %m hadamard seed 9 online : tensor<2x172xf32>
    %m172back = resq.rotate %m172 hadamard seed 9 online inverse : tensor<2x172xf32>
    return %fwd, %back, %inv, %half, %mat, %matinv, %q24, %q24inv, %m172, %m172back
        : tensor<3x2x64xf32>, tensor<3x2x64xf32>, tensor<3x2x64xf32>,
          tensor<5x16xf16>, tensor<3x2x64xf32>, tensor<3x2x64xf32>,
          tensor<24x24xf32>, tensor<24x24xf32>, tensor<2x172xf32>,
          tensor<2x172xf32>
  }
}
