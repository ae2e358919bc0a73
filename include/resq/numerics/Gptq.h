//===- Gptq.h - GPTQ weight quantization -*- C++ -*-===//
//
// GPTQ (Frantar et al., arXiv 2210.17323): quantize one input feature at a
// time and spread its rounding error over the features not yet quantized,
// weighted by the inverse Hessian of the layer's output error.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_NUMERICS_GPTQ_H
#define RESQ_NUMERICS_GPTQ_H

#include "resq/numerics/RoundToNearest.h"

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <vector>

namespace resq::numerics {

struct GptqConfig {
  QuantizerConfig quantizer;
  /// Input features per scale; 0 means one scale per output channel.
  int64_t groupSize = 0;
  /// Damping added to the Hessian's diagonal, as a fraction of its mean.
  double percDamp = 0.01;
  /// Features updated eagerly before one lazy batch update of the rest.
  int64_t blockSize = 128;
  /// Quantize features in order of descending Hessian diagonal.
  bool actOrder = false;
  /// Bits of each input feature (empty: quantizer.bits for all). Features
  /// of one width share a scale per group and output channel; with
  /// actOrder a feature keeps its width wherever the order puts it. This is
  /// ResQ's 4-bit / 8-bit split of the rows of a weight.
  std::vector<int64_t> featureBits;
};

/// The dequantized weights with their parameters (QuantizedRows), and how
/// GPTQ grouped and ordered the features.
struct GptqResult : QuantizedRows {
  /// Group of each input feature (row of `weights`). With actOrder, groups
  /// are consecutive in quantization order, not in feature order.
  std::vector<int64_t> groupIndex;
  /// permutation[i] is the input feature quantized i-th (identity without
  /// actOrder).
  std::vector<int64_t> permutation;
};

/// Quantizes `w` ([in, out], y = x w) given `hessian` = X^T X ([in, in]) of
/// its inputs. Returns nullopt when the damped Hessian is not positive
/// definite.
std::optional<GptqResult> gptq(const Eigen::MatrixXd &w,
                               const Eigen::MatrixXd &hessian,
                               const GptqConfig &config);

} // namespace resq::numerics

#endif // RESQ_NUMERICS_GPTQ_H
