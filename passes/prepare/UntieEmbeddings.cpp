//===- UntieEmbeddings.cpp - a separate lm_head weight for tied models ----===//

#include "passes/common/ModuleParams.h"
#include "passes/prepare/Passes.h"

#include "dialects/resq/ResqOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/StringSet.h"

namespace resq {
#define GEN_PASS_DEF_RESQUNTIEEMBEDDINGS
#include "passes/prepare/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

struct UntieEmbeddings : resq::impl::ResqUntieEmbeddingsBase<UntieEmbeddings> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The embedding tables, by parameter name.
    llvm::StringSet<> tables;
    module.walk([&](resq::EmbeddingOp embedding) {
      if (auto table = embedding.getTable().getDefiningOp<resq::ParamOp>())
        tables.insert(table.getName());
    });
    // Before raising, the lookup is the importer's gather of the table.
    module.walk([&](tosa::GatherOp gather) {
      if (auto reshape = gather.getValues().getDefiningOp<tosa::ReshapeOp>())
        if (auto table = reshape.getInput1().getDefiningOp<resq::ParamOp>())
          tables.insert(table.getName());
    });
    // Transposed reads of a table elsewhere: a tied output projection.
    SmallVector<tosa::TransposeOp> tied;
    module.walk([&](resq::ParamOp param) {
      if (!tables.contains(param.getName()))
        return;
      for (Operation *user : param.getResult().getUsers())
        if (auto transpose = dyn_cast<tosa::TransposeOp>(user))
          if (transpose.getPerms() == ArrayRef<int32_t>{1, 0})
            tied.push_back(transpose);
    });
    if (tied.empty())
      return markAllAnalysesPreserved();

    std::unique_ptr<resq::ModuleParams> params =
        resq::ModuleParams::openOrReport(module, "resq-untie-embeddings");
    if (!params)
      return signalPassFailure();
    std::string error;
    llvm::StringMap<std::string> untied; // table -> its transposed copy
    for (tosa::TransposeOp transpose : tied) {
      auto table = transpose.getInput1().getDefiningOp<resq::ParamOp>();
      StringRef name = table.getName();
      if (!untied.count(name)) {
        std::optional<std::vector<double>> values = params->read(name);
        std::optional<std::vector<int64_t>> shape = params->shape(name);
        auto type = cast<RankedTensorType>(table.getType());
        if (!values || !shape || shape->size() != 2 ||
            !type.getElementType().isF32()) {
          table.emitError()
              << "cannot read f32 table '" << name << "' from the archive";
          return signalPassFailure();
        }
        int64_t rows = (*shape)[0], cols = (*shape)[1];
        std::vector<double> transposed(values->size());
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t c = 0; c < cols; ++c)
            transposed[c * rows + r] = (*values)[r * cols + c];
        untied[name] =
            params->add(name.str() + ".untied", resq::params::DType::F32,
                        {cols, rows}, std::move(transposed));
      }
      OpBuilder b(transpose);
      Value copy = resq::ParamOp::create(b, transpose.getLoc(),
                                         transpose.getType(), untied[name]);
      transpose.getResult().replaceAllUsesWith(copy);
      transpose.erase();
    }
    if (!params->commit(error)) {
      module.emitError() << "cannot write the parameter archive: " << error;
      signalPassFailure();
    }
  }
};

} // namespace
