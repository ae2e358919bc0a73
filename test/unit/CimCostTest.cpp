//===- CimCostTest.cpp - the cost model against hand computations ---------===//
//
// Every expected value below is worked out by hand from the formulas and
// sources in CostModel.h (docs/notes/cim-cost-sources.md).
//
//===----------------------------------------------------------------------===//

#include "resq/cim/CostModel.h"

#include <gtest/gtest.h>

using namespace resq;
using namespace resq::cim;

namespace {

TEST(CimCost, SarAdcFromNeuroSim) {
  CostParameters params;
  // 7 bits: (3.7506 * 7 + 25.844) uW * 8 ns = 52.0982 uW * 8 ns = 416.79 fJ.
  EXPECT_NEAR(adcEnergyPj(params, 7), 0.4167856, 1e-7);
  // 4 bits: (15.0024 + 25.844) uW * 5 ns = 204.232 fJ.
  EXPECT_NEAR(adcEnergyPj(params, 4), 0.204232, 1e-7);
  // Area 212.8 F^2 (478 + 182 (N - 1)), F = 0.065 um: 4 bits
  // 0.89908 um^2 * 1024 = 920.66 um^2; 7 bits * 1570 = 1411.56 um^2.
  EXPECT_NEAR(adcAreaUm2(params, 4), 920.658, 1e-3);
  EXPECT_NEAR(adcAreaUm2(params, 7), 1411.56, 1e-2);
}

TEST(CimCost, AdcLayer) {
  CostParameters params;
  cimsim::CrossbarConfig config; // 128 x 128 differential: 64 columns
  cimsim::Events events;
  events.inputVectors = 2;
  events.cellReads = 1000;
  events.dacPulses = 300;
  events.adcConversions = 4096;
  events.shiftAdds = 4096;
  ReadoutCosting readout;
  readout.kind = cimsim::ReadoutKind::Adc;
  readout.adcBits = 7;
  LayerCost cost = priceLayer(params, config, /*crossbars=*/4, events, readout,
                              /*cyclesPerVector=*/8);
  EXPECT_NEAR(cost.arrayPj, 1000 * 0.025, 1e-9); // 0.5^2 V^2 1e-5 S 10 ns
  EXPECT_NEAR(cost.dacPj, 300 * 0.39 * 1.88, 1e-9);
  EXPECT_NEAR(cost.adcPj, 4096 * 0.4167856, 1e-3);
  EXPECT_NEAR(cost.shiftAddPj, 4096 * 0.042 * 1.88, 1e-9);
  EXPECT_EQ(cost.sensePj, 0);
  // 2 vectors x 8 bits x (10 ns read + 8 columns x 8 ns of conversions).
  EXPECT_NEAR(cost.latencyNs, 2 * 8 * (10 + 64), 1e-9);
  // Per crossbar: 16384 cells x 25/16384 x 3.3 um^2, 128 DACs x 0.5478,
  // 8 ADCs x (1411.56 + 198) um^2.
  double perCrossbar = 25 * 3.3 + 128 * 0.166 * 3.3 + 8 * (1411.56 + 198);
  EXPECT_NEAR(cost.areaUm2, 4 * perCrossbar, 0.5);
}

TEST(CimCost, TernarySenseAmpLayer) {
  CostParameters params;
  cimsim::CrossbarConfig config;
  cimsim::Events events;
  events.inputVectors = 1;
  events.senseReads = 2000; // two amplifiers per ternary decision
  events.scaleAdds = 700;
  ReadoutCosting readout;
  readout.kind = cimsim::ReadoutKind::SenseAmp;
  readout.ternary = true;
  LayerCost cost = priceLayer(params, config, 1, events, readout, 8);
  EXPECT_NEAR(cost.sensePj, 2000 * 9.845e-3, 1e-9);
  EXPECT_NEAR(cost.scaleAddPj, 700 * 0.265 * 1.88, 1e-9);
  EXPECT_NEAR(cost.latencyNs, 8 * (10 + 2), 1e-9);
  double perCrossbar = 25 * 3.3 + 128 * 0.166 * 3.3 + 64 * (2 * 9.9 + 60 * 3.3);
  EXPECT_NEAR(cost.areaUm2, perCrossbar, 1e-6);
}

TEST(CimCost, SpikingAddsLifUpdates) {
  CostParameters params;
  cimsim::CrossbarConfig config;
  cimsim::Events events;
  events.inputVectors = 1;
  ReadoutCosting readout;
  readout.kind = cimsim::ReadoutKind::SenseAmp;
  readout.lifUpdates = 10 * 16; // 10 neurons, 16 time steps
  readout.neurons = 10;
  LayerCost cost = priceLayer(params, config, 1, events, readout, 16);
  EXPECT_NEAR(cost.lifPj, 160 * 5.1, 1e-9);
  EXPECT_NEAR(cost.latencyNs, 16 * (10 + 2 + 4), 1e-9);
}

TEST(CimCost, JsonOverridesAndErrors) {
  CostParameters params;
  std::string error;
  ASSERT_TRUE(params.loadJson(
      R"({"adc_power_base_uw": 30, "columns_per_adc": 4})", error))
      << error;
  EXPECT_EQ(params.adcPowerBaseUw, 30);
  EXPECT_EQ(params.columnsPerAdc, 4);
  CostParameters reread;
  ASSERT_TRUE(reread.loadJson(params.toJson(), error)) << error;
  EXPECT_EQ(reread.adcPowerBaseUw, 30);
  EXPECT_EQ(reread.dacEnergyPj, params.dacEnergyPj);

  EXPECT_FALSE(params.loadJson(R"({"adc_bits": 4})", error));
  EXPECT_EQ(error, "unknown cost parameter 'adc_bits'");
  EXPECT_FALSE(params.loadJson(R"({"read_voltage": -1})", error));
  EXPECT_EQ(error,
            "cost parameter 'read_voltage' must be a non-negative number");
  EXPECT_FALSE(params.loadJson(R"({"columns_per_adc": 0})", error));
  EXPECT_EQ(error, "columns_per_adc must be a positive integer");
  EXPECT_FALSE(params.loadJson("[1]", error));
  EXPECT_EQ(error, "the cost parameters must be a JSON object");
  EXPECT_FALSE(params.loadJson("{", error));
  EXPECT_NE(error.find("invalid JSON"), std::string::npos);
}

TEST(CimCost, YamlOverridesAndErrors) {
  CostParameters params;
  std::string error;
  ASSERT_TRUE(params.loadConfig("# a 30 uW ADC base\nadc_power_base_uw: 30\n"
                                "columns_per_adc: 4\nlif_energy_pj: 2.5\n",
                                error))
      << error;
  EXPECT_EQ(params.adcPowerBaseUw, 30);
  EXPECT_EQ(params.columnsPerAdc, 4);
  EXPECT_EQ(params.lifEnergyPj, 2.5);
  // loadConfig reads JSON too.
  ASSERT_TRUE(params.loadConfig(R"( {"lif_energy_pj": 1})", error)) << error;
  EXPECT_EQ(params.lifEnergyPj, 1);

  EXPECT_FALSE(params.loadYaml("adc_bits: 4\n", error));
  EXPECT_EQ(error, "unknown cost parameter 'adc_bits'");
  EXPECT_FALSE(params.loadYaml("read_voltage: high\n", error));
  EXPECT_EQ(error, "every YAML cost parameter must be 'name: number'");
  EXPECT_FALSE(params.loadYaml("- 1\n- 2\n", error));
  EXPECT_EQ(error.find("the cost parameters must be a YAML mapping"), 0u);
}

} // namespace
