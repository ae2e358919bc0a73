//===- Layer.h - one matrix-vector layer on crossbars -----------*- C++ -*-===//
//
// Runs unsigned input codes through a ProgrammedMatrix bit by bit and reads
// every partial sum out the way a backend does (ALGORITHMS.md §6):
//   Ideal     exact partial sums (infinite ADC precision): the integer
//             product, the reference the CPU integer path must match;
//   Adc       an N-bit ADC per partial sum, then shift-and-add;
//   SenseAmp  HCiM's ADC-less readout: q = binary/ternary decision,
//             y_j = sum_{t,s,b} 2^(s c + b) alpha[t,s,j] q[t,s,b,j].
// Offset mappings subtract 2^(B_w - 1) sum(x) digitally in every mode. With
// device variation (ProgrammedMatrix::setVariation) the partial sums are the
// analog ones, and every readout sees them.
// Counts the events the cost model prices.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_CIMSIM_LAYER_H
#define RESQ_CIMSIM_LAYER_H

#include "resq/cimsim/Crossbar.h"
#include "resq/cimsim/Readout.h"

#include <cstdint>
#include <vector>

namespace resq::cimsim {

enum class ReadoutKind { Ideal, Adc, SenseAmp };

struct ReadoutConfig {
  ReadoutKind kind = ReadoutKind::Ideal;
  /// Adc: bits and range of every conversion.
  Adc adc;
  /// SenseAmp: the decision, its threshold and (ternary) dead zone.
  SenseMode sense = SenseMode::Binary;
  double theta = 0, delta = 0;
  /// SenseAmp: one scale per row tile, slice and output column
  /// ([rowTiles][slices][n]); see fitSenseScales.
  std::vector<double> alpha;
  /// SenseAmp, optional: an offset per row tile, slice and column, added
  /// digitally once per input vector (y_j += 2^(s c) offset[t, s, j]): the
  /// intercept of the least-squares fit (a binary readout reads the many
  /// zero partial sums of sparse input bits as -1). Empty: none.
  std::vector<double> offset;

  /// sum_{t, s} 2^(s c) offset[t, s, j] per column j (zeros when none).
  std::vector<double> columnOffsets(int64_t rowTiles, int slices, int64_t n,
                                    int cellBits) const;
};

/// What a layer's execution did, for the energy and latency model.
struct Events {
  int64_t inputVectors = 0;
  /// Crossbar activations: row tiles x column tiles x slices x input bits
  /// per input vector.
  int64_t arrayReads = 0;
  /// Cells that conducted (input bit 1 on a nonzero level).
  int64_t cellReads = 0;
  /// 1-bit DAC pulses: rows driven with a 1.
  int64_t dacPulses = 0;
  int64_t adcConversions = 0;
  /// Sense-amplifier decisions (ternary counts two amplifiers).
  int64_t senseReads = 0;
  /// Digital additions: shift-and-add of ADC codes, or HCiM's scale
  /// additions (ternary zeros skip theirs).
  int64_t shiftAdds = 0, scaleAdds = 0;

  Events &operator+=(const Events &other);
};

/// y [m][n] = the layer's readout of x [m][k] (unsigned codes of the
/// configuration's inputBits). Adds what it did to `events`.
void runLayer(const ProgrammedMatrix &matrix, const ReadoutConfig &readout,
              const uint32_t *x, int64_t m, double *y, Events &events);

/// HCiM's scales without retraining: for every row tile, slice and column,
/// the alpha minimizing sum over samples of (P - alpha Q)^2, where
/// P = sum_b 2^b p_b is the slice's exact contribution over the input bits
/// and Q = sum_b 2^b q_b its sense-amp readout; closed form
/// alpha = sum P Q / sum Q^2 (1 where Q is always 0). With `offsets`, the
/// fit has an intercept, P ~ alpha Q + offset (alpha = cov(P, Q) / var(Q),
/// offset = mean P - alpha mean Q), written there. When `residual` is
/// given, it receives the remaining sum of squares over every scale,
/// weighted by the slice's squared significance 4^(s c), which compares
/// readouts (e.g. ternary dead zones).
std::vector<double> fitSenseScales(const ProgrammedMatrix &matrix,
                                   const ReadoutConfig &readout,
                                   const uint32_t *x, int64_t m,
                                   double *residual = nullptr,
                                   std::vector<double> *offsets = nullptr);

} // namespace resq::cimsim

#endif // RESQ_CIMSIM_LAYER_H
