// A rank-2 LIF, which the simulator's entry point does not take.
func.func @main(%i: tensor<6x20xf32>) -> tensor<6x20xi1> {
  %s = cim.lif %i beta 1.0 threshold 1.0 soft : tensor<6x20xf32> -> tensor<6x20xi1>
  return %s : tensor<6x20xi1>
}
