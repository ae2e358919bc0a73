//===- ConcatToTensor.cpp - the --resq-concat-to-tensor pass --------------===//

#include "passes/lower/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

namespace resq {
#define GEN_PASS_DEF_RESQCONCATTOTENSOR
#include "passes/lower/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {
struct ConcatToTensorPass
    : resq::impl::ResqConcatToTensorBase<ConcatToTensorPass> {
  void runOnOperation() override {
    getOperation().walk([](tosa::ConcatOp concat) {
      auto type = dyn_cast<RankedTensorType>(concat.getType());
      if (!type)
        return;
      OpBuilder b(concat);
      Value joined = tensor::ConcatOp::create(
          b, concat.getLoc(), type,
          b.getI64IntegerAttr(static_cast<int64_t>(concat.getAxis())),
          concat.getInput1());
      concat.replaceAllUsesWith(joined);
      concat.erase();
    });
  }
};
} // namespace
