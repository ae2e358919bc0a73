//===- OutlineLoopNests.cpp - one function per outermost loop nest --------===//
//
// Keeps the functions LLVM optimizes small: a model lowered to loops is one
// function with a loop nest per op, and LLVM's -O3 time grows faster than
// linearly with function size.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

namespace resq {
#define GEN_PASS_DEF_RESQOUTLINELOOPNESTS
#include "passes/lower/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

struct OutlineLoopNests
    : resq::impl::ResqOutlineLoopNestsBase<OutlineLoopNests> {
  using ResqOutlineLoopNestsBase::ResqOutlineLoopNestsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    for (func::FuncOp function : functions) {
      if (function.isExternal())
        continue;
      SmallVector<scf::ForOp> nests;
      for (Block &block : function.getBody())
        for (auto loop : block.getOps<scf::ForOp>())
          nests.push_back(loop);
      if (nests.size() < minNests)
        continue;
      for (auto [index, loop] : llvm::enumerate(nests))
        outline(module, function, loop, index);
    }
  }

  /// Replaces `loop` by a call of a new function holding it.
  void outline(ModuleOp module, func::FuncOp parent, scf::ForOp loop,
               size_t index) {
    // What the nest reads from outside: its operands and the values its
    // body uses. Constants are cloned in, everything else is an argument.
    llvm::SetVector<Value> used;
    for (Value operand : loop->getOperands())
      used.insert(operand);
    getUsedValuesDefinedAbove(loop->getRegions(), used);
    SmallVector<Value> arguments;
    SmallVector<Operation *> constants;
    for (Value value : used) {
      Operation *def = value.getDefiningOp();
      if (def && def->hasTrait<OpTrait::ConstantLike>())
        constants.push_back(def);
      else
        arguments.push_back(value);
    }

    OpBuilder b(module.getContext());
    b.setInsertionPointToEnd(module.getBody());
    auto type = b.getFunctionType(ValueRange(arguments).getTypes(),
                                  loop->getResultTypes());
    auto function = func::FuncOp::create(
        b, loop.getLoc(), (parent.getSymName() + "_nest" + Twine(index)).str(),
        type);
    // resq-emit-entry-point makes every function but the entry internal,
    // and this mark noinline (LLVM would inline a single-use internal
    // function straight back).
    function->setAttr("resq_outlined", b.getUnitAttr());
    Block *body = function.addEntryBlock();
    IRMapping mapping;
    for (auto [value, argument] : llvm::zip(arguments, body->getArguments()))
      mapping.map(value, argument);
    b.setInsertionPointToStart(body);
    for (Operation *constant : constants)
      b.clone(*constant, mapping);
    Operation *copy = b.clone(*loop, mapping);
    func::ReturnOp::create(b, loop.getLoc(), copy->getResults());

    b.setInsertionPoint(loop);
    auto call = func::CallOp::create(b, loop.getLoc(), function, arguments);
    loop->replaceAllUsesWith(call.getResults());
    loop->erase();
  }
};

} // namespace
