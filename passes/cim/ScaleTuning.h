//===- ScaleTuning.h - sense-amplifier scales tuned end to end ------------===//
//
// The closed-form scales (fitSenseScales) fit each slice of each layer on
// its own. Fine-tuning adjusts every layer's scales together to bring the
// network's outputs on calibration data close to the exact integer
// network's (distillation, no labels): the forward pass runs the
// simulator's crossbars and sense amplifiers; the backward pass is a
// straight-through estimator, which treats every readout and input
// quantizer as the identity (the exact integer product) when it passes the
// gradient to earlier layers. Adam updates the scales.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_CIM_SCALETUNING_H
#define RESQ_PASSES_CIM_SCALETUNING_H

#include "resq/cimsim/Layer.h"

#include <cstdint>
#include <vector>

namespace resq::cimcal {

/// One layer of a ReLU MLP on sense-amplifier crossbars, as the CPU
/// integer path defines it: z_j = b_j + s_j sx (Y_j - zx sum_i w_ij) with
/// Y the crossbar readout of the unsigned input codes (per-token grid sx,
/// zx of `bits`), then ReLU for every layer but the last.
struct TunedLayer {
  const cimsim::ProgrammedMatrix *matrix = nullptr;
  /// [k][n] signed integers, as programmed.
  std::vector<int8_t> weights;
  std::vector<double> scales, bias; // [n]
  int64_t bits = 8;
  bool symmetric = false;
  double clip = 1;
  /// Sense-amplifier readout; its alpha is tuned in place.
  cimsim::ReadoutConfig readout;
};

struct TuningResult {
  /// Mean squared distance of the outputs to the exact network's, before
  /// and after.
  double lossBefore = 0, lossAfter = 0;
};

/// Tunes the scales of every layer for `steps` full-batch Adam steps on the
/// network inputs `x` [samples, k0], with learning rate `rate` relative to
/// each layer's mean |alpha|. Keeps the best scales seen.
TuningResult fineTuneScales(std::vector<TunedLayer> &layers, const float *x,
                            int64_t samples, int steps, double rate);

} // namespace resq::cimcal

#endif // RESQ_PASSES_CIM_SCALETUNING_H
