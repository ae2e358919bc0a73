//===- CimReport.cpp - resq-run --target cim ------------------------------===//

#include "resq/run/CimReport.h"

#include "resq/cimsim/CimStats.h"

#include "resq/cli/CommandLine.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatAdapters.h"
#include "llvm/Support/JSON.h"

#include <cstring>
#include <vector>

namespace resq::run {
namespace {

struct PricedLayer {
  resq_cim_layer_stats stats;
  cim::LayerCost cost; // per inference
  double utilisation = 0;
  std::string readout;
};

cimsim::CrossbarConfig configOf(const resq_cim_layer_stats &stats) {
  cimsim::CrossbarConfig config;
  config.rows = stats.rows;
  config.cols = stats.cols;
  config.bitsPerCell = int(stats.cell_bits);
  config.weightBits = int(stats.weight_bits);
  config.inputBits = int(stats.input_bits);
  config.mapping = stats.mapping == 1 ? cimsim::Mapping::Offset
                                      : cimsim::Mapping::Differential;
  return config;
}

PricedLayer price(const cim::CostParameters &defaults,
                  const resq_cim_layer_stats &stats, int64_t inferences) {
  PricedLayer layer;
  layer.stats = stats;
  cimsim::Events events;
  events.inputVectors = stats.input_vectors;
  events.arrayReads = stats.array_reads;
  events.cellReads = stats.cell_reads;
  events.dacPulses = stats.dac_pulses;
  events.adcConversions = stats.adc_conversions;
  events.senseReads = stats.sense_reads;
  events.shiftAdds = stats.shift_adds;
  events.scaleAdds = stats.scale_adds;
  cim::ReadoutCosting readout;
  readout.adcBits = int(stats.adc_bits);
  readout.ternary = stats.ternary != 0;
  readout.lifUpdates = stats.lif_updates;
  readout.neurons = stats.neurons;
  cim::CostParameters params = defaults;
  switch (stats.readout) {
  case 1:
    readout.kind = cimsim::ReadoutKind::Adc;
    if (stats.columns_per_adc > 0)
      params.columnsPerAdc = int(stats.columns_per_adc);
    layer.readout = "ADC " + std::to_string(stats.adc_bits) + "b";
    break;
  case 2:
    readout.kind = cimsim::ReadoutKind::SenseAmp;
    layer.readout = stats.ternary ? "ternary SA" : "binary SA";
    break;
  default:
    readout.kind = cimsim::ReadoutKind::Ideal;
    layer.readout = stats.crossbars ? "ideal" : "";
  }
  if (stats.lif_updates)
    layer.readout += layer.readout.empty() ? "LIF" : " + LIF";
  cimsim::CrossbarConfig config = configOf(stats);
  cim::LayerCost total = cim::priceLayer(params, config, stats.crossbars,
                                         events, readout, stats.input_bits);
  // Energy and latency per inference; area is the layer's.
  double scale = inferences > 0 ? 1.0 / double(inferences) : 0.0;
  layer.cost = total;
  for (double *value :
       {&layer.cost.adcPj, &layer.cost.sensePj, &layer.cost.dacPj,
        &layer.cost.arrayPj, &layer.cost.shiftAddPj, &layer.cost.scaleAddPj,
        &layer.cost.lifPj, &layer.cost.latencyNs})
    *value *= scale;
  // Cells holding a weight over cells allocated: a differential weight
  // takes a G+/G- pair.
  double cells = double(stats.crossbars) * stats.rows * stats.cols;
  int64_t slices = config.slices();
  int64_t perWeight = stats.mapping == 1 ? 1 : 2;
  layer.utilisation =
      cells > 0 ? double(stats.k * stats.n * slices * perWeight) / cells : 0;
  return layer;
}

llvm::json::Object toJson(const PricedLayer &layer) {
  const cim::LayerCost &c = layer.cost;
  return llvm::json::Object{
      {"name", layer.stats.name},
      {"k", layer.stats.k},
      {"n", layer.stats.n},
      {"crossbars", layer.stats.crossbars},
      {"utilisation", layer.utilisation},
      {"readout", layer.readout},
      {"energy_pj", llvm::json::Object{{"adc", c.adcPj},
                                       {"sense_amp", c.sensePj},
                                       {"dac", c.dacPj},
                                       {"array", c.arrayPj},
                                       {"shift_add", c.shiftAddPj},
                                       {"scale_accumulate", c.scaleAddPj},
                                       {"lif", c.lifPj},
                                       {"total", c.totalPj()}}},
      {"latency_ns", c.latencyNs},
      {"area_um2", c.areaUm2},
      {"events",
       llvm::json::Object{{"input_vectors", layer.stats.input_vectors},
                          {"array_reads", layer.stats.array_reads},
                          {"cell_reads", layer.stats.cell_reads},
                          {"dac_pulses", layer.stats.dac_pulses},
                          {"adc_conversions", layer.stats.adc_conversions},
                          {"sense_reads", layer.stats.sense_reads},
                          {"shift_adds", layer.stats.shift_adds},
                          {"scale_adds", layer.stats.scale_adds},
                          {"lif_updates", layer.stats.lif_updates}}}};
}

} // namespace

bool reportCim(llvm::raw_ostream &os, const cim::CostParameters &params,
               const CimRunSummary &summary, const std::string &jsonPath,
               std::string &error) {
  std::vector<PricedLayer> layers;
  for (int64_t i = 0, e = resq_cim_stats_count(); i < e; ++i) {
    resq_cim_layer_stats stats;
    // Layers with crossbars, and neurons without (a spiking input encoder).
    if (resq_cim_stats_get(i, &stats) == 0 &&
        (stats.crossbars > 0 || stats.lif_updates > 0))
      layers.push_back(price(params, stats, summary.inferences));
  }
  if (llvm::none_of(layers, [](const PricedLayer &layer) {
        return layer.stats.crossbars > 0;
      })) {
    error = "--target cim: no layer ran on crossbars (compile the model with "
            "resq-compile --target cim)";
    return false;
  }

  os << llvm::format("compute-in-memory report: per inference over %lld "
                     "inputs; cost model %s",
                     (long long)summary.inferences, summary.costSource.c_str());
  if (summary.sigma > 0)
    os << llvm::format("; conductance variation sigma %g (seed %llu)",
                       summary.sigma, (unsigned long long)summary.seed);
  if (summary.readNoise > 0)
    os << llvm::format("; read noise sigma %g (seed %llu)", summary.readNoise,
                       (unsigned long long)summary.seed);
  os << "\n";
  // Names as long as the longest (transformer weights have long ones).
  size_t width = 12;
  for (const PricedLayer &layer : layers)
    width = std::max(width, std::strlen(layer.stats.name));
  os << llvm::left_justify("layer", width)
     << llvm::format(" %9s %6s %5s %-14s %9s %9s %9s %9s %9s %9s %9s "
                     "%10s %10s %9s\n",
                     "k x n", "xbars", "util", "readout", "adc pJ", "sense pJ",
                     "dac pJ", "array pJ", "s+a pJ", "scale pJ", "lif pJ",
                     "total pJ", "latency ns", "area mm2");
  cim::LayerCost total;
  int64_t crossbars = 0;
  llvm::json::Array jsonLayers;
  for (const PricedLayer &layer : layers) {
    const cim::LayerCost &c = layer.cost;
    std::string shape = layer.stats.crossbars
                            ? std::to_string(layer.stats.k) + "x" +
                                  std::to_string(layer.stats.n)
                            : "-";
    os << llvm::left_justify(layer.stats.name, width)
       << llvm::format(" %9s %6lld %4.0f%% %-14s %9.1f %9.1f %9.1f %9.1f "
                       "%9.1f %9.1f %9.1f %10.1f %10.1f %9.4f\n",
                       shape.c_str(), (long long)layer.stats.crossbars,
                       100 * layer.utilisation, layer.readout.c_str(), c.adcPj,
                       c.sensePj, c.dacPj, c.arrayPj, c.shiftAddPj,
                       c.scaleAddPj, c.lifPj, c.totalPj(), c.latencyNs,
                       c.areaUm2 * 1e-6);
    total.adcPj += c.adcPj;
    total.sensePj += c.sensePj;
    total.dacPj += c.dacPj;
    total.arrayPj += c.arrayPj;
    total.shiftAddPj += c.shiftAddPj;
    total.scaleAddPj += c.scaleAddPj;
    total.lifPj += c.lifPj;
    total.latencyNs += c.latencyNs;
    total.areaUm2 += c.areaUm2;
    crossbars += layer.stats.crossbars;
    jsonLayers.push_back(toJson(layer));
  }
  os << llvm::left_justify("total", width)
     << llvm::format(" %9s %6lld %5s %-14s %9.1f %9.1f %9.1f %9.1f %9.1f "
                     "%9.1f %9.1f %10.1f %10.1f %9.4f\n",
                     "", (long long)crossbars, "", "", total.adcPj,
                     total.sensePj, total.dacPj, total.arrayPj,
                     total.shiftAddPj, total.scaleAddPj, total.lifPj,
                     total.totalPj(), total.latencyNs, total.areaUm2 * 1e-6);
  if (summary.accuracy)
    os << llvm::format("accuracy %.2f%% (%lld labels)\n",
                       100 * *summary.accuracy, (long long)summary.labels);

  if (jsonPath.empty())
    return true;
  llvm::json::Object report{
      {"inferences", summary.inferences},
      {"sigma", summary.sigma},
      {"read_noise", summary.readNoise},
      {"seed", int64_t(summary.seed)},
      {"cost_model", summary.costSource},
      {"layers", std::move(jsonLayers)},
      {"total", llvm::json::Object{{"energy_pj", total.totalPj()},
                                   {"adc_pj", total.adcPj},
                                   {"sense_amp_pj", total.sensePj},
                                   {"dac_pj", total.dacPj},
                                   {"array_pj", total.arrayPj},
                                   {"shift_add_pj", total.shiftAddPj},
                                   {"scale_accumulate_pj", total.scaleAddPj},
                                   {"lif_pj", total.lifPj},
                                   {"latency_ns", total.latencyNs},
                                   {"area_um2", total.areaUm2},
                                   {"crossbars", crossbars}}}};
  if (summary.accuracy) {
    report["accuracy"] = *summary.accuracy;
    report["labels"] = summary.labels;
  }
  std::error_code ec;
  llvm::raw_fd_ostream file(jsonPath, ec, llvm::sys::fs::OF_Text);
  if (ec) {
    error = "cannot write '" + jsonPath + "': " + ec.message();
    return false;
  }
  file << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  return resq::cli::flushOutput(file, "'" + jsonPath + "'", error);
}

} // namespace resq::run
