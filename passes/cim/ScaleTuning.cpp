//===- ScaleTuning.cpp - sense-amplifier scales tuned end to end ----------===//

#include "passes/cim/ScaleTuning.h"

#include "passes/cim/CimCalibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace resq::cimcal {
namespace {

/// One layer's forward state over the samples.
struct LayerPass {
  std::vector<double> input;  // [samples][k] the float input
  std::vector<double> sx, zu; // [samples] input grid: scale, zero code
  std::vector<double> q;      // [samples][tiles][slices][n] sum_b 2^b q_b
  std::vector<double> z;      // [samples][n] pre-activation
};

int64_t partialsOf(const cimsim::ProgrammedMatrix &matrix) {
  return matrix.rowTiles() * matrix.config().slices() * matrix.outputs();
}

/// The crossbar codes u of `row` and its per-token grid, x ~ sx (u - zu),
/// as the CPU quantizes it.
void quantizeRow(const TunedLayer &layer, const double *row, int64_t k,
                 std::vector<uint32_t> &u, double &sx, double &zu) {
  std::vector<float> values(row, row + k);
  std::vector<std::pair<double, double>> grid;
  u = inputCodes(values.data(), 1, k, layer.bits, layer.symmetric, layer.clip,
                 &grid);
  std::tie(sx, zu) = grid.front();
}

/// Runs `layer` on `pass.input`: readouts (or exact products when `exact`)
/// and pre-activations. With `reuseReadouts` the input is the one of the
/// last call (the network input), so only the scales are applied again.
void forward(const TunedLayer &layer, LayerPass &pass, int64_t samples,
             bool exact, bool keepReadouts, bool reuseReadouts = false) {
  const cimsim::ProgrammedMatrix &matrix = *layer.matrix;
  const cimsim::CrossbarConfig &config = matrix.config();
  const int64_t k = matrix.inputs(), n = matrix.outputs();
  const int slices = config.slices();
  const int64_t partials = partialsOf(matrix);
  std::vector<double> columnSums(n, 0.0);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j)
      columnSums[j] += layer.weights[i * n + j];
  if (!reuseReadouts) {
    pass.sx.assign(samples, 0);
    pass.zu.assign(samples, 0);
    if (keepReadouts)
      pass.q.assign(samples * partials, 0);
  }
  pass.z.assign(samples * n, 0);
  // The fitted offsets stay as they are; only the scales are tuned.
  const std::vector<double> offsets = layer.readout.columnOffsets(
      matrix.rowTiles(), slices, n, config.bitsPerCell);
  std::vector<uint32_t> u;
  std::vector<uint8_t> bits(k);
  std::vector<int32_t> sums(partials);
  std::vector<double> q(partials), y(n);
  for (int64_t sample = 0; sample < samples; ++sample) {
    std::fill(y.begin(), y.end(), 0.0);
    if (reuseReadouts) {
      std::copy(pass.q.begin() + sample * partials,
                pass.q.begin() + (sample + 1) * partials, q.begin());
    } else {
      quantizeRow(layer, pass.input.data() + sample * k, k, u, pass.sx[sample],
                  pass.zu[sample]);
    }
    if (exact) {
      for (int64_t i = 0; i < k; ++i)
        for (int64_t j = 0; j < n; ++j)
          y[j] += double(u[i]) * layer.weights[i * n + j];
    } else if (!reuseReadouts) {
      std::fill(q.begin(), q.end(), 0.0);
      for (int b = 0; b < config.inputBits; ++b) {
        for (int64_t i = 0; i < k; ++i)
          bits[i] = (u[i] >> b) & 1;
        matrix.partialSums(bits.data(), sums.data());
        for (int64_t index = 0; index < partials; ++index)
          q[index] +=
              double(int64_t(1) << b) *
              cimsim::senseAmp(sums[index], layer.readout.sense,
                               layer.readout.theta, layer.readout.delta);
      }
    }
    if (!exact) {
      for (int64_t j = 0; j < n; ++j)
        y[j] = offsets[j];
      for (int64_t index = 0; index < partials; ++index) {
        int s = int(index / n % slices);
        y[index % n] +=
            std::ldexp(layer.readout.alpha[index], s * config.bitsPerCell) *
            q[index];
      }
      if (keepReadouts && !reuseReadouts)
        std::copy(q.begin(), q.end(), pass.q.begin() + sample * partials);
    }
    for (int64_t j = 0; j < n; ++j)
      pass.z[sample * n + j] =
          layer.bias[j] + layer.scales[j] * pass.sx[sample] *
                              (y[j] - pass.zu[sample] * columnSums[j]);
  }
}

