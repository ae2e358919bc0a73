//===- DistinctResults.cpp - the --resq-distinct-results pass -------------===//

#include "passes/lower/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/ADT/DenseSet.h"

namespace resq {
#define GEN_PASS_DEF_RESQDISTINCTRESULTS
#include "passes/lower/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {
struct DistinctResultsPass
    : resq::impl::ResqDistinctResultsBase<DistinctResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::DenseSet<Value> returned;
      OpBuilder b(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<RankedTensorType>(value.getType());
        if (!type || returned.insert(value).second)
          continue;
        // A static-shaped copy: the compiled models' shapes are static.
        if (!type.hasStaticShape())
          continue;
        Value empty = tensor::EmptyOp::create(b, ret.getLoc(), type.getShape(),
                                              type.getElementType());
        operand.set(
            linalg::CopyOp::create(b, ret.getLoc(), value, empty).getResult(0));
      }
    });
  }
};
} // namespace
