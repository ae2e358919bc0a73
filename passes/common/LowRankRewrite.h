//===- LowRankRewrite.h - shrink a layer's attention heads -----*- C++ -*-===//
//
// The IR rewrites of low-rank attention, shared by --resq-lowrank-attention
// (Eigen Attention's bases) and --resq-rotate scheme=resq with ranks (ResQ's
// truncated bases): queries and keys projected after RoPE, and value heads
// of fewer columns through new W_v and W_o. The caller computes the
// matrices; these functions rebuild the IR around them.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_COMMON_LOWRANKREWRITE_H
#define RESQ_PASSES_COMMON_LOWRANKREWRITE_H

#include "passes/common/CalibrationStats.h"
#include "passes/common/ModuleParams.h"
#include "passes/common/TransformerStructure.h"
#include "resq/numerics/LowRank.h"

#include <Eigen/Core>

#include <string>

namespace resq {

/// The calibration moments low-rank attention reads for one layer: the
/// keys' after RoPE averaged over the KV heads (`k_rope`), and the values'
/// per KV head (`v_out`), each hd x hd.
struct AttentionMoments {
  Eigen::MatrixXd keys;
  std::vector<Eigen::MatrixXd> values;
};

/// Reads them for layer `index`; fails with a diagnostic on the attention.
mlir::FailureOr<AttentionMoments>
readAttentionMoments(AttentionOp attention, const CalibrationStats &statistics,
                     int64_t index);

/// The spaces a KV-cache budget shrinks, keys then values of each layer,
/// each costing `fixedBits + r * bitsPerComponent` per token (for all of a
/// layer's KV heads) at rank r >= `minRank`.
std::vector<numerics::RankSpace>
kvBudgetSpaces(llvm::ArrayRef<AttentionMoments> layers, int64_t minRank,
               double fixedBits, double bitsPerComponent);

/// A new f32 parameter holding `matrix` ([in, out]) under `name` (suffixed
/// if taken), created at `b`'s insertion point.
mlir::Value addMatrixParam(mlir::OpBuilder &b, mlir::Location loc,
                           ModuleParams &params, const std::string &name,
                           const Eigen::MatrixXd &matrix);

/// Projects the layer's queries and keys, straight after RoPE, onto `basis`
/// (hd x r, stored as parameter `name`) with resq.project. The attention
/// keeps the full head size's scale and records resq.k_rank = r. Fails
/// (with a diagnostic naming `pass`) unless the attention reads the RoPE
/// results directly.
mlir::LogicalResult projectQueriesAndKeys(TransformerLayer &layer,
                                          ModuleParams &params,
                                          const std::string &name,
                                          const Eigen::MatrixXd &basis,
                                          llvm::StringRef pass);

/// Gives the layer value heads of `rank` columns: v's weight becomes
/// `valueWeight` ([d, kvHeads * rank], parameter `valueName`) and o's
/// `outputWeight` ([heads * rank, d], parameter `outputName`); the value
/// head split and o's input are rebuilt at `rank` columns and the old
/// chains erased. The attention records resq.v_rank = rank. Fails (with a
/// diagnostic naming `pass`) on values that are not [batch, heads, seq,
/// head] or on a past cache.
mlir::LogicalResult shrinkValueHeads(TransformerLayer &layer,
                                     ModuleParams &params, int64_t rank,
                                     const std::string &valueName,
                                     const Eigen::MatrixXd &valueWeight,
                                     const std::string &outputName,
                                     const Eigen::MatrixXd &outputWeight,
                                     llvm::StringRef pass);

} // namespace resq

#endif // RESQ_PASSES_COMMON_LOWRANKREWRITE_H
