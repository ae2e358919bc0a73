//===- Layer.cpp - one matrix-vector layer on crossbars -------------------===//

#include "resq/cimsim/Layer.h"

#include <algorithm>
#include <cmath>

namespace resq::cimsim {

Events &Events::operator+=(const Events &other) {
  inputVectors += other.inputVectors;
  arrayReads += other.arrayReads;
  cellReads += other.cellReads;
  dacPulses += other.dacPulses;
  adcConversions += other.adcConversions;
  senseReads += other.senseReads;
  shiftAdds += other.shiftAdds;
  scaleAdds += other.scaleAdds;
  return *this;
}

namespace {

/// Calls visit(b, sums) for every input bit b of one input vector, with the
/// partial sums [rowTiles][slices][n] of that bit; counts array events.
template <typename Visit>
void forEachInputBit(const ProgrammedMatrix &matrix, const uint32_t *x,
                     Events &events, Visit visit) {
  const CrossbarConfig &config = matrix.config();
  const int64_t k = matrix.inputs();
  std::vector<uint8_t> bits(k);
  std::vector<double> sums(matrix.rowTiles() * config.slices() *
                           matrix.outputs());
  for (int b = 0; b < config.inputBits; ++b) {
    for (int64_t i = 0; i < k; ++i) {
      bits[i] = (x[i] >> b) & 1;
      events.dacPulses += bits[i];
    }
    events.cellReads += matrix.analogPartialSums(bits.data(), sums.data());
    events.arrayReads += matrix.crossbars();
    visit(b, sums);
  }
  ++events.inputVectors;
}

} // namespace

void runLayer(const ProgrammedMatrix &matrix, const ReadoutConfig &readout,
              const uint32_t *x, int64_t m, double *y, Events &events) {
  const CrossbarConfig &config = matrix.config();
  const int64_t k = matrix.inputs(), n = matrix.outputs();
  const int slices = config.slices();
  const int64_t partials = matrix.rowTiles() * slices * n;
  for (int64_t row = 0; row < m; ++row) {
    const uint32_t *input = x + row * k;
    double *out = y + row * n;
    std::fill(out, out + n, 0.0);
    forEachInputBit(matrix, input, events, [&](int b, const auto &sums) {
      for (int64_t index = 0; index < partials; ++index) {
        int s = int(index / n % slices);
        int64_t j = index % n;
        double weight = double(int64_t(1) << (s * config.bitsPerCell + b));
        switch (readout.kind) {
        case ReadoutKind::Ideal:
          out[j] += weight * sums[index];
          break;
        case ReadoutKind::Adc:
          out[j] += weight * readout.adc.value(sums[index]);
          ++events.adcConversions;
          ++events.shiftAdds;
          break;
        case ReadoutKind::SenseAmp: {
          int q = senseAmp(sums[index], readout.sense, readout.theta,
                           readout.delta);
          events.senseReads += readout.sense == SenseMode::Ternary ? 2 : 1;
          if (q != 0) {
            out[j] += weight * readout.alpha[index] * q;
            ++events.scaleAdds;
          }
          break;
        }
        }
      }
    });
    if (readout.kind == ReadoutKind::SenseAmp && !readout.offset.empty()) {
      std::vector<double> offsets = readout.columnOffsets(
          matrix.rowTiles(), slices, n, config.bitsPerCell);
      for (int64_t j = 0; j < n; ++j)
        out[j] += offsets[j];
    }
    if (config.mapping == Mapping::Offset) {
      double total = 0;
      for (int64_t i = 0; i < k; ++i)
        total += input[i];
      for (int64_t j = 0; j < n; ++j)
        out[j] -= total * double(int64_t(1) << (config.weightBits - 1));
    }
  }
}

std::vector<double> ReadoutConfig::columnOffsets(int64_t rowTiles, int slices,
                                                 int64_t n,
                                                 int cellBits) const {
  std::vector<double> columns(n, 0.0);
  if (offset.empty())
    return columns;
  for (int64_t index = 0; index < rowTiles * slices * n; ++index) {
    int s = int(index / n % slices);
    columns[index % n] += std::ldexp(offset[index], s * cellBits);
  }
  return columns;
}

std::vector<double> fitSenseScales(const ProgrammedMatrix &matrix,
                                   const ReadoutConfig &readout,
                                   const uint32_t *x, int64_t m,
                                   double *residual,
                                   std::vector<double> *offsets) {
  const int64_t partials =
      matrix.rowTiles() * matrix.config().slices() * matrix.outputs();
  std::vector<double> pq(partials, 0.0), qq(partials, 0.0), pp(partials, 0.0);
  std::vector<double> ps(partials, 0.0), qs(partials, 0.0);
  std::vector<double> exact(partials), read(partials);
  Events ignored;
  for (int64_t row = 0; row < m; ++row) {
    std::fill(exact.begin(), exact.end(), 0.0);
    std::fill(read.begin(), read.end(), 0.0);
    forEachInputBit(matrix, x + row * matrix.inputs(), ignored,
                    [&](int b, const auto &sums) {
                      for (int64_t index = 0; index < partials; ++index) {
                        double weight = double(int64_t(1) << b);
                        exact[index] += weight * sums[index];
                        read[index] +=
                            weight * senseAmp(sums[index], readout.sense,
                                              readout.theta, readout.delta);
                      }
                    });
    for (int64_t index = 0; index < partials; ++index) {
      pq[index] += exact[index] * read[index];
      qq[index] += read[index] * read[index];
      pp[index] += exact[index] * exact[index];
      ps[index] += exact[index];
      qs[index] += read[index];
    }
  }
  std::vector<double> alpha(partials, 1.0);
  if (offsets)
    offsets->assign(partials, 0.0);
  double remaining = 0;
  const int64_t n = matrix.outputs();
  const int slices = matrix.config().slices();
  for (int64_t index = 0; index < partials; ++index) {
    // A slice's error weighs into the output with its significance 2^(s c).
    double significance = std::ldexp(1.0, 2 * int(index / n % slices) *
                                              matrix.config().bitsPerCell);
    if (!offsets) {
      if (qq[index] > 0)
        alpha[index] = pq[index] / qq[index];
      // sum (P - a Q)^2 = PP - 2 a PQ + a^2 QQ.
      remaining += significance * (pp[index] - 2 * alpha[index] * pq[index] +
                                   alpha[index] * alpha[index] * qq[index]);
      continue;
    }
    // Centred sums: P ~ a Q + o.
    double cpq = pq[index] - ps[index] * qs[index] / double(m);
    double cqq = qq[index] - qs[index] * qs[index] / double(m);
    double cpp = pp[index] - ps[index] * ps[index] / double(m);
    alpha[index] = cqq > 1e-9 * std::max(1.0, qq[index]) ? cpq / cqq : 0.0;
    (*offsets)[index] = (ps[index] - alpha[index] * qs[index]) / double(m);
    remaining +=
        significance * std::max(0.0, cpp - 2 * alpha[index] * cpq +
                                         alpha[index] * alpha[index] * cqq);
  }
  if (residual)
    *residual = remaining;
  return alpha;
}

} // namespace resq::cimsim
