//===- DecomposeAggregates.cpp - the --resq-decompose-aggregates pass -----===//

#include "passes/lower/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace resq {
#define GEN_PASS_DEF_RESQDECOMPOSEAGGREGATES
#include "passes/lower/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {
struct DecomposeAggregatesPass
    : resq::impl::ResqDecomposeAggregatesBase<DecomposeAggregatesPass> {
  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> aggregates;
    getOperation()->walk(
        [&](linalg::AggregatedOpInterface op) { aggregates.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : aggregates) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> parts = op.decomposeOperation(rewriter);
      if (failed(parts)) {
        op->emitError() << "cannot decompose this op into linalg.generic ops";
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *parts);
    }
  }
};
} // namespace
