//===- CostModel.cpp - energy, latency and area of crossbar layers --------===//

#include "resq/cim/CostModel.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace resq::cim {
namespace {

struct Field {
  const char *name;
  double CostParameters::*value;
};

// The JSON keys of CostParameters, in declaration order.
constexpr Field kFields[] = {
    {"technology_nm", &CostParameters::technologyNm},
    {"adc_power_per_bit_uw", &CostParameters::adcPowerPerBitUw},
    {"adc_power_base_uw", &CostParameters::adcPowerBaseUw},
    {"adc_ns_per_bit", &CostParameters::adcNsPerBit},
    {"sense_energy_fj", &CostParameters::senseEnergyFj},
    {"sense_latency_ns", &CostParameters::senseLatencyNs},
    {"sense_area_um2", &CostParameters::senseAreaUm2},
    {"read_voltage", &CostParameters::readVoltage},
    {"cell_conductance_s", &CostParameters::cellConductanceS},
    {"read_pulse_ns", &CostParameters::readPulseNs},
    {"cell_area_um2", &CostParameters::cellAreaUm2},
    {"dac_energy_pj", &CostParameters::dacEnergyPj},
    {"dac_area_um2", &CostParameters::dacAreaUm2},
    {"shift_add_energy_pj", &CostParameters::shiftAddEnergyPj},
    {"shift_add_area_um2", &CostParameters::shiftAddAreaUm2},
    {"scale_add_energy_pj", &CostParameters::scaleAddEnergyPj},
    {"scale_add_area_um2", &CostParameters::scaleAddAreaUm2},
    {"lif_energy_pj", &CostParameters::lifEnergyPj},
    {"lif_latency_ns", &CostParameters::lifLatencyNs},
    {"lif_area_um2", &CostParameters::lifAreaUm2},
};

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

} // namespace

bool CostParameters::loadJson(const std::string &text, std::string &error) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed) {
    error = "invalid JSON: " + llvm::toString(parsed.takeError());
    return false;
  }
  const llvm::json::Object *object = parsed->getAsObject();
  if (!object) {
    error = "the cost parameters must be a JSON object";
    return false;
  }
  return apply(*object, error);
}

bool CostParameters::loadYaml(const std::string &text, std::string &error) {
  llvm::SourceMgr sources;
  std::string diagnostics;
  llvm::raw_string_ostream diagnosticStream(diagnostics);
  llvm::yaml::Stream stream(text, sources, /*ShowColors=*/false);
  sources.setDiagHandler(
      [](const llvm::SMDiagnostic &diagnostic, void *context) {
        *static_cast<std::string *>(context) += diagnostic.getMessage().str();
      },
      &diagnostics);
  llvm::yaml::document_iterator document = stream.begin();
  auto *mapping =
      document != stream.end()
          ? llvm::dyn_cast_or_null<llvm::yaml::MappingNode>(document->getRoot())
          : nullptr;
  if (!mapping) {
    error = "the cost parameters must be a YAML mapping of names to numbers" +
            (diagnostics.empty() ? std::string() : ": " + diagnostics);
    return false;
  }
  llvm::json::Object object;
  for (llvm::yaml::KeyValueNode &entry : *mapping) {
    auto *key = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(entry.getKey());
    auto *value =
        llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(entry.getValue());
    llvm::SmallString<32> keyStorage, valueStorage;
    double number = 0;
    if (!key || !value ||
        value->getValue(valueStorage).trim().getAsDouble(number)) {
      error = "every YAML cost parameter must be 'name: number'" +
              (diagnostics.empty() ? std::string() : ": " + diagnostics);
      return false;
    }
    std::string name = key->getValue(keyStorage).str();
    if (name == "columns_per_adc" && number == std::floor(number))
      object[name] = int64_t(number);
    else
      object[name] = number;
  }
  if (!diagnostics.empty()) {
    error = "invalid YAML: " + diagnostics;
    return false;
  }
  return apply(object, error);
}

bool CostParameters::loadConfig(const std::string &text, std::string &error) {
  llvm::StringRef trimmed = llvm::StringRef(text).ltrim();
  return trimmed.starts_with("{") ? loadJson(text, error)
                                  : loadYaml(text, error);
}

