//===- Spiking.h - a ReLU MLP as a rate-coded spiking network --*- C++ -*-===//
//
// --resq-lower-to-cim backend=spiking converts a chain of integer linear
// layers with ReLUs between them into a spiking network on ADC-less
// crossbars (ALGORITHMS.md §6): inputs rate-coded by integrate-and-fire
// encoders, one 1-bit input per crossbar read and time step, sense-amplifier
// readouts (or exact partial sums), LIF neurons whose thresholds come from
// threshold balancing, and the output layer's currents averaged over the
// time steps as logits.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_CIM_SPIKING_H
#define RESQ_PASSES_CIM_SPIKING_H

#include "dialects/cim/CimAttributes.h"
#include "dialects/resq/ResqOps.h"
#include "resq/cimsim/Layer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>

namespace resq {

/// One layer of the spiking network.
struct SpikingLayer {
  QLinearOp op;
  std::string name;
  /// The layer's crossbars (input_bits 1: one spike per read).
  cim::CrossbarAttr crossbar;
  /// What one input spike per step stands for (the previous layer's
  /// threshold, or the input encoder's scale for the first layer).
  double inputScale = 1;
  /// The LIF threshold of the layer's neurons (unused for the last layer).
  double threshold = 1;
  /// Sense amplifiers (ReadoutKind::SenseAmp), an ADC (Adc: bits, range,
  /// `columnsPerAdc`) or exact partial sums (Ideal).
  cimsim::ReadoutConfig readout;
  int64_t columnsPerAdc = 8;
};

/// The layers of a ReLU MLP in `func`: every resq.qlinear, the first reading
/// a function argument, each next one the ReLU (`tosa.clamp` at 0) of the
/// previous one's result, the last one's result returned (reshapes allowed
/// in between, no other uses). Fails with a diagnostic otherwise.
mlir::FailureOr<llvm::SmallVector<QLinearOp>>
findReluChain(mlir::func::FuncOp func);

/// Replaces the chain by the spiking network over `steps` time steps; the
/// input encoder's neurons are counted under "input encoder".
void buildSpikingNetwork(llvm::ArrayRef<SpikingLayer> layers, int64_t steps,
                         double inputLambda);

} // namespace resq

#endif // RESQ_PASSES_CIM_SPIKING_H
