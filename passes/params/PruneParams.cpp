//===- PruneParams.cpp - drop unused parameters and their tensors ---------===//

#include "passes/common/ModuleParams.h"
#include "passes/params/Passes.h"

#include "dialects/resq/ResqOps.h"

#include "llvm/ADT/StringSet.h"

namespace resq {
#define GEN_PASS_DEF_RESQPRUNEPARAMS
#include "passes/params/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

struct PruneParams : resq::impl::ResqPruneParamsBase<PruneParams> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::StringSet<> used;
    module.walk([&](resq::ParamOp param) {
      if (param.getResult().use_empty())
        param.erase();
      else
        used.insert(param.getName());
    });
    std::string error;
    std::unique_ptr<resq::ModuleParams> params =
        resq::ModuleParams::open(module, error);
    if (!params) {
      if (error.empty())
        return; // No archive: nothing to rewrite.
      module.emitError() << "--resq-prune-params: " << error;
      return signalPassFailure();
    }
    if (!params->keepOnly(used, error)) {
      module.emitError() << "--resq-prune-params: cannot write the parameter "
                            "archive: "
                         << error;
      return signalPassFailure();
    }
  }
};

} // namespace
