//===- Gptq.cpp - GPTQ weight quantization --------------------------------===//

#include "resq/numerics/Gptq.h"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cassert>
#include <numeric>
#include <utility>

namespace resq::numerics {

namespace {

/// The upper Cholesky factor U of H^-1 = U^T U: row i holds the weights of
/// feature i's error in the features after it (the paper's Cholesky
/// reformulation of the inverse-Hessian updates).
std::optional<Eigen::MatrixXd> inverseCholeskyUpper(const Eigen::MatrixXd &h) {
  Eigen::LLT<Eigen::MatrixXd> llt(h);
  if (llt.info() != Eigen::Success)
    return std::nullopt;
  Eigen::MatrixXd inverse =
      llt.solve(Eigen::MatrixXd::Identity(h.rows(), h.cols()));
  Eigen::LLT<Eigen::MatrixXd> inverseLlt(inverse);
  if (inverseLlt.info() != Eigen::Success)
    return std::nullopt;
  return Eigen::MatrixXd(inverseLlt.matrixU());
}

std::vector<int64_t> descendingDiagonalOrder(const Eigen::MatrixXd &h) {
  std::vector<int64_t> order(h.rows());
  std::iota(order.begin(), order.end(), 0);
  // Stable so that ties keep feature order and results are reproducible.
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return h(a, a) > h(b, b); });
  return order;
}

} // namespace

std::optional<GptqResult> gptq(const Eigen::MatrixXd &w,
                               const Eigen::MatrixXd &hessian,
                               const GptqConfig &config) {
  const int64_t in = w.rows();
  const int64_t out = w.cols();
  assert(hessian.rows() == in && hessian.cols() == in && "hessian shape");
  assert(config.blockSize > 0 && config.groupSize >= 0 && "gptq config");

  // Work on W^T so that an input feature is a contiguous column.
  Eigen::MatrixXd wt = w.transpose();
  Eigen::MatrixXd h = hessian;
  // A feature that never fires carries no error information; its weights
  // cannot matter, so zero them and give H a unit diagonal there.
  for (int64_t i = 0; i < in; ++i)
    if (h(i, i) == 0) {
      h(i, i) = 1;
      wt.col(i).setZero();
    }

  GptqResult result;
  result.permutation.resize(in);
  std::iota(result.permutation.begin(), result.permutation.end(), 0);
  if (config.actOrder) {
    result.permutation = descendingDiagonalOrder(h);
    Eigen::MatrixXd wtPermuted(out, in), hPermuted(in, in);
    for (int64_t i = 0; i < in; ++i) {
      wtPermuted.col(i) = wt.col(result.permutation[i]);
      for (int64_t j = 0; j < in; ++j)
        hPermuted(i, j) = h(result.permutation[i], result.permutation[j]);
    }
    wt = std::move(wtPermuted);
    h = std::move(hPermuted);
  }

  const double damp = config.percDamp * h.diagonal().mean();
  h.diagonal().array() += damp;
  std::optional<Eigen::MatrixXd> u = inverseCholeskyUpper(h);
  if (!u)
    return std::nullopt;

  const int64_t groupSize = config.groupSize ? config.groupSize : in;
  const int64_t numGroups = (in + groupSize - 1) / groupSize;
  // The width of each feature in quantization order.
  std::vector<int64_t> bits(in, config.quantizer.bits);
  if (!config.featureBits.empty()) {
    assert(int64_t(config.featureBits.size()) == in && "one width per row");
    for (int64_t i = 0; i < in; ++i)
      bits[i] = config.featureBits[result.permutation[i]];
  }
  result.widths = bits;
  std::sort(result.widths.begin(), result.widths.end());
  result.widths.erase(std::unique(result.widths.begin(), result.widths.end()),
                      result.widths.end());
  const int64_t numWidths = result.widths.size();
  auto widthIndex = [&](int64_t b) {
    return std::lower_bound(result.widths.begin(), result.widths.end(), b) -
           result.widths.begin();
  };
  result.scales.setZero(numGroups * numWidths, out);
  result.zeroPoints.setZero(numGroups * numWidths, out);
  // params[c][o]: the current group's parameters for width c, channel o.
  std::vector<std::vector<QuantParams>> params(numWidths,
                                               std::vector<QuantParams>(out));
  Eigen::MatrixXd q(out, in);
  for (int64_t i1 = 0; i1 < in; i1 += config.blockSize) {
    const int64_t i2 = std::min(i1 + config.blockSize, in);
    Eigen::MatrixXd errors(out, i2 - i1);
    for (int64_t i = i1; i < i2; ++i) {
      if (i % groupSize == 0) {
        // Fit the group on the weights as updated so far, like the
        // reference implementation; one fit per width in the group.
        int64_t g = i / groupSize;
        int64_t width = std::min(groupSize, in - i);
        for (int64_t c = 0; c < numWidths; ++c) {
          std::vector<int64_t> members;
          for (int64_t j = i; j < i + width; ++j)
            if (bits[j] == result.widths[c])
              members.push_back(j);
          if (members.empty())
            continue;
          QuantizerConfig quantizer = config.quantizer;
          quantizer.bits = result.widths[c];
          Eigen::MatrixXd values(out, members.size());
          for (size_t m = 0; m < members.size(); ++m)
            values.col(m) = wt.col(members[m]);
          for (int64_t o = 0; o < out; ++o) {
            params[c][o] = fitQuantParams(quantizer, values.row(o));
            result.scales(g * numWidths + c, o) = params[c][o].scale;
            result.zeroPoints(g * numWidths + c, o) = params[c][o].zeroPoint;
          }
        }
      }
      int64_t c = widthIndex(bits[i]);
      QuantizerConfig quantizer = config.quantizer;
      quantizer.bits = bits[i];
      for (int64_t o = 0; o < out; ++o)
        q(o, i) = fakeQuantize(quantizer, params[c][o], wt(o, i));
      Eigen::VectorXd error = (wt.col(i) - q.col(i)) / (*u)(i, i);
      wt.middleCols(i + 1, i2 - i - 1).noalias() -=
          error * u->row(i).segment(i + 1, i2 - i - 1);
      errors.col(i - i1) = error;
    }
    // Lazy batch update of every feature after the block.
    wt.rightCols(in - i2).noalias() -=
        errors * u->block(i1, i2, i2 - i1, in - i2);
  }
  result.weights.resize(in, out);
  result.groupIndex.resize(in);
  for (int64_t i = 0; i < in; ++i) {
    result.weights.row(result.permutation[i]) = q.col(i).transpose();
    result.groupIndex[result.permutation[i]] = i / groupSize;
  }
  return result;
}

} // namespace resq::numerics
