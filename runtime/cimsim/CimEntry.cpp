//===- CimEntry.cpp - what lowered cim ops call ---------------------------===//
//
// --resq-cim-to-runtime turns every cim op into a call of
// `resq_cim_op_<op>(operands..., result, layer, scalars...)` with the C
// interface, so lowered code calls `_mlir_ciface_resq_cim_op_<op>` with
// memref descriptors. The buffers are static identity-layout memrefs
// (dense, row-major), so each wrapper passes their data to the C API of
// CimSim.h; `layer` (bytes, possibly empty) names the layer whose events
// the call adds to (CimStats.h).
//
//===----------------------------------------------------------------------===//

#include "resq/cimsim/CimSim.h"
#include "resq/cimsim/Crossbar.h"
#include "runtime/StridedMemRef.h"
#include "runtime/cimsim/Session.h"

#include <cstdint>
#include <string>

using resq::runtime::StridedMemRef;
namespace session = resq::cimsim::session;

#define RESQ_CIM_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

using Name = StridedMemRef<char, 1>;

/// The layer name a call carries (up to its first NUL); "(unnamed)" when
/// the op had none.
std::string layerName(const Name *layer) {
  std::string name(layer->data(), size_t(layer->sizes[0]));
  name = name.substr(0, name.find('\0'));
  return name.empty() ? "(unnamed)" : name;
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

} // namespace

RESQ_CIM_EXPORT void _mlir_ciface_resq_cim_op_program(
    StridedMemRef<int8_t, 2> *weights, StridedMemRef<int8_t, 3> *levels,
    Name *layer, int64_t rows, int64_t cols, int64_t cellBits,
    int64_t weightBits, int64_t inputBits, int64_t mapping) {
  const int64_t k = weights->sizes[0], n = weights->sizes[1];
  const int64_t slices = levels->sizes[0];
  // The op's verifier cannot see weight values; out-of-range weights leave
  // zero levels (the compiler quantizes to weight_bits before programming).
  if (resq_cim_program(weights->data(), k, n, cellBits, weightBits,
                       int32_t(mapping), levels->data()) != 0)
    for (int64_t i = 0; i < levels->count(); ++i)
      levels->data()[i] = 0;
  int64_t logical = mapping == 0 ? cols / 2 : cols;
  session::update(layerName(layer), [&](resq_cim_layer_stats &stats) {
    stats.rows = rows;
    stats.cols = cols;
    stats.cell_bits = cellBits;
    stats.weight_bits = weightBits;
    stats.input_bits = inputBits;
    stats.mapping = mapping;
    stats.k = k;
    stats.n = n;
    stats.crossbars = ceilDiv(k, rows) * ceilDiv(n, logical) * slices;
  });
}

RESQ_CIM_EXPORT void
_mlir_ciface_resq_cim_op_mvm(StridedMemRef<int8_t, 3> *levels,
                             StridedMemRef<int32_t, 2> *inputs,
                             StridedMemRef<float, 5> *sums, Name *layer,
                             int64_t rows, int64_t cols, int64_t mapping) {
  const std::string name = layerName(layer);
  const int64_t m = inputs->sizes[0], k = inputs->sizes[1];
  const int64_t slices = levels->sizes[0], n = levels->sizes[2];
  const int64_t inputBits = sums->sizes[1];
  std::vector<float> varied =
      session::variedCells(name, levels->data(), levels->count());
  resq::cimsim::DriveCounts counts =
      varied.empty() ? resq::cimsim::bitSerialPartialSums(
                           levels->data(), levels->data(), inputs->data(), m, k,
                           n, int(slices), rows, inputBits, sums->data())
                     : resq::cimsim::bitSerialPartialSums(
                           varied.data(), levels->data(), inputs->data(), m, k,
                           n, int(slices), rows, inputBits, sums->data());
  session::addReadNoise(name, sums->data(), sums->count());
  int64_t logical = mapping == 0 ? cols / 2 : cols;
  int64_t crossbars = ceilDiv(k, rows) * ceilDiv(n, logical) * slices;
  session::update(name, [&](resq_cim_layer_stats &stats) {
    stats.input_vectors += m;
    stats.array_reads += m * inputBits * crossbars;
    stats.dac_pulses += counts.dacPulses;
    stats.cell_reads += counts.cellReads;
  });
}

RESQ_CIM_EXPORT void _mlir_ciface_resq_cim_op_adc(
    StridedMemRef<float, 5> *sums, StridedMemRef<float, 5> *result, Name *layer,
    int64_t bits, double low, double high, int64_t columnsPerAdc) {
  resq_cim_adc(sums->data(), sums->count(), bits, low, high, result->data());
  session::update(layerName(layer), [&](resq_cim_layer_stats &stats) {
    stats.readout = 1;
    stats.adc_bits = bits;
    stats.columns_per_adc = columnsPerAdc;
    stats.adc_conversions += sums->count();
  });
}

RESQ_CIM_EXPORT void _mlir_ciface_resq_cim_op_sense_amp(
    StridedMemRef<float, 5> *sums, StridedMemRef<int8_t, 5> *decisions,
    Name *layer, int64_t mode, double theta, double delta) {
  resq_cim_sense_amp(sums->data(), sums->count(), int32_t(mode), theta, delta,
                     decisions->data());
  session::update(layerName(layer), [&](resq_cim_layer_stats &stats) {
    stats.readout = 2;
    stats.ternary = mode == 1;
    // A ternary decision takes two amplifiers.
    stats.sense_reads += sums->count() * (mode == 1 ? 2 : 1);
  });
}

RESQ_CIM_EXPORT void
_mlir_ciface_resq_cim_op_shift_add(StridedMemRef<float, 5> *sums,
                                   StridedMemRef<float, 2> *result, Name *layer,
                                   int64_t cellBits) {
  resq_cim_shift_add(sums->data(), sums->sizes[0], sums->sizes[1],
                     sums->sizes[2], sums->sizes[3], sums->sizes[4], cellBits,
                     result->data());
  session::update(layerName(layer), [&](resq_cim_layer_stats &stats) {
    stats.shift_adds += sums->count();
  });
}

RESQ_CIM_EXPORT void _mlir_ciface_resq_cim_op_scale_accumulate(
    StridedMemRef<int8_t, 5> *decisions, StridedMemRef<float, 3> *alpha,
    StridedMemRef<float, 2> *result, Name *layer, int64_t cellBits) {
  resq_cim_scale_accumulate(decisions->data(), alpha->data(),
                            decisions->sizes[0], decisions->sizes[1],
                            decisions->sizes[2], decisions->sizes[3],
                            decisions->sizes[4], cellBits, result->data());
  // Zero decisions (ternary) skip their scale addition.
  int64_t adds = 0;
  for (int64_t i = 0; i < decisions->count(); ++i)
    adds += decisions->data()[i] != 0;
  session::update(layerName(layer), [&](resq_cim_layer_stats &stats) {
    stats.scale_adds += adds;
  });
}

RESQ_CIM_EXPORT void
_mlir_ciface_resq_cim_op_lif(StridedMemRef<float, 3> *currents,
                             StridedMemRef<uint8_t, 3> *spikes, Name *layer,
                             double beta, double threshold, int64_t reset) {
  const int64_t steps = currents->sizes[0];
  const int64_t count = currents->sizes[1] * currents->sizes[2];
  resq_cim_lif(currents->data(), steps, count, beta, threshold, int32_t(reset),
               spikes->data());
  session::update(layerName(layer), [&](resq_cim_layer_stats &stats) {
    stats.lif_updates += steps * count;
    stats.neurons = currents->sizes[2];
    stats.steps = steps;
  });
}
