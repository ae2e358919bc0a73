//===- CimEntry.cpp - what lowered cim ops call ---------------------------===//
//
// --resq-cim-to-runtime turns every cim op into a call of
// `resq_cim_op_<op>(memrefs..., scalars...)` with the C interface, so
// lowered code calls `_mlir_ciface_resq_cim_op_<op>` with memref
// descriptors. The buffers are static identity-layout memrefs (dense,
// row-major), so each wrapper passes their data to the C API of CimSim.h.
//
//===----------------------------------------------------------------------===//

#include "resq/cimsim/CimSim.h"
#include "runtime/StridedMemRef.h"

#include <cstdint>

using resq::runtime::StridedMemRef;

#define RESQ_CIM_EXPORT extern "C" __attribute__((visibility("default")))

RESQ_CIM_EXPORT void _mlir_ciface_resq_cim_op_program(
    StridedMemRef<int8_t, 2> *weights, StridedMemRef<int8_t, 3> *levels,
    int64_t cellBits, int64_t weightBits, int64_t mapping) {
  // The op's verifier cannot see weight values; out-of-range weights leave
  // zero levels (the compiler quantizes to weight_bits before programming).
  if (resq_cim_program(weights->data(), weights->sizes[0], weights->sizes[1],
                       cellBits, weightBits, int32_t(mapping),
                       levels->data()) != 0)
    for (int64_t i = 0; i < levels->count(); ++i)
      levels->data()[i] = 0;
}

RESQ_CIM_EXPORT void
_mlir_ciface_resq_cim_op_mvm(StridedMemRef<int8_t, 3> *levels,
                             StridedMemRef<int32_t, 2> *inputs,
                             StridedMemRef<float, 5> *sums, int64_t rows) {
  resq_cim_mvm(levels->data(), inputs->data(), inputs->sizes[0],
               inputs->sizes[1], levels->sizes[2], levels->sizes[0], rows,
               sums->sizes[1], sums->data());
}

RESQ_CIM_EXPORT void
_mlir_ciface_resq_cim_op_adc(StridedMemRef<float, 5> *sums,
                             StridedMemRef<float, 5> *result, int64_t bits,
                             double low, double high) {
  resq_cim_adc(sums->data(), sums->count(), bits, low, high, result->data());
}

RESQ_CIM_EXPORT void
_mlir_ciface_resq_cim_op_sense_amp(StridedMemRef<float, 5> *sums,
                                   StridedMemRef<int8_t, 5> *decisions,
                                   int64_t mode, double theta, double delta) {
  resq_cim_sense_amp(sums->data(), sums->count(), int32_t(mode), theta, delta,
                     decisions->data());
}

RESQ_CIM_EXPORT void
_mlir_ciface_resq_cim_op_shift_add(StridedMemRef<float, 5> *sums,
                                   StridedMemRef<float, 2> *result,
                                   int64_t cellBits) {
  resq_cim_shift_add(sums->data(), sums->sizes[0], sums->sizes[1],
                     sums->sizes[2], sums->sizes[3], sums->sizes[4], cellBits,
                     result->data());
}

RESQ_CIM_EXPORT void _mlir_ciface_resq_cim_op_scale_accumulate(
    StridedMemRef<int8_t, 5> *decisions, StridedMemRef<float, 3> *alpha,
    StridedMemRef<float, 2> *result, int64_t cellBits) {
  resq_cim_scale_accumulate(decisions->data(), alpha->data(),
                            decisions->sizes[0], decisions->sizes[1],
                            decisions->sizes[2], decisions->sizes[3],
                            decisions->sizes[4], cellBits, result->data());
}

RESQ_CIM_EXPORT void
_mlir_ciface_resq_cim_op_lif(StridedMemRef<float, 3> *currents,
                             StridedMemRef<uint8_t, 3> *spikes, double beta,
                             double threshold, int64_t reset) {
  resq_cim_lif(currents->data(), currents->sizes[0],
               currents->sizes[1] * currents->sizes[2], beta, threshold,
               int32_t(reset), spikes->data());
}
