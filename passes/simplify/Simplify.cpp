//===- Simplify.cpp - the --resq-simplify pass ----------------------------===//

#include "passes/simplify/Passes.h"

#include "dialects/resq/ResqDialect.h"
#include "dialects/resq/ResqOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace resq {
#define GEN_PASS_DEF_RESQSIMPLIFY
#include "passes/simplify/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {
struct ResqSimplifyPass : resq::impl::ResqSimplifyBase<ResqSimplifyPass> {
  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet set(context);
    auto *dialect = context->getLoadedDialect<resq::ResqDialect>();
    dialect->getCanonicalizationPatterns(set);
    for (RegisteredOperationName op : context->getRegisteredOperations())
      if (&op.getDialect() == dialect)
        op.getCanonicalizationPatterns(set, context);
    patterns = std::move(set);
    return success();
  }

  void runOnOperation() override {
    SmallVector<Operation *> resqOps;
    getOperation()->walk([&](Operation *op) {
      if (isa<resq::ResqDialect>(op->getDialect()))
        resqOps.push_back(op);
    });
    // Only the resq ops and what their rewrites create are visited, so other
    // dialects' ops are neither folded nor canonicalized.
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (failed(applyOpPatternsGreedily(resqOps, patterns, config)))
      signalPassFailure();
  }

  FrozenRewritePatternSet patterns;
};
} // namespace
