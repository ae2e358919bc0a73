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
      resq::AttentionOp first = model.layers.front().attention;
      os << "func @" << func.getSymName() << ": " << model.layers.size()
         << " layers (heads " << first.getNumHeads() << ", kv_heads "
         << first.getNumKvHeads() << ", head_dim " << first.getHeadDim()
         << ")\n";
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
};

} // namespace