bool CostParameters::apply(const llvm::json::Object &object,
                           std::string &error) {
  for (const auto &[key, value] : object) {
    if (key == "columns_per_adc") {
      std::optional<int64_t> columns = value.getAsInteger();
      if (!columns || *columns < 1) {
        error = "columns_per_adc must be a positive integer";
        return false;
      }
      columnsPerAdc = int(*columns);
      continue;
    }
    const Field *field = nullptr;
    for (const Field &candidate : kFields)
      if (key == candidate.name)
        field = &candidate;
    if (!field) {
      error = "unknown cost parameter '" + key.str() + "'";
      return false;
    }
    std::optional<double> number = value.getAsNumber();
    if (!number || !std::isfinite(*number) || *number < 0) {
      error =
          "cost parameter '" + key.str() + "' must be a non-negative number";
      return false;
    }
    this->*(field->value) = *number;
  }
  return true;
}

std::string CostParameters::toJson() const {
  llvm::json::Object object;
  for (const Field &field : kFields)
    object[field.name] = this->*(field.value);
  object["columns_per_adc"] = columnsPerAdc;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(object)));
  return text;
}

double adcEnergyPj(const CostParameters &params, int bits) {
  // uW x ns = fJ.
  double powerUw = params.adcPowerPerBitUw * bits + params.adcPowerBaseUw;
  return powerUw * (bits + 1) * params.adcNsPerBit / 1000.0;
}

double adcAreaUm2(const CostParameters &params, int bits) {
  double featureUm = params.technologyNm / 1000.0;
  return 212.8 * featureUm * featureUm * (478 + 182 * (bits - 1));
}

LayerCost priceLayer(const CostParameters &params,
                     const cimsim::CrossbarConfig &config, int64_t crossbars,
                     const cimsim::Events &events,
                     const ReadoutCosting &readout, int64_t cyclesPerVector) {
  LayerCost cost;
  double cellReadPj = params.readVoltage * params.readVoltage *
                      params.cellConductanceS * params.readPulseNs * 1e3;
  cost.arrayPj = events.cellReads * cellReadPj;
  cost.dacPj = events.dacPulses * params.dacEnergyPj;
  cost.shiftAddPj = events.shiftAdds * params.shiftAddEnergyPj;
  cost.scaleAddPj = events.scaleAdds * params.scaleAddEnergyPj;
  cost.sensePj = events.senseReads * params.senseEnergyFj / 1000.0;
  cost.lifPj = readout.lifUpdates * params.lifEnergyPj;

  const int64_t columns = config.logicalColumns();
  double readoutNs = 0, readoutAreaUm2 = 0;
  switch (readout.kind) {
  case cimsim::ReadoutKind::Ideal:
    break;
  case cimsim::ReadoutKind::Adc: {
    cost.adcPj = events.adcConversions * adcEnergyPj(params, readout.adcBits);
    readoutNs =
        params.columnsPerAdc * (readout.adcBits + 1) * params.adcNsPerBit;
    int64_t adcs = ceilDiv(columns, params.columnsPerAdc);
    readoutAreaUm2 =
        adcs * (adcAreaUm2(params, readout.adcBits) + params.shiftAddAreaUm2);
    break;
  }
  case cimsim::ReadoutKind::SenseAmp:
    readoutNs = params.senseLatencyNs;
    readoutAreaUm2 =
        columns * ((readout.ternary ? 2 : 1) * params.senseAreaUm2 +
                   params.scaleAddAreaUm2);
    break;
  }
  double cycleNs = params.readPulseNs + readoutNs +
                   (readout.lifUpdates ? params.lifLatencyNs : 0.0);
  cost.latencyNs = double(events.inputVectors) * cyclesPerVector * cycleNs;
  double perCrossbarUm2 = config.rows * config.cols * params.cellAreaUm2 +
                          config.rows * params.dacAreaUm2 + readoutAreaUm2;
  cost.areaUm2 =
      crossbars * perCrossbarUm2 + readout.neurons * params.lifAreaUm2;
  return cost;
}

} // namespace resq::cim
