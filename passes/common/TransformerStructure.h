//===- TransformerStructure.h - the layers of a raised transformer --------===//
//
// After --resq-raise-transformer, a Llama-family model is a chain of resq
// ops. This analysis names them: per layer the input norm, the q/k/v
// projections, RoPE on q and k, attention, the output projection, the MLP
// norm and the gate/up/down projections; around the layers the embedding,
// the final norm and the lm_head. The report pass prints it; the
// preparation, calibration and rotation passes find their sites through it.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_COMMON_TRANSFORMERSTRUCTURE_H
#define RESQ_PASSES_COMMON_TRANSFORMERSTRUCTURE_H

#include "dialects/resq/ResqOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <memory>
#include <string>
#include <vector>

namespace resq {

struct TransformerLayer {
  RmsNormOp attnNorm;
  LinearOp q, k, v, o;
  RopeOp qRope, kRope;
  AttentionOp attention;
  RmsNormOp mlpNorm;
  LinearOp gate, up, down;

  /// The parts not found, by name ("q", "rope", "mlp_norm", ...); empty
  /// when the layer is complete.
  std::vector<std::string> missing() const;

  /// Whether --resq-lowrank-attention has reduced the attention's heads
  /// (resq.k_rank / resq.v_rank).
  bool isLowRank() const;
};

struct TransformerStructure {
  EmbeddingOp embedding;
  std::vector<TransformerLayer> layers;
  RmsNormOp finalNorm;
  LinearOp lmHead;

  /// Every layer complete, with embedding, final norm and lm_head.
  bool complete() const;
};

/// Finds the layers of `func`, one per resq.attention op, in program order.
TransformerStructure findTransformerStructure(mlir::func::FuncOp func);

class ModuleParams;

/// Fails with a diagnostic naming `pass` on the first low-rank attention of
/// `models`: for the passes whose rewrites assume full heads.
mlir::LogicalResult refuseLowRank(llvm::ArrayRef<TransformerStructure> models,
                                  llvm::StringRef pass);

/// What a pass that rewrites the weights of whole transformers works on.
struct TransformerWeights {
  std::unique_ptr<ModuleParams> params;
  std::vector<TransformerStructure> models;
};

/// Opens the archive and finds every complete transformer of `module`;
/// fails with a diagnostic naming `pass` otherwise.
mlir::FailureOr<TransformerWeights>
openTransformerWeights(mlir::ModuleOp module, llvm::StringRef pass);

/// The transformers of `module`, one per function with attention. Fails,
/// with a diagnostic, when there is none or one is incomplete: passes that
/// rewrite a whole transformer need every part.
mlir::FailureOr<std::vector<TransformerStructure>>
findCompleteTransformers(mlir::ModuleOp module);

} // namespace resq

#endif // RESQ_PASSES_COMMON_TRANSFORMERSTRUCTURE_H
