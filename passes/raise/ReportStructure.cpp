//===- ReportStructure.cpp - print the layers of a raised transformer -----===//

#include "passes/common/TransformerStructure.h"
#include "passes/raise/Passes.h"

#include "llvm/Support/raw_ostream.h"

namespace resq {
#define GEN_PASS_DEF_RESQREPORTSTRUCTURE
#include "passes/raise/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

struct ReportStructure : resq::impl::ResqReportStructureBase<ReportStructure> {
  using ResqReportStructureBase::ResqReportStructureBase;

  void runOnOperation() override {
    llvm::raw_ostream &os = llvm::outs();
    bool failed = false, found = false;
    getOperation().walk([&](func::FuncOp func) {
      resq::TransformerStructure model = resq::findTransformerStructure(func);
      if (model.layers.empty())
        return;
      found = true;
      resq::TransformerLayer &front = model.layers.front();
      resq::AttentionOp first = front.attention;
      // Low-rank attention shrinks the attention's head; RoPE's is the
      // model's.
      int64_t headDim =
          front.qRope
              ? cast<ShapedType>(front.qRope.getType()).getShape().back()
              : first.getHeadDim();
      os << "func @" << func.getSymName() << ": " << model.layers.size()
         << " layers (heads " << first.getNumHeads() << ", kv_heads "
         << first.getNumKvHeads() << ", head_dim " << headDim << ")\n";
      for (auto [index, layer] : llvm::enumerate(model.layers)) {
        std::vector<std::string> missing = layer.missing();
        os << "  layer " << index << ":";
        for (const char *part :
             {"attn_norm", "q", "k", "v", "rope", "attention", "o", "mlp_norm",
              "gate", "up", "down"})
          if (!llvm::is_contained(missing, part))
            os << " " << part;
        if (!missing.empty()) {
          os << "; missing:";
          for (const std::string &part : missing)
            os << " " << part;
        }
        if (layer.attention)
          reportRanks(os, layer.attention);
        os << "\n";
      }
      auto yesNo = [](bool found) { return found ? "yes" : "no"; };
      bool complete = model.complete();
      os << "  embedding " << yesNo(bool(model.embedding)) << ", final_norm "
         << yesNo(bool(model.finalNorm)) << ", lm_head "
         << yesNo(bool(model.lmHead)) << ": "
         << (complete ? "complete" : "incomplete") << "\n";
      if (!complete && requireComplete) {
        func.emitError() << "@" << func.getSymName()
                         << " is not a complete transformer (see the report)";
        failed = true;
      }
    });
    os.flush();
    if (!found && requireComplete) {
      getOperation().emitError()
          << "no resq.attention found: run --resq-raise-transformer first";
      failed = true;
    }
    if (failed)
      signalPassFailure();
    markAllAnalysesPreserved();
  }

  /// The ranks --resq-lowrank-attention chose for this layer, if any.
  static void reportRanks(llvm::raw_ostream &os, resq::AttentionOp attention) {
    auto kRank = attention->getAttrOfType<IntegerAttr>(
        resq::ResqDialect::getKeyRankAttrName());
    auto vRank = attention->getAttrOfType<IntegerAttr>(
        resq::ResqDialect::getValueRankAttrName());
    if (!kRank && !vRank)
      return;
    os << "; low rank:";
    if (kRank)
      os << " k " << kRank.getInt();
    if (vRank)
      os << (kRank ? "," : "") << " v " << vRank.getInt();
  }
};

} // namespace
