//===- CimSim.cpp - the crossbar simulator's C API ------------------------===//
//
// Thin loops over the building blocks of Crossbar.h and Readout.h, so that
// the ops and the simulator's own layer model share every decision.
//
//===----------------------------------------------------------------------===//

#include "resq/cimsim/CimSim.h"

#include "resq/cimsim/Crossbar.h"
#include "resq/cimsim/Readout.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace resq::cimsim;

// Every function below is declared extern "C" in CimSim.h.

int resq_cim_program(const int8_t *weights, int64_t k, int64_t n,
                     int64_t cell_bits, int64_t weight_bits, int32_t mapping,
                     int8_t *levels) {
  CrossbarConfig config;
  config.rows = k > 0 ? k : 1; // tiling does not change the levels
  config.cols = 2;
  config.bitsPerCell = int(cell_bits);
  config.weightBits = int(weight_bits);
  config.mapping = mapping == 0 ? Mapping::Differential : Mapping::Offset;
  std::string error;
  ProgrammedMatrix matrix =
      ProgrammedMatrix::program(weights, k, n, config, error);
  if (!error.empty())
    return -1;
  for (int s = 0; s < config.slices(); ++s)
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        levels[(s * k + i) * n + j] = int8_t(matrix.level(s, i, j));
  return 0;
}

void resq_cim_mvm(const int8_t *levels, const int32_t *inputs, int64_t m,
                  int64_t k, int64_t n, int64_t slices, int64_t rows,
                  int64_t input_bits, float *sums) {
  // Partial sums are integers of at most rows * (2^cell_bits - 1): exact
  // in f32.
  bitSerialPartialSums(levels, levels, inputs, m, k, n, int(slices), rows,
                       input_bits, sums);
}

void resq_cim_adc(const float *sums, int64_t count, int64_t bits, double low,
                  double high, float *result) {
  Adc adc{int(bits), low, high};
  for (int64_t index = 0; index < count; ++index)
    result[index] = float(adc.value(sums[index]));
}

void resq_cim_sense_amp(const float *sums, int64_t count, int32_t mode,
                        double theta, double delta, int8_t *decisions) {
  SenseMode sense = mode == 0 ? SenseMode::Binary : SenseMode::Ternary;
  for (int64_t index = 0; index < count; ++index)
    decisions[index] = int8_t(senseAmp(sums[index], sense, theta, delta));
}

namespace {

/// result[m, j] = sum_{b, t, s} 2^(s c + b) value(m, b, t, s, j), summed
/// in double (exact for integer sums below 2^53) and rounded once.
template <typename Value>
void combine(int64_t m, int64_t b, int64_t t, int64_t s, int64_t n,
             int64_t cellBits, float *result, Value value) {
  std::vector<double> acc(n);
  for (int64_t token = 0; token < m; ++token) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t bit = 0; bit < b; ++bit)
      for (int64_t tile = 0; tile < t; ++tile)
        for (int64_t slice = 0; slice < s; ++slice) {
          double weight = double(int64_t(1) << (slice * cellBits + bit));
          int64_t base = (((token * b + bit) * t + tile) * s + slice) * n;
          for (int64_t j = 0; j < n; ++j)
            acc[j] += weight * value(base + j, (tile * s + slice) * n + j);
        }
    for (int64_t j = 0; j < n; ++j)
      result[token * n + j] = float(acc[j]);
  }
}

} // namespace

void resq_cim_shift_add(const float *sums, int64_t m, int64_t b, int64_t t,
                        int64_t s, int64_t n, int64_t cell_bits,
                        float *result) {
  combine(m, b, t, s, n, cell_bits, result,
          [&](int64_t index, int64_t) { return double(sums[index]); });
}

void resq_cim_scale_accumulate(const int8_t *decisions, const float *alpha,
                               int64_t m, int64_t b, int64_t t, int64_t s,
                               int64_t n, int64_t cell_bits, float *result) {
  combine(m, b, t, s, n, cell_bits, result, [&](int64_t index, int64_t scale) {
    return double(alpha[scale]) * decisions[index];
  });
}

void resq_cim_lif(const float *currents, int64_t steps, int64_t count,
                  double beta, double threshold, int32_t reset,
                  uint8_t *spikes) {
  Reset mode = reset == 0 ? Reset::Soft : Reset::Hard;
  std::vector<double> membrane(count, 0.0);
  for (int64_t step = 0; step < steps; ++step)
    for (int64_t i = 0; i < count; ++i)
      spikes[step * count + i] = lifStep(
          membrane[i], currents[step * count + i], beta, threshold, mode);
}
