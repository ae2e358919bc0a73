//===- CimSimTest.cpp - the crossbar simulator's building blocks ----------===//

#include "resq/cimsim/CimSim.h"
#include "resq/cimsim/Crossbar.h"
#include "resq/cimsim/Layer.h"
#include "resq/cimsim/Readout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace resq::cimsim;

namespace {

struct Case {
  int64_t k, n;
  int bitsPerCell, weightBits, inputBits;
  Mapping mapping;
};

class DecompositionTest : public testing::TestWithParam<Case> {};

// Every bit, tile and slice summed back with its power of two is the exact
// integer product: the decomposition loses nothing.
TEST_P(DecompositionTest, ExactProductThroughEverySlice) {
  const Case c = GetParam();
  CrossbarConfig config;
  config.rows = 16;
  config.cols = 12;
  config.bitsPerCell = c.bitsPerCell;
  config.weightBits = c.weightBits;
  config.inputBits = c.inputBits;
  config.mapping = c.mapping;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> weight(-(1 << (c.weightBits - 1)),
                                            (1 << (c.weightBits - 1)) - 1);
  std::uniform_int_distribution<uint32_t> input(0, (1u << c.inputBits) - 1);
  std::vector<int8_t> w(c.k * c.n);
  for (int8_t &v : w)
    v = int8_t(weight(rng));
  std::vector<uint32_t> x(c.k);
  for (uint32_t &v : x)
    v = input(rng);
  std::string error;
  ProgrammedMatrix matrix =
      ProgrammedMatrix::program(w.data(), c.k, c.n, config, error);
  ASSERT_TRUE(error.empty()) << error;
  std::vector<int64_t> got(c.n);
  matrix.exactProduct(x.data(), got.data());
  for (int64_t j = 0; j < c.n; ++j) {
    int64_t want = 0;
    for (int64_t i = 0; i < c.k; ++i)
      want += int64_t(x[i]) * w[i * c.n + j];
    EXPECT_EQ(got[j], want) << "column " << j;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, DecompositionTest,
    testing::Values(Case{40, 13, 1, 4, 8, Mapping::Differential},
                    Case{40, 13, 1, 4, 8, Mapping::Offset},
                    Case{33, 7, 2, 4, 8, Mapping::Differential},
                    Case{33, 7, 3, 8, 4, Mapping::Offset},
                    Case{16, 6, 1, 8, 1, Mapping::Differential}));

TEST(Crossbar, TilesAndSlices) {
  CrossbarConfig config; // 128 x 128, 1 bit per cell, 4-bit weights
  std::vector<int8_t> w(784 * 256, 1);
  std::string error;
  ProgrammedMatrix matrix =
      ProgrammedMatrix::program(w.data(), 784, 256, config, error);
  ASSERT_TRUE(error.empty());
  EXPECT_EQ(matrix.rowTiles(), 7);    // ceil(784 / 128)
  EXPECT_EQ(matrix.colTiles(), 4);    // ceil(256 / 64): differential pairs
  EXPECT_EQ(config.slices(), 4);      // 4 bits at 1 bit per cell
  EXPECT_EQ(matrix.crossbars(), 112); // 7 x 4 x 4
  config.mapping = Mapping::Offset;
  matrix = ProgrammedMatrix::program(w.data(), 784, 256, config, error);
  EXPECT_EQ(matrix.colTiles(), 2);
}

TEST(Crossbar, PartialSumsPerTileAndSlice) {
  // Two row tiles of 2 rows, one weight column: w = {3, -2, 5, -8}.
  CrossbarConfig config;
  config.rows = 2;
  config.cols = 2;
  std::vector<int8_t> w = {3, -2, 5, -8};
  std::string error;
  ProgrammedMatrix matrix =
      ProgrammedMatrix::program(w.data(), 4, 1, config, error);
  ASSERT_TRUE(error.empty());
  std::vector<uint8_t> bits = {1, 1, 0, 1};
  std::vector<int32_t> sums(2 * 4);
  // Tile 0: 3 = 0011b on G+, 2 = 0010b on G-; tile 1: 8 = 1000b on G-.
  EXPECT_EQ(matrix.partialSums(bits.data(), sums.data()), 4);
  EXPECT_EQ(sums, (std::vector<int32_t>{1, 0, 0, 0, 0, 0, 0, -1}));
}

TEST(Crossbar, RejectsWeightsOutOfRange) {
  CrossbarConfig config;
  std::vector<int8_t> w = {8};
  std::string error;
  EXPECT_TRUE(ProgrammedMatrix::program(w.data(), 1, 1, config, error).empty());
  EXPECT_EQ(error, "weight 8 at (0, 0) is outside the 4-bit range");
  config.cols = 3;
  EXPECT_TRUE(ProgrammedMatrix::program(w.data(), 1, 1, config, error).empty());
  EXPECT_EQ(error, "a differential mapping needs an even number of columns");
}

TEST(Readout, AdcRoundsAndClips) {
  Adc adc{4, 0, 30}; // 16 levels, step 2
  EXPECT_DOUBLE_EQ(adc.step(), 2.0);
  EXPECT_EQ(adc.code(2.9), 1);
  EXPECT_EQ(adc.code(3.0), 2); // ties away from zero
  EXPECT_DOUBLE_EQ(adc.value(7.2), 8.0);
  EXPECT_EQ(adc.code(-5), 0);
  EXPECT_EQ(adc.code(99), 15);
  Adc exact{7, 0, 127};
  for (int p = 0; p <= 127; ++p)
    EXPECT_DOUBLE_EQ(exact.value(p), p);
}

TEST(Readout, SenseAmplifiers) {
  EXPECT_EQ(senseAmp(3, SenseMode::Binary, 2.5, 0), 1);
  EXPECT_EQ(senseAmp(2.5, SenseMode::Binary, 2.5, 0), -1);
  EXPECT_EQ(senseAmp(4, SenseMode::Ternary, 2, 1.5), 1);
  EXPECT_EQ(senseAmp(3, SenseMode::Ternary, 2, 1.5), 0);
  EXPECT_EQ(senseAmp(0.5, SenseMode::Ternary, 2, 1.5), 0);
  EXPECT_EQ(senseAmp(0.4, SenseMode::Ternary, 2, 1.5), -1);
}

TEST(Readout, LeakyIntegrateAndFire) {
  double u = 0;
  EXPECT_FALSE(lifStep(u, 0.6, 0.9, 1.0, Reset::Soft));
  EXPECT_DOUBLE_EQ(u, 0.6);
  EXPECT_TRUE(lifStep(u, 0.6, 0.9, 1.0, Reset::Soft)); // 0.54 + 0.6
  EXPECT_NEAR(u, 0.14, 1e-12);
  u = 0.9;
  EXPECT_TRUE(lifStep(u, 0.5, 1.0, 1.0, Reset::Hard));
  EXPECT_DOUBLE_EQ(u, 0.0);
}

} // namespace

namespace {

struct LayerFixture {
  CrossbarConfig config;
  std::vector<int8_t> w;
  std::vector<uint32_t> x;
  int64_t k = 300, n = 20, m = 64;
  ProgrammedMatrix matrix;

