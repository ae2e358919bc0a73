//===- RoundToNearest.h - uniform round-to-nearest quantizer -*- C++ -*-===//
//
// The RTN quantizer that GPTQ rounds with and that the RTN baseline uses: a
// scale (and, asymmetric, a zero point) per set of weights.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_NUMERICS_ROUNDTONEAREST_H
#define RESQ_NUMERICS_ROUNDTONEAREST_H

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace resq::numerics {

struct QuantizerConfig {
  int64_t bits = 4;
  /// Symmetric: integers in [-2^(b-1), 2^(b-1) - 1], zero point 0, scale
  /// max|w| / (2^(b-1) - 1). Asymmetric: integers in [0, 2^b - 1], scale
  /// (max - min) / (2^b - 1) over a range that includes 0.
  bool symmetric = true;
};

/// w ~ (q - zeroPoint) * scale for one set of weights.
struct QuantParams {
  double scale = 1.0;
  double zeroPoint = 0.0;
};

/// Scale and zero point covering `w` (any shape).
QuantParams fitQuantParams(const QuantizerConfig &config,
                           const Eigen::Ref<const Eigen::MatrixXd> &w);

/// The integer nearest w / scale + zeroPoint, clamped to the range.
double quantizeToInt(const QuantizerConfig &config, const QuantParams &params,
                     double w);

/// quantizeToInt then back to a real value.
double fakeQuantize(const QuantizerConfig &config, const QuantParams &params,
                    double w);

/// RTN with one QuantParams per column of `w` (the dequantized result).
Eigen::MatrixXd roundToNearestPerColumn(const QuantizerConfig &config,
                                        const Eigen::MatrixXd &w);

/// A weight matrix [in, out] quantized with one QuantParams per group of
/// input rows, width and output channel.
struct QuantizedRows {
  /// Dequantized weights, [in, out] like the input.
  Eigen::MatrixXd weights;
  /// Per group, width and output channel: row `g * widths.size() + c` holds
  /// group g's parameters for rows of width `widths[c]` (zero where the
  /// group has no row of that width).
  Eigen::MatrixXd scales;
  Eigen::MatrixXd zeroPoints;
  /// The distinct row widths, ascending.
  std::vector<int64_t> widths;

  /// The integer that row `row`, in group `group`, stores for channel `col`:
  /// weights = (integer - zeroPoint) * scale.
  int64_t integer(int64_t row, int64_t col, int64_t group, int64_t width) const;
};

/// RTN of w [in, out] where input row i has `rowBits[i]` bits: each output
/// column gets one QuantParams per group of `groupSize` rows (0: all rows)
/// and width, fitted on the rows of that width.
QuantizedRows roundToNearestRows(const QuantizerConfig &config,
                                 const Eigen::MatrixXd &w,
                                 const std::vector<int64_t> &rowBits,
                                 int64_t groupSize);

} // namespace resq::numerics

#endif // RESQ_NUMERICS_ROUNDTONEAREST_H
