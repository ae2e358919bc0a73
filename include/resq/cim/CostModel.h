//===- CostModel.h - energy, latency and area of crossbar layers ----------===//
//
// The analytical cost model of ALGORITHMS.md §6: the simulator counts events
// (resq::cimsim::Events) and this model prices them. Every default is at
// 65 nm and names its source (docs/notes/cim-cost-sources.md has the
// derivations). Figures from other nodes are normalised to 65 nm with the
// Stillmaker & Baas (2017) factors as tabulated by Accelergy's hwcomponents
// (32 -> 65 nm: energy x1.88 at a common supply, area x3.3).
//
// Latency assumes every crossbar of a layer works in parallel; one input
// bit (or one spiking time step) takes a read pulse plus the readout:
// columnsPerAdc sequential conversions of (N+1) ns for an ADC, one
// sense-amplifier decision otherwise; shift-and-add and scale additions are
// pipelined behind the next read and do not add latency.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_CIM_COSTMODEL_H
#define RESQ_CIM_COSTMODEL_H

#include "resq/cimsim/Layer.h"

#include <cstdint>
#include <string>

namespace llvm::json {
class Object;
} // namespace llvm::json
#include <vector>

namespace resq::cim {

/// Scaling of 32 nm figures to 65 nm (Stillmaker & Baas 2017, via
/// Accelergy hwcomponents techscaling.py).
constexpr double kEnergy32To65 = 1.88;
constexpr double kArea32To65 = 3.3;

struct CostParameters {
  double technologyNm = 65;
  /// SAR ADC, NeuroSim SarADC.cpp (65 nm LSTP fit): power a N + b uW,
  /// latency (N + 1) ns per conversion, area 212.8 F^2 (478 + 182 (N - 1)).
  double adcPowerPerBitUw = 3.7506;
  double adcPowerBaseUw = 25.844;
  double adcNsPerBit = 1.0;
  int columnsPerAdc = 8;
  /// Voltage sense amplifier, NeuroSim VoltageSenseAmp.cpp (65 nm).
  double senseEnergyFj = 9.845;
  double senseLatencyNs = 2.0;
  double senseAreaUm2 = 9.9;
  /// Cell read V^2 G t per conducting cell; ReRAM of MLP_NeuroSim's
  /// RealDevice (100 kOhm on), 0.5 V, 10 ns pulse.
  double readVoltage = 0.5;
  double cellConductanceS = 1e-5;
  double readPulseNs = 10;
  /// Crossbar area per cell: ISAAC's 128 x 128 array, 25 um^2 at 32 nm.
  double cellAreaUm2 = 25.0 / 16384 * kArea32To65;
  /// 1-bit DAC (row driver), ISAAC Table I: 4 mW for 1024 DACs, 100 ns
  /// cycle -> 0.39 pJ per pulse and 0.166 um^2 at 32 nm.
  double dacEnergyPj = 0.39 * kEnergy32To65;
  double dacAreaUm2 = 0.166 * kArea32To65;
  /// Shift-and-add, ISAAC: 0.05 mW per unit at 1.2 GHz -> 0.042 pJ per
  /// add and 60 um^2 at 32 nm; one unit per ADC.
  double shiftAddEnergyPj = 0.042 * kEnergy32To65;
  double shiftAddAreaUm2 = 60 * kArea32To65;
  /// HCiM's digital scale array adds or subtracts one scale per nonzero
  /// readout; priced as PUMA's ALU add (0.265 pJ at 32 nm) for lack of a
  /// published figure; one unit per column, ISAAC's S+A area.
  double scaleAddEnergyPj = 0.265 * kEnergy32To65;
  double scaleAddAreaUm2 = 60 * kArea32To65;
  /// Digital LIF update, SpikeSim ela_spikesim.py (65 nm, 250 MHz).
  double lifEnergyPj = 5.1;
  double lifLatencyNs = 4;
  double lifAreaUm2 = 60 * kArea32To65;

  /// Reads overrides from a JSON object whose keys are the field names
  /// above (snake_case, e.g. "adc_power_per_bit_uw"); unknown keys are
  /// errors. Returns false with `error` set.
  bool loadJson(const std::string &text, std::string &error);
  /// The same overrides as a YAML mapping (`adc_power_base_uw: 30`).
  bool loadYaml(const std::string &text, std::string &error);
  /// JSON when the text starts with '{', else YAML.
  bool loadConfig(const std::string &text, std::string &error);
  /// The parameters as the JSON object loadJson reads.
  std::string toJson() const;

private:
  bool apply(const llvm::json::Object &object, std::string &error);
};

/// How a layer's partial sums are read out, for pricing.
struct ReadoutCosting {
  cimsim::ReadoutKind kind = cimsim::ReadoutKind::Ideal;
  int adcBits = 0;
  bool ternary = false;
  /// Spiking: LIF updates (per output neuron and time step) and neurons.
  int64_t lifUpdates = 0;
  int64_t neurons = 0;
};

/// Energy by component (pJ), latency (ns) and area (um^2) of one layer.
struct LayerCost {
  double adcPj = 0, sensePj = 0, dacPj = 0, arrayPj = 0, shiftAddPj = 0,
         scaleAddPj = 0, lifPj = 0;
  double latencyNs = 0;
  double areaUm2 = 0;
  double totalPj() const {
    return adcPj + sensePj + dacPj + arrayPj + shiftAddPj + scaleAddPj + lifPj;
  }
};

/// Energy of one SAR conversion of `bits` bits (pJ).
double adcEnergyPj(const CostParameters &params, int bits);
/// Area of one SAR ADC of `bits` bits (um^2).
double adcAreaUm2(const CostParameters &params, int bits);

/// Prices the events of a layer programmed with `config` onto `crossbars`
/// arrays; `cyclesPerVector` is inputBits (bit-serial) or the time steps.
LayerCost priceLayer(const CostParameters &params,
                     const cimsim::CrossbarConfig &config, int64_t crossbars,
                     const cimsim::Events &events,
                     const ReadoutCosting &readout, int64_t cyclesPerVector);

} // namespace resq::cim

#endif // RESQ_CIM_COSTMODEL_H
