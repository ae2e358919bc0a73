//===- CimOptions.h - the closed option sets of --resq-lower-to-cim -------===//
//
// Enum options of the pass (Passes.td names their spellings); the weight
// mapping and the sense amplifiers use the cim dialect's own enums.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_CIM_CIMOPTIONS_H
#define RESQ_PASSES_CIM_CIMOPTIONS_H

#include "dialects/cim/CimAttributes.h"

#include "llvm/Support/CommandLine.h"

namespace resq {

/// How crossbar partial sums are read out.
enum class CimBackend { Ideal, Adc, AdcLess, Spiking };

/// The readout of the spiking backend's 1-bit reads.
enum class SpikingReadout { Sense, Adc, Ideal };

inline llvm::cl::ValuesClass cimBackendValues() {
  return llvm::cl::values(
      clEnumValN(CimBackend::Ideal, "ideal", "exact partial sums"),
      clEnumValN(CimBackend::Adc, "adc",
                 "an adc-bits ADC over the calibrated range"),
      clEnumValN(CimBackend::AdcLess, "adc-less",
                 "sense amplifiers and digital scale accumulation"),
      clEnumValN(CimBackend::Spiking, "spiking",
                 "IF encoders, 1-bit reads and LIF neurons"));
}
inline llvm::cl::ValuesClass cimMappingValues() {
  return llvm::cl::values(
      clEnumValN(cim::Mapping::Differential, "differential",
                 "G+/G- column pairs"),
      clEnumValN(cim::Mapping::Offset, "offset",
                 "offset levels with a digital correction"));
}
inline llvm::cl::ValuesClass senseModeValues() {
  return llvm::cl::values(clEnumValN(cim::SenseMode::Binary, "binary",
                                     "the sign of each partial sum"),
                          clEnumValN(cim::SenseMode::Ternary, "ternary",
                                     "-1, 0 or +1 with a dead zone"));
}
inline llvm::cl::ValuesClass spikingReadoutValues() {
  return llvm::cl::values(
      clEnumValN(SpikingReadout::Sense, "sense",
                 "ADC-less sense amplifiers (sense= decides binary or "
                 "ternary)"),
      clEnumValN(SpikingReadout::Adc, "adc",
                 "an adc-bits ADC over the calibrated range (the baseline "
                 "of ADC-less designs)"),
      clEnumValN(SpikingReadout::Ideal, "ideal", "exact partial sums"));
}

} // namespace resq

#endif // RESQ_PASSES_CIM_CIMOPTIONS_H
