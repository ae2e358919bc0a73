//===- Crossbar.cpp - bit-accurate crossbar tiles -------------------------===//

#include "resq/cimsim/Crossbar.h"

#include <algorithm>
#include <random>

namespace resq::cimsim {

std::string CrossbarConfig::validate() const {
  if (rows < 1 || cols < 1)
    return "crossbar rows and columns must be positive";
  if (mapping == Mapping::Differential && cols % 2 != 0)
    return "a differential mapping needs an even number of columns";
  if (bitsPerCell < 1 || bitsPerCell > 4)
    return "bits per cell must be 1 to 4";
  if (weightBits < 2 || weightBits > 8)
    return "weight bits must be 2 to 8";
  if (inputBits < 1 || inputBits > 16)
    return "input bits must be 1 to 16";
  return "";
}

ProgrammedMatrix ProgrammedMatrix::program(const int8_t *weights, int64_t k,
                                           int64_t n,
                                           const CrossbarConfig &config,
                                           std::string &error) {
  ProgrammedMatrix result;
  error = config.validate();
  if (!error.empty())
    return result;
  const int lowest = -(1 << (config.weightBits - 1));
  const int highest = (1 << (config.weightBits - 1)) - 1;
  const int slices = config.slices();
  const int mask = (1 << config.bitsPerCell) - 1;
  std::vector<int8_t> levels(size_t(slices) * k * n);
  for (int64_t i = 0; i < k; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      int w = weights[i * n + j];
      if (w < lowest || w > highest) {
        error = "weight " + std::to_string(w) + " at (" + std::to_string(i) +
                ", " + std::to_string(j) + ") is outside the " +
                std::to_string(config.weightBits) + "-bit range";
        return result;
      }
      // Differential: the magnitude on one column of the pair, signed by
      // which one; offset: the shifted value, always positive.
      int stored =
          config.mapping == Mapping::Differential ? std::abs(w) : w - lowest;
      int sign = config.mapping == Mapping::Differential && w < 0 ? -1 : 1;
      for (int s = 0; s < slices; ++s)
        levels[(s * k + i) * n + j] =
            int8_t(sign * ((stored >> (s * config.bitsPerCell)) & mask));
    }
  }
  result.cfg = config;
  result.k = k;
  result.n = n;
  result.levels = std::move(levels);
  return result;
}

int64_t ProgrammedMatrix::partialSums(const uint8_t *bits, int32_t *out) const {
  std::fill(out, out + rowTiles() * cfg.slices() * n, 0);
  return addActiveRows(cfg.rows, cfg.slices(), k, n, bits, levels.data(),
                       levels.data(), out);
}

void ProgrammedMatrix::setVariation(double sigma, uint64_t seed) {
  conductance.clear();
  if (sigma <= 0)
    return;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  conductance.resize(levels.size());
  for (size_t index = 0; index < levels.size(); ++index) {
    // Every programmed cell draws its deviation; off cells stay off.
    double factor = std::max(0.0, 1.0 + sigma * normal(rng));
    conductance[index] = float(levels[index] * factor);
  }
}

int64_t ProgrammedMatrix::analogPartialSums(const uint8_t *bits,
                                            double *out) const {
  std::fill(out, out + rowTiles() * cfg.slices() * n, 0.0);
  // Without variation the cells are the exact levels.
  if (!analog())
    return addActiveRows(cfg.rows, cfg.slices(), k, n, bits, levels.data(),
                         levels.data(), out);
  return addActiveRows(cfg.rows, cfg.slices(), k, n, bits, conductance.data(),
                       levels.data(), out);
}

void ProgrammedMatrix::exactProduct(const uint32_t *inputs,
                                    int64_t *out) const {
  const int slices = cfg.slices();
  const int64_t tiles = rowTiles();
  std::vector<uint8_t> bits(k);
  std::vector<int32_t> sums(tiles * slices * n);
  std::fill(out, out + n, 0);
  for (int b = 0; b < cfg.inputBits; ++b) {
    for (int64_t i = 0; i < k; ++i)
      bits[i] = (inputs[i] >> b) & 1;
    partialSums(bits.data(), sums.data());
    for (int64_t t = 0; t < tiles; ++t)
      for (int s = 0; s < slices; ++s)
        for (int64_t j = 0; j < n; ++j)
          out[j] += int64_t(sums[(t * slices + s) * n + j])
                    << (s * cfg.bitsPerCell + b);
  }
  if (cfg.mapping == Mapping::Offset) {
    int64_t total = 0;
    for (int64_t i = 0; i < k; ++i)
      total += inputs[i];
    for (int64_t j = 0; j < n; ++j)
      out[j] -= total << (cfg.weightBits - 1);
  }
}

} // namespace resq::cimsim
