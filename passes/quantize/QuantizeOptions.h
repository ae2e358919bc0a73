//===- QuantizeOptions.h - the closed option sets of --resq-quantize ------===//
//
// Enum options of the pass (Passes.td names their spellings), so that an
// unknown value is rejected where it is parsed and --help lists the choices.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_QUANTIZE_QUANTIZEOPTIONS_H
#define RESQ_PASSES_QUANTIZE_QUANTIZEOPTIONS_H

#include "llvm/Support/CommandLine.h"

namespace resq {

/// How weights are rounded: to nearest, or by GPTQ's error feedback.
enum class WeightQuantizer { Rtn, Gptq };

/// Quantize-dequantize in float, or integer GEMMs on packed weights.
enum class QuantMode { Fake, Int };

/// The spellings of each enum, shared by the pass, the pipelines and the
/// tools' options.
inline llvm::cl::ValuesClass weightQuantizerValues() {
  return llvm::cl::values(
      clEnumValN(WeightQuantizer::Rtn, "rtn", "round to nearest"),
      clEnumValN(WeightQuantizer::Gptq, "gptq",
                 "GPTQ with the Hessians of the calibration statistics"));
}
inline llvm::cl::ValuesClass quantModeValues() {
  return llvm::cl::values(
      clEnumValN(QuantMode::Fake, "fake", "quantize-dequantize in float"),
      clEnumValN(QuantMode::Int, "int",
                 "resq.qlinear: integer GEMMs on packed weights"));
}

} // namespace resq

#endif // RESQ_PASSES_QUANTIZE_QUANTIZEOPTIONS_H