/// The network's outputs on `x`; the passes of every layer when `passes`.
std::vector<double> run(const std::vector<TunedLayer> &layers, const float *x,
                        int64_t samples, bool exact,
                        std::vector<LayerPass> *passes) {
  std::vector<LayerPass> local(layers.size());
  std::vector<LayerPass> &state = passes ? *passes : local;
  state.resize(layers.size());
  int64_t k0 = layers.front().matrix->inputs();
  // The first layer's input never changes: its readouts are computed once.
  bool reuse = passes && !exact && !state[0].q.empty();
  if (!reuse)
    state[0].input.assign(x, x + samples * k0);
  for (size_t l = 0; l < layers.size(); ++l) {
    forward(layers[l], state[l], samples, exact, passes != nullptr,
            l == 0 && reuse);
    if (l + 1 == layers.size())
      break;
    state[l + 1].input = state[l].z;
    for (double &v : state[l + 1].input)
      v = std::max(v, 0.0);
  }
  return state.back().z;
}

double meanSquared(const std::vector<double> &a, const std::vector<double> &b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sum += (a[i] - b[i]) * (a[i] - b[i]);
  return a.empty() ? 0 : sum / double(a.size());
}

} // namespace

TuningResult fineTuneScales(std::vector<TunedLayer> &layers, const float *x,
                            int64_t samples, int steps, double rate) {
  const std::vector<double> reference = run(layers, x, samples, true, nullptr);
  std::vector<LayerPass> passes;
  TuningResult result;

  // Adam state per layer; step sizes relative to the layer's scales.
  const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-12;
  std::vector<std::vector<double>> m(layers.size()), v(layers.size());
  std::vector<double> stepSize(layers.size());
  for (size_t l = 0; l < layers.size(); ++l) {
    const std::vector<double> &alpha = layers[l].readout.alpha;
    m[l].assign(alpha.size(), 0);
    v[l].assign(alpha.size(), 0);
    double mean = 0;
    for (double a : alpha)
      mean += std::abs(a);
    stepSize[l] = rate * (alpha.empty() ? 1 : mean / double(alpha.size()));
  }
  std::vector<std::vector<double>> best(layers.size());
  double bestLoss = std::numeric_limits<double>::infinity();

  for (int step = 0; step <= steps; ++step) {
    std::vector<double> out = run(layers, x, samples, false, &passes);
    double loss = meanSquared(out, reference);
    if (step == 0)
      result.lossBefore = loss;
    if (loss < bestLoss) {
      bestLoss = loss;
      for (size_t l = 0; l < layers.size(); ++l)
        best[l] = layers[l].readout.alpha;
    }
    if (step == steps)
      break;

    // Backward: dL/dz of the last layer, then through each layer.
    std::vector<double> dz(out.size());
    for (size_t i = 0; i < out.size(); ++i)
      dz[i] = 2 * (out[i] - reference[i]) / double(out.size());
    for (size_t l = layers.size(); l-- > 0;) {
      TunedLayer &layer = layers[l];
      const LayerPass &pass = passes[l];
      const cimsim::ProgrammedMatrix &matrix = *layer.matrix;
      const int64_t k = matrix.inputs(), n = matrix.outputs();
      const int slices = matrix.config().slices();
      const int64_t partials = partialsOf(matrix);
      std::vector<double> grad(partials, 0.0), dx(samples * k, 0.0);
      for (int64_t sample = 0; sample < samples; ++sample) {
        std::vector<double> dy(n);
        for (int64_t j = 0; j < n; ++j)
          dy[j] = dz[sample * n + j] * layer.scales[j] * pass.sx[sample];
        const double *q = pass.q.data() + sample * partials;
        for (int64_t index = 0; index < partials; ++index) {
          int s = int(index / n % slices);
          grad[index] += dy[index % n] *
                         std::ldexp(q[index], s * matrix.config().bitsPerCell);
        }
        if (l == 0 || pass.sx[sample] == 0)
          continue;
        // Straight through: Y ~ u . w and u ~ x / sx.
        for (int64_t i = 0; i < k; ++i) {
          double sum = 0;
          for (int64_t j = 0; j < n; ++j)
            sum += dy[j] * layer.weights[i * n + j];
          dx[sample * k + i] = sum / pass.sx[sample];
        }
      }
      std::vector<double> &alpha = layer.readout.alpha;
      for (int64_t index = 0; index < partials; ++index) {
        m[l][index] = beta1 * m[l][index] + (1 - beta1) * grad[index];
        v[l][index] =
            beta2 * v[l][index] + (1 - beta2) * grad[index] * grad[index];
        double mHat = m[l][index] / (1 - std::pow(beta1, step + 1));
        double vHat = v[l][index] / (1 - std::pow(beta2, step + 1));
        alpha[index] -= stepSize[l] * mHat / (std::sqrt(vHat) + epsilon);
      }
      if (l == 0)
        break;
      // Through the previous layer's ReLU.
      const std::vector<double> &zPrev = passes[l - 1].z;
      dz.assign(zPrev.size(), 0.0);
      for (size_t i = 0; i < zPrev.size(); ++i)
        dz[i] = zPrev[i] > 0 ? dx[i] : 0.0;
    }
  }
  for (size_t l = 0; l < layers.size(); ++l)
    layers[l].readout.alpha = best[l];
  result.lossAfter = bestLoss;
  return result;
}

} // namespace resq::cimcal
