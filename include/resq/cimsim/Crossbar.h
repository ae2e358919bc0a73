//===- Crossbar.h - bit-accurate crossbar tiles -----------------*- C++ -*-===//
//
// The analog part of the compute-in-memory simulator (ALGORITHMS.md §6): a
// signed integer matrix W [K, N] programmed onto crossbars of R x C cells
// with c bits per cell, and the column partial sums one input bit produces.
//
// Programming tiles W into ceil(K / R) row tiles and ceil(N / L) column
// tiles (L logical columns per crossbar) and slices every weight into
// S = ceil(B_w / c) digits of c bits, least significant first:
//   differential  |w| in slices on a G+ column when w > 0, on its G- twin
//                 when w < 0 (two physical columns per weight: L = C / 2);
//                 the pair's currents subtract, so partial sums are signed;
//   offset        w + 2^(B_w - 1) in slices on one column (L = C); partial
//                 sums are unsigned and the digital side subtracts
//                 2^(B_w - 1) * sum(x).
// An input bit vector x^(b) (one bit per row, a 1-bit DAC) gives, for row
// tile t, slice s and logical column j,
//   p[t, s, j] = sum_{i in tile t} x_i^(b) * level_s(w_ij)
// and with every readout exact,
//   y_j = sum_{t, s, b} 2^(s c + b) p[t, s, b, j]  (- offset correction).
//
// Plain C++ (no MLIR): linked into libresq_runtime.so.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_CIMSIM_CROSSBAR_H
#define RESQ_CIMSIM_CROSSBAR_H

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace resq::cimsim {

enum class Mapping { Differential, Offset };

/// The analog accumulation shared by the layer model and the C API: for
/// every input row i whose bit is 1, adds its cells [slices][k][n] to the
/// sums of its row tile, out [ceil(k / rows)][slices][n] += cells. Returns
/// the cells that conducted (nonzero programmed `levels`, same layout).
template <typename Cell, typename Sum>
int64_t addActiveRows(int64_t rows, int slices, int64_t k, int64_t n,
                      const uint8_t *bits, const Cell *cells,
                      const int8_t *levels, Sum *out) {
  int64_t conducting = 0;
  for (int s = 0; s < slices; ++s) {
    for (int64_t i = 0; i < k; ++i) {
      if (!bits[i])
        continue;
      Sum *row = out + ((i / rows) * slices + s) * n;
      const Cell *cell = cells + (s * k + i) * n;
      const int8_t *level = levels + (s * k + i) * n;
      for (int64_t j = 0; j < n; ++j) {
        row[j] += cell[j];
        conducting += level[j] != 0;
      }
    }
  }
  return conducting;
}

/// What bitSerialPartialSums drove: rows pulsed with a 1 and cells that
/// conducted, summed over tokens and input bits.
struct DriveCounts {
  int64_t dacPulses = 0, cellReads = 0;
};

/// cim.mvm's arithmetic: partial sums [m][inputBits][ceil(k / rows)]
/// [slices][n] of unsigned codes `inputs` [m][k] streamed one bit per
/// cycle through `cells` [slices][k][n] (the signed levels, or varied
/// conductances with the same layout).
template <typename Cell>
DriveCounts bitSerialPartialSums(const Cell *cells, const int8_t *levels,
                                 const int32_t *inputs, int64_t m, int64_t k,
                                 int64_t n, int slices, int64_t rows,
                                 int64_t inputBits, float *sums) {
  DriveCounts counts;
  const int64_t perBit = (k + rows - 1) / rows * slices * n;
  std::vector<uint8_t> bits(k);
  std::fill(sums, sums + m * inputBits * perBit, 0.0f);
  for (int64_t token = 0; token < m; ++token) {
    const int32_t *x = inputs + token * k;
    for (int64_t b = 0; b < inputBits; ++b) {
      for (int64_t i = 0; i < k; ++i) {
        bits[i] = (uint32_t(x[i]) >> b) & 1;
        counts.dacPulses += bits[i];
      }
      counts.cellReads +=
          addActiveRows(rows, slices, k, n, bits.data(), cells, levels,
                        sums + (token * inputBits + b) * perBit);
    }
  }
  return counts;
}

struct CrossbarConfig {
  int64_t rows = 128;
  int64_t cols = 128;
  int bitsPerCell = 1;
  int weightBits = 4;
  int inputBits = 8;
  Mapping mapping = Mapping::Differential;

  /// Weight columns one crossbar holds.
  int64_t logicalColumns() const {
    return mapping == Mapping::Differential ? cols / 2 : cols;
  }
  int slices() const { return (weightBits + bitsPerCell - 1) / bitsPerCell; }
  /// The largest |partial sum| one row tile can produce.
  int64_t fullScale() const { return rows * ((int64_t(1) << bitsPerCell) - 1); }
  /// Empty when the configuration is valid, else why not.
  std::string validate() const;
};

/// W [K, N] programmed onto crossbar tiles.
class ProgrammedMatrix {
public:
  /// Programs row-major `weights` [k, n]; every weight must lie in the
  /// signed range of `config.weightBits` (else `error` is set and the result
  /// is empty).
  static ProgrammedMatrix program(const int8_t *weights, int64_t k, int64_t n,
                                  const CrossbarConfig &config,
                                  std::string &error);

  bool empty() const { return levels.empty(); }
  const CrossbarConfig &config() const { return cfg; }
  int64_t inputs() const { return k; }
  int64_t outputs() const { return n; }
  int64_t rowTiles() const { return (k + cfg.rows - 1) / cfg.rows; }
  int64_t colTiles() const {
    return (n + cfg.logicalColumns() - 1) / cfg.logicalColumns();
  }
  /// Crossbars used: row tiles x column tiles x slices.
  int64_t crossbars() const { return rowTiles() * colTiles() * cfg.slices(); }
  /// Signed level of weight (i, j) in slice s: the G+ level minus the G-
  /// level (differential), or the offset level.
  int level(int s, int64_t i, int64_t j) const {
    return levels[(s * k + i) * n + j];
  }

  /// Partial sums of one input bit vector `bits` [k] (0 or 1 each) into
  /// `out` [rowTiles][slices][n]; returns the number of cells that
  /// conducted (input bit 1 and a nonzero level), for the energy model.
  int64_t partialSums(const uint8_t *bits, int32_t *out) const;

  /// Device-to-device conductance variation: every programmed cell's
  /// conductance becomes level * max(0, 1 + sigma * N(0, 1)), drawn once
  /// from `seed` (sigma 0 restores exact levels). Partial sums become
  /// analog (see analogPartialSums).
  void setVariation(double sigma, uint64_t seed);
  bool analog() const { return !conductance.empty(); }

  /// Partial sums as partialSums computes them, but in floating point and
  /// from the varied conductances when there are any; returns the
  /// conducting cells.
  int64_t analogPartialSums(const uint8_t *bits, double *out) const;

  /// The exact integer product sum_i x_i w_ij of `inputs` [k] (unsigned
  /// codes of inputBits) through every bit, tile and slice: what ideal
  /// readouts give. For testing the decomposition.
  void exactProduct(const uint32_t *inputs, int64_t *out) const;

private:
  CrossbarConfig cfg;
  int64_t k = 0, n = 0;
  /// [slices][k][n] signed levels.
  std::vector<int8_t> levels;
  /// [slices][k][n] signed conductances in level units (empty: exact).
  std::vector<float> conductance;
};

} // namespace resq::cimsim

#endif // RESQ_CIMSIM_CROSSBAR_H
