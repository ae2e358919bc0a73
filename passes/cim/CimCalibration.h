//===- CimCalibration.h - readout parameters from calibration data --------===//
//
// What --resq-lower-to-cim learns from a layer's calibration inputs, with
// the simulator's own crossbar model (runtime/cimsim): the range of the
// partial sums (for ADCs) and HCiM's sense-amplifier scales (closed-form
// least squares, Layer.h fitSenseScales) with the ternary dead zone that
// leaves the smallest residual.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_CIM_CIMCALIBRATION_H
#define RESQ_PASSES_CIM_CIMCALIBRATION_H

#include "resq/cimsim/Layer.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace resq::cimcal {

/// The unsigned crossbar codes of `x` [tokens, k] as resq.qlinear quantizes
/// its input (per token, `bits`, symmetric or not, `clip`; float32
/// arithmetic as the CPU lowering): asymmetric codes are the grid's
/// integers in [0, 2^bits), symmetric ones are shifted by 2^(bits-1).
/// With `grids`, also each token's grid: scale and zero code, x ~ scale *
/// (u - zero) ([tokens] pairs).
std::vector<uint32_t>
inputCodes(const float *x, int64_t tokens, int64_t k, int64_t bits,
           bool symmetric, double clip,
           std::vector<std::pair<double, double>> *grids = nullptr);

/// The range of the partial sums of `codes` [m, k] on `matrix` that holds
/// `coverage` percent of them (100: the smallest and the largest), the
/// same share cut from each tail.
std::pair<double, double>
partialSumRange(const cimsim::ProgrammedMatrix &matrix,
                const std::vector<uint32_t> &codes, int64_t m,
                double coverage = 100.0);

/// An ADC range for partial sums observed in [low, high] whose levels
/// include 0 (most partial sums of sparse input bits are 0, and a grid
/// without a zero level would bias every one of them) with a step of at
/// least 1 (partial sums are integers): `bits` levels from
/// -2^(bits-1) steps up when the sums are signed, from 0 otherwise.
std::pair<double, double> zeroAlignedAdcRange(double low, double high,
                                              int64_t bits);

/// Sense-amplifier readout fitted to `codes`: theta 0 (differential partial
/// sums are signed), for ternary the dead zone among a few candidates that
/// leaves the smallest least-squares residual, and the closed-form scales
/// (binary readouts with per-column offsets when `offsets`: they read the
/// many zero partial sums as -1, which the intercept corrects; a ternary
/// zero is exact, and an intercept would move it).
cimsim::ReadoutConfig fitSenseReadout(const cimsim::ProgrammedMatrix &matrix,
                                      cimsim::SenseMode mode,
                                      const std::vector<uint32_t> &codes,
                                      int64_t m, bool offsets);

/// The `percentile` (0-100) of the positive values of `x` (0 when none):
/// threshold balancing's robust maximum of an activation.
double positivePercentile(const float *x, int64_t count, double percentile);

/// Rate coding of `x` [tokens, k] over `steps` time steps, as the spiking
/// backend's input encoder and LIF neurons produce it: per value an
/// integrate-and-fire neuron (beta 1, threshold 1, soft reset) driven by
/// clamp(x / lambda, 0, 1). Returns 0/1 codes [tokens * steps, k].
std::vector<uint32_t> spikeTrains(const float *x, int64_t tokens, int64_t k,
                                  double lambda, int64_t steps);

} // namespace resq::cimcal

#endif // RESQ_PASSES_CIM_CIMCALIBRATION_H