  explicit LayerFixture(Mapping mapping) {
    config.mapping = mapping;
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> weight(-8, 7);
    std::uniform_int_distribution<uint32_t> input(0, 255);
    w.resize(k * n);
    for (int8_t &v : w)
      v = int8_t(weight(rng));
    x.resize(m * k);
    for (uint32_t &v : x)
      v = input(rng);
    std::string error;
    matrix = ProgrammedMatrix::program(w.data(), k, n, config, error);
  }

  double exact(int64_t row, int64_t j) const {
    double sum = 0;
    for (int64_t i = 0; i < k; ++i)
      sum += double(x[row * k + i]) * w[i * n + j];
    return sum;
  }

  /// Relative RMS error of y against the exact products.
  double relativeError(const std::vector<double> &y) const {
    double err = 0, ref = 0;
    for (int64_t row = 0; row < m; ++row)
      for (int64_t j = 0; j < n; ++j) {
        double e = exact(row, j);
        err += (y[row * n + j] - e) * (y[row * n + j] - e);
        ref += e * e;
      }
    return std::sqrt(err / ref);
  }
};

/// A sense-amplifier readout with threshold 0 (scales still to set).
ReadoutConfig senseReadout(SenseMode mode, double ternaryDelta) {
  ReadoutConfig readout;
  readout.kind = ReadoutKind::SenseAmp;
  readout.sense = mode;
  readout.delta = mode == SenseMode::Ternary ? ternaryDelta : 0;
  return readout;
}

TEST(Layer, IdealIsTheIntegerProduct) {
  for (Mapping mapping : {Mapping::Differential, Mapping::Offset}) {
    LayerFixture f(mapping);
    std::vector<double> y(f.m * f.n);
    Events events;
    runLayer(f.matrix, ReadoutConfig{}, f.x.data(), f.m, y.data(), events);
    for (int64_t row = 0; row < f.m; ++row)
      for (int64_t j = 0; j < f.n; ++j)
        ASSERT_EQ(y[row * f.n + j], f.exact(row, j));
    // 3 row tiles x 1 column tile x 4 slices x 8 bits per vector.
    EXPECT_EQ(events.arrayReads, f.m * 3 * 1 * 4 * 8);
    EXPECT_EQ(events.adcConversions, 0);
  }
}

TEST(Layer, AdcPrecisionOrdersTheError) {
  LayerFixture f(Mapping::Differential);
  std::vector<double> y(f.m * f.n);
  double previous = 0;
  for (int bits : {8, 6, 4, 3}) {
    ReadoutConfig readout;
    readout.kind = ReadoutKind::Adc;
    // A signed range: 2^bits levels over [-fullScale, fullScale].
    readout.adc =
        Adc{bits, -double(f.config.fullScale()), double(f.config.fullScale())};
    Events events;
    runLayer(f.matrix, readout, f.x.data(), f.m, y.data(), events);
    double error = f.relativeError(y);
    EXPECT_GT(error, previous) << bits << " bits";
    previous = error;
    // One conversion per partial sum: 3 tiles x 4 slices x 20 x 8 bits.
    EXPECT_EQ(events.adcConversions, f.m * 3 * 4 * 20 * 8);
  }
}

TEST(Layer, FittedScalesBeatUnitScales) {
  LayerFixture f(Mapping::Differential);
  for (SenseMode mode : {SenseMode::Binary, SenseMode::Ternary}) {
    ReadoutConfig readout = senseReadout(mode, 1.5);
    readout.alpha.assign(3 * 4 * f.n, 1.0);
    std::vector<double> y(f.m * f.n);
    Events events;
    runLayer(f.matrix, readout, f.x.data(), f.m, y.data(), events);
    double unit = f.relativeError(y);
    readout.alpha = fitSenseScales(f.matrix, readout, f.x.data(), f.m);
    runLayer(f.matrix, readout, f.x.data(), f.m, y.data(), events);
    double fitted = f.relativeError(y);
    EXPECT_LT(fitted, unit);
    EXPECT_LT(fitted, 0.6); // a coarse but useful approximation
  }
}

TEST(Layer, FitResidualIsTheLeastSquaresError) {
  LayerFixture f(Mapping::Differential);
  ReadoutConfig readout = senseReadout(SenseMode::Ternary, 0.5);
  double residual = -1;
  std::vector<double> alpha =
      fitSenseScales(f.matrix, readout, f.x.data(), f.m, &residual);
  // P and Q per (row, tile, slice, column), from the crossbar's partial
  // sums; the residual is sum (P - alpha Q)^2 over all of them.
  const int64_t partials = 3 * 4 * f.n;
  std::vector<uint8_t> bits(f.k);
  std::vector<int32_t> sums(partials);
  double expected = 0, shifted = 0; // weighted by 4^s (1-bit cells)
  for (int64_t row = 0; row < f.m; ++row) {
    std::vector<double> p(partials, 0.0), q(partials, 0.0);
    for (int b = 0; b < 8; ++b) {
      for (int64_t i = 0; i < f.k; ++i)
        bits[i] = (f.x[row * f.k + i] >> b) & 1;
      f.matrix.partialSums(bits.data(), sums.data());
      for (int64_t index = 0; index < partials; ++index) {
        p[index] += double(1 << b) * sums[index];
        q[index] += double(1 << b) *
                    senseAmp(sums[index], SenseMode::Ternary, 0.0, 0.5);
      }
    }
    for (int64_t index = 0; index < partials; ++index) {
      double e = p[index] - alpha[index] * q[index];
      double s = p[index] - 1.1 * alpha[index] * q[index];
      double significance = std::ldexp(1.0, 2 * int(index / f.n % 4));
      expected += significance * e * e;
      shifted += significance * s * s;
    }
  }
  EXPECT_NEAR(residual, expected, 1e-9 * expected);
  EXPECT_LT(residual, shifted); // the closed form is the minimum
}

} // namespace

namespace {

TEST(Variation, ZeroSigmaIsExactAndErrorGrowsWithSigma) {
  LayerFixture f(Mapping::Differential);
  std::vector<double> y(f.m * f.n);
  Events events;
  f.matrix.setVariation(0.0, 1);
  EXPECT_FALSE(f.matrix.analog());
  double previous = 0;
  for (double sigma : {0.02, 0.1, 0.3}) {
    f.matrix.setVariation(sigma, 1);
    ASSERT_TRUE(f.matrix.analog());
    runLayer(f.matrix, ReadoutConfig{}, f.x.data(), f.m, y.data(), events);
    double error = f.relativeError(y);
    EXPECT_GT(error, previous) << "sigma " << sigma;
    // Independent per-cell deviations average out over a column.
    EXPECT_LT(error, sigma) << "sigma " << sigma;
    previous = error;
  }
  // The same seed draws the same devices.
  std::vector<double> again(f.m * f.n);
  f.matrix.setVariation(0.3, 1);
  runLayer(f.matrix, ReadoutConfig{}, f.x.data(), f.m, again.data(), events);
  EXPECT_EQ(again, y);
}

} // namespace

namespace {

// The C API the lowered cim ops call computes what the layer model
// computes: mvm + shift_add is the integer product, sense_amp +
// scale_accumulate is runLayer's ADC-less readout.
TEST(CApi, OpsComposeToTheLayerModel) {
  for (Mapping mapping : {Mapping::Differential, Mapping::Offset}) {
    LayerFixture f(mapping);
    const int64_t slices = 4, tiles = 3, bits = 8;
    std::vector<int8_t> levels(slices * f.k * f.n);
    ASSERT_EQ(resq_cim_program(f.w.data(), f.k, f.n, 1, 4,
                               mapping == Mapping::Differential ? 0 : 1,
                               levels.data()),
              0);
    for (int s = 0; s < slices; ++s)
      for (int64_t i = 0; i < f.k; ++i)
        for (int64_t j = 0; j < f.n; ++j)
          ASSERT_EQ(levels[(s * f.k + i) * f.n + j], f.matrix.level(s, i, j));

    std::vector<int32_t> inputs(f.x.begin(), f.x.end());
    std::vector<float> sums(f.m * bits * tiles * slices * f.n);
    resq_cim_mvm(levels.data(), inputs.data(), f.m, f.k, f.n, slices, 128, bits,
                 sums.data());
    std::vector<float> y(f.m * f.n);
    resq_cim_shift_add(sums.data(), f.m, bits, tiles, slices, f.n, 1, y.data());
    for (int64_t row = 0; row < f.m; ++row) {
      double offset = 0;
      if (mapping == Mapping::Offset)
        for (int64_t i = 0; i < f.k; ++i)
          offset += 8.0 * f.x[row * f.k + i];
      for (int64_t j = 0; j < f.n; ++j)
        ASSERT_EQ(double(y[row * f.n + j]) - offset, f.exact(row, j));
    }

    if (mapping != Mapping::Differential)
      continue;
    ReadoutConfig readout;
    readout.kind = ReadoutKind::SenseAmp;
    readout.sense = SenseMode::Ternary;
    readout.delta = 1.5;
    readout.alpha = fitSenseScales(f.matrix, readout, f.x.data(), f.m);
    // The ops carry f32 scales: give the layer model the same ones.
    for (double &a : readout.alpha)
      a = double(float(a));
    std::vector<double> want(f.m * f.n);
    Events events;
    runLayer(f.matrix, readout, f.x.data(), f.m, want.data(), events);
    std::vector<int8_t> decisions(sums.size());
    resq_cim_sense_amp(sums.data(), int64_t(sums.size()), 1, 0.0, 1.5,
                       decisions.data());
    std::vector<float> alpha(readout.alpha.begin(), readout.alpha.end());
    resq_cim_scale_accumulate(decisions.data(), alpha.data(), f.m, bits, tiles,
                              slices, f.n, 1, y.data());
    // Both sum in double; only the final rounding to f32 differs.
    for (size_t index = 0; index < want.size(); ++index)
      EXPECT_EQ(y[index], float(want[index])) << index;
  }
}

TEST(CApi, ReadoutsAndLif) {
  const float p[] = {-3.0f, 0.4f, 2.9f, 3.0f, 40.0f};
  float adc[5];
  resq_cim_adc(p, 5, 4, 0.0, 30.0, adc);
  EXPECT_EQ(std::vector<float>(adc, adc + 5),
            (std::vector<float>{0, 0, 2, 4, 30}));
  int8_t q[5];
  resq_cim_sense_amp(p, 5, 1, 1.0, 1.5, q);
  EXPECT_EQ(std::vector<int8_t>(q, q + 5),
            (std::vector<int8_t>{-1, 0, 1, 1, 1}));
  resq_cim_program(nullptr, 0, 0, 1, 4, 0, nullptr);
  int8_t bad = 9;
  int8_t out[4];
  EXPECT_EQ(resq_cim_program(&bad, 1, 1, 1, 4, 0, out), -1);
  // Two neurons over three steps: 0.6 per step (soft) and 0.9 (hard).
  const float currents[] = {0.6f, 0.9f, 0.6f, 0.9f, 0.6f, 0.9f};
  uint8_t spikes[6];
  resq_cim_lif(currents, 3, 2, 1.0, 1.0, 0, spikes);
  EXPECT_EQ(std::vector<uint8_t>(spikes, spikes + 6),
            (std::vector<uint8_t>{0, 0, 1, 1, 0, 1}));
}

TEST(Layer, OffsetsLowerTheFitError) {
  LayerFixture f(Mapping::Differential);
  for (SenseMode mode : {SenseMode::Binary, SenseMode::Ternary}) {
    ReadoutConfig readout = senseReadout(mode, 0.5);
    double plain = 0, withOffsets = 0;
    readout.alpha = fitSenseScales(f.matrix, readout, f.x.data(), f.m, &plain);
    std::vector<double> y(f.m * f.n);
    Events events;
    runLayer(f.matrix, readout, f.x.data(), f.m, y.data(), events);
    double errorPlain = f.relativeError(y);
    readout.alpha = fitSenseScales(f.matrix, readout, f.x.data(), f.m,
                                   &withOffsets, &readout.offset);
    runLayer(f.matrix, readout, f.x.data(), f.m, y.data(), events);
    double errorOffsets = f.relativeError(y);
    EXPECT_LE(withOffsets, plain);
    EXPECT_LT(errorOffsets, errorPlain * 1.05);
  }
}

} // namespace
