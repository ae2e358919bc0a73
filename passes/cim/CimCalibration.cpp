//===- CimCalibration.cpp - readout parameters from calibration data ------===//

#include "passes/cim/CimCalibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace resq::cimcal {

std::vector<uint32_t>
inputCodes(const float *x, int64_t tokens, int64_t k, int64_t bits,
           bool symmetric, double clip,
           std::vector<std::pair<double, double>> *grids) {
  std::vector<uint32_t> codes(tokens * k, 0);
  const float half = float(int64_t(1) << (bits - 1));
  const float levels = symmetric ? half - 1 : float((int64_t(1) << bits) - 1);
  const float c = float(clip);
  for (int64_t t = 0; t < tokens; ++t) {
    const float *row = x + t * k;
    float lo = 0, hi = 0;
    for (int64_t i = 0; i < k; ++i) {
      lo = std::min(lo, row[i]);
      hi = std::max(hi, row[i]);
    }
    lo *= c;
    hi *= c;
    float scale = symmetric ? std::max(-lo, hi) / levels : (hi - lo) / levels;
    float zero = symmetric || scale == 0 ? 0.0f : std::nearbyint(-lo / scale);
    if (grids)
      grids->push_back({scale, symmetric ? double(half) : double(zero)});
    if (scale == 0)
      continue; // the CPU gives such a token zero codes and scale 0
    float minQ = symmetric ? -levels : 0.0f;
    for (int64_t i = 0; i < k; ++i) {
      float q = std::clamp(std::nearbyint(row[i] / scale) + zero, minQ, levels);
      codes[t * k + i] = uint32_t(int64_t(q) + (symmetric ? int64_t(half) : 0));
    }
  }
  return codes;
}

std::pair<double, double>
partialSumRange(const cimsim::ProgrammedMatrix &matrix,
                const std::vector<uint32_t> &codes, int64_t m,
                double coverage) {
  const cimsim::CrossbarConfig &config = matrix.config();
  const int64_t k = matrix.inputs();
  std::vector<uint8_t> bits(k);
  std::vector<int32_t> sums(matrix.rowTiles() * config.slices() *
                            matrix.outputs());
  // Partial sums are integers of at most fullScale in magnitude: count them.
  const int64_t full = config.fullScale();
  std::vector<int64_t> histogram(2 * full + 1, 0);
  int64_t total = 0;
  for (int64_t row = 0; row < m; ++row)
    for (int b = 0; b < config.inputBits; ++b) {
      for (int64_t i = 0; i < k; ++i)
        bits[i] = (codes[row * k + i] >> b) & 1;
      matrix.partialSums(bits.data(), sums.data());
      for (int32_t sum : sums)
        ++histogram[std::clamp<int64_t>(sum, -full, full) + full];
      total += int64_t(sums.size());
    }
  if (total == 0)
    return {0, 1};
  // The narrowest range holding `coverage` percent: drop the same share of
  // the total from each tail.
  int64_t drop = int64_t(std::floor(total * (100.0 - coverage) / 200.0));
  int64_t low = 0, high = 2 * full, seen = 0;
  while (low < high && seen + histogram[low] <= drop)
    seen += histogram[low++];
  seen = 0;
  while (high > low && seen + histogram[high] <= drop)
    seen += histogram[high--];
  double lo = double(low - full), hi = double(high - full);
  if (lo == hi)
    hi = lo + 1;
  return {lo, hi};
}

std::pair<double, double> zeroAlignedAdcRange(double low, double high,
                                              int64_t bits) {
  const double levels = std::ldexp(1.0, int(bits)) - 1;
  if (low >= 0) {
    double step = std::max(1.0, high / levels);
    return {0.0, step * levels};
  }
  const double half = std::ldexp(1.0, int(bits) - 1);
  // Codes -half .. half - 1 around 0: the negative side has one more.
  double step = std::max({1.0, -low / half, high / (half - 1)});
  return {-half * step, (half - 1) * step};
}

cimsim::ReadoutConfig fitSenseReadout(const cimsim::ProgrammedMatrix &matrix,
                                      cimsim::SenseMode mode,
                                      const std::vector<uint32_t> &codes,
                                      int64_t m, bool offsets) {
  cimsim::ReadoutConfig readout;
  readout.kind = cimsim::ReadoutKind::SenseAmp;
  readout.sense = mode;
  readout.theta = 0;
  // Partial sums are integers: a dead zone of 0.5 reads exactly the zero
  // sums as 0; wider zones trade small sums for fewer scale additions.
  std::vector<double> deltas = {0.0};
  if (mode == cimsim::SenseMode::Ternary)
    deltas = {0.5, 1.5, 2.5, 3.5, 5.5, 7.5};
  double best = std::numeric_limits<double>::infinity();
  for (double delta : deltas) {
    cimsim::ReadoutConfig candidate = readout;
    candidate.delta = delta;
    double residual = 0;
    // Offsets only help binary readouts: a ternary zero means a zero
    // partial sum, which an intercept would move away from 0.
    bool intercept = offsets && mode == cimsim::SenseMode::Binary;
    candidate.alpha =
        cimsim::fitSenseScales(matrix, candidate, codes.data(), m, &residual,
                               intercept ? &candidate.offset : nullptr);
    if (residual < best) {
      best = residual;
      readout.delta = delta;
      readout.alpha = std::move(candidate.alpha);
      readout.offset = std::move(candidate.offset);
    }
  }
  return readout;
}

double positivePercentile(const float *x, int64_t count, double percentile) {
  std::vector<float> positive;
  for (int64_t i = 0; i < count; ++i)
    if (x[i] > 0)
      positive.push_back(x[i]);
  if (positive.empty())
    return 0;
  size_t index = std::min(
      positive.size() - 1,
      size_t(std::ceil(percentile / 100.0 * double(positive.size())) - 1));
  std::nth_element(positive.begin(), positive.begin() + index, positive.end());
  return positive[index];
}

std::vector<uint32_t> spikeTrains(const float *x, int64_t tokens, int64_t k,
                                  double lambda, int64_t steps) {
  std::vector<uint32_t> spikes(tokens * steps * k, 0);
  std::vector<double> membrane(k);
  for (int64_t t = 0; t < tokens; ++t) {
    std::fill(membrane.begin(), membrane.end(), 0.0);
    for (int64_t step = 0; step < steps; ++step)
      for (int64_t i = 0; i < k; ++i) {
        double rate = std::clamp(double(x[t * k + i]) / lambda, 0.0, 1.0);
        spikes[(t * steps + step) * k + i] =
            cimsim::lifStep(membrane[i], rate, 1.0, 1.0, cimsim::Reset::Soft);
      }
  }
  return spikes;
}

} // namespace resq::cimcal
