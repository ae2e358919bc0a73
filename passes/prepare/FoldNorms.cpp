//===- FoldNorms.cpp - RMSNorm scales into the following linears ----------===//

#include "passes/common/ModuleParams.h"
#include "passes/prepare/Passes.h"

#include "dialects/resq/ResqOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace resq {
#define GEN_PASS_DEF_RESQFOLDNORMS
#include "passes/prepare/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

/// The linears reading `norm`, if nothing else reads it and each has a 2-D
/// parameter weight of `dim` rows.
std::optional<SmallVector<resq::LinearOp>> foldableLinears(resq::RmsNormOp norm,
                                                           int64_t dim) {
  SmallVector<resq::LinearOp> linears;
  for (OpOperand &use : norm.getResult().getUses()) {
    auto linear = dyn_cast<resq::LinearOp>(use.getOwner());
    if (!linear || use.getOperandNumber() != 0)
      return std::nullopt;
    auto weight = linear.getWeight().getDefiningOp<resq::ParamOp>();
    auto type = cast<RankedTensorType>(linear.getWeight().getType());
    if (!weight || type.getShape()[0] != dim || !type.getElementType().isF32())
      return std::nullopt;
    linears.push_back(linear);
  }
  if (linears.empty())
    return std::nullopt;
  return linears;
}

struct FoldNorms : resq::impl::ResqFoldNormsBase<FoldNorms> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::unique_ptr<resq::ModuleParams> params =
        resq::ModuleParams::openOrReport(module, "resq-fold-norms");
    if (!params)
      return signalPassFailure();
    std::string error;
    bool failed = false;
    module.walk([&](resq::RmsNormOp norm) {
      auto gammaType = cast<RankedTensorType>(norm.getGamma().getType());
      int64_t dim = gammaType.getShape()[0];
      std::optional<SmallVector<resq::LinearOp>> linears =
          foldableLinears(norm, dim);
      if (!linears || !gammaType.getElementType().isF32())
        return;
      std::optional<std::vector<double>> gamma =
          resq::constantValues(norm.getGamma(), params.get());
      if (!gamma) {
        norm.emitError() << "cannot read the norm's scale";
        failed = true;
        return;
      }
      if (llvm::all_of(*gamma, [](double g) { return g == 1.0; }))
        return; // nothing to fold
      OpBuilder b(norm);
      for (resq::LinearOp linear : *linears) {
        auto weight = linear.getWeight().getDefiningOp<resq::ParamOp>();
        std::optional<std::vector<double>> values =
            params->read(weight.getName());
        std::optional<std::vector<int64_t>> shape =
            params->shape(weight.getName());
        if (!values || !shape || shape->size() != 2 || (*shape)[0] != dim) {
          linear.emitError() << "cannot read weight '" << weight.getName()
                             << "' from the archive";
          failed = true;
          return;
        }
        int64_t out = (*shape)[1];
        for (int64_t row = 0; row < dim; ++row)
          for (int64_t col = 0; col < out; ++col)
            (*values)[row * out + col] *= (*gamma)[row];
        std::string name =
            params->add(weight.getName().str() + ".norm_folded",
                        resq::params::DType::F32, *shape, std::move(*values));
        b.setInsertionPoint(linear);
        auto folded =
            resq::ParamOp::create(b, weight.getLoc(), weight.getType(), name);
        linear.getWeightMutable().assign(folded);
      }
      b.setInsertionPoint(norm);
      Value ones = arith::ConstantOp::create(
          b, norm.getLoc(),
          DenseElementsAttr::get(gammaType, b.getF32FloatAttr(1.0f)));
      norm.getGammaMutable().assign(ones);
    });
    if (failed)
      return signalPassFailure();
    if (!params->commit(error)) {
      module.emitError() << "cannot write the parameter archive: " << error;
      signalPassFailure();
    }
  }
};

} // namespace
