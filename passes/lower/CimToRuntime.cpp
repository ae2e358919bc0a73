//===- CimToRuntime.cpp - cim ops as calls of the crossbar simulator ------===//
//
// Each cim op becomes one call of `resq_cim_op_<op>`, whose C-interface
// wrapper `_mlir_ciface_resq_cim_op_<op>` libresq_runtime.so defines
// (runtime/cimsim/CimEntry.cpp, over the C API of CimSim.h): operands as
// memrefs, the result as a fresh buffer the call fills, the op's `layer`
// name as bytes (empty when it has none; the simulator counts events per
// name), attributes as scalars.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"
#include "passes/lower/RuntimeCalls.h"

#include "dialects/cim/CimOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"

namespace resq {
#define GEN_PASS_DEF_RESQCIMTORUNTIME
#include "passes/lower/Passes.h.inc"
} // namespace resq

using namespace mlir;
using namespace resq::cim;

namespace {

/// One call: the runtime function's name, its tensor operands, and the
/// scalar arguments that follow the result buffer.
struct Call {
  std::string name;
  SmallVector<Value> tensors;
  SmallVector<Value> scalars;
};

Value i64(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIntOp::create(b, loc, value, 64);
}

Value f64(OpBuilder &b, Location loc, APFloat value) {
  return arith::ConstantFloatOp::create(b, loc, b.getF64Type(),
                                        APFloat(value.convertToDouble()));
}

Call describe(Operation *op, OpBuilder &b) {
  Location loc = op->getLoc();
  Call call;
  if (auto program = dyn_cast<ProgramOp>(op)) {
    CrossbarAttr xbar = program.getCrossbar();
    call = {"resq_cim_op_program",
            {program.getWeights()},
            {i64(b, loc, xbar.getRows()), i64(b, loc, xbar.getCols()),
             i64(b, loc, xbar.getCellBits()), i64(b, loc, xbar.getWeightBits()),
             i64(b, loc, xbar.getInputBits()),
             i64(b, loc, int64_t(xbar.getMapping()))}};
  } else if (auto mvm = dyn_cast<MvmOp>(op)) {
    CrossbarAttr xbar = mvm.getCrossbar();
    call = {"resq_cim_op_mvm",
            {mvm.getLevels(), mvm.getInputs()},
            {i64(b, loc, xbar.getRows()), i64(b, loc, xbar.getCols()),
             i64(b, loc, int64_t(xbar.getMapping()))}};
  } else if (auto adc = dyn_cast<AdcOp>(op)) {
    call = {"resq_cim_op_adc",
            {adc.getSums()},
            {i64(b, loc, adc.getBits()), f64(b, loc, adc.getLow()),
             f64(b, loc, adc.getHigh()), i64(b, loc, adc.getColumnsPerAdc())}};
  } else if (auto sense = dyn_cast<SenseAmpOp>(op)) {
    call = {"resq_cim_op_sense_amp",
            {sense.getSums()},
            {i64(b, loc, int64_t(sense.getMode())),
             f64(b, loc, sense.getTheta()), f64(b, loc, sense.getDelta())}};
  } else if (auto shift = dyn_cast<ShiftAddOp>(op)) {
    call = {"resq_cim_op_shift_add",
            {shift.getSums()},
            {i64(b, loc, shift.getCellBits())}};
  } else if (auto scale = dyn_cast<ScaleAccumulateOp>(op)) {
    call = {"resq_cim_op_scale_accumulate",
            {scale.getDecisions(), scale.getAlpha()},
            {i64(b, loc, scale.getCellBits())}};
  } else if (auto lif = dyn_cast<LifOp>(op)) {
    call = {"resq_cim_op_lif",
            {lif.getCurrents()},
            {f64(b, loc, lif.getBeta()), f64(b, loc, lif.getThreshold()),
             i64(b, loc, int64_t(lif.getReset()))}};
  }
  return call;
}

/// A static memref with the identity layout, of `type`'s shape; i1 (LIF
/// spikes) are stored as bytes by the runtime, so they stay i1 in memory
/// (one byte each under MLIR's data layout).
MemRefType bufferOf(RankedTensorType type) {
  return MemRefType::get(type.getShape(), type.getElementType());
}

/// The layer names calls pass: one private constant global of bytes per
/// name (NUL-terminated), read as memref<?xi8>.
class LayerNames {
public:
  explicit LayerNames(ModuleOp module) : module(module) {}

  Value get(OpBuilder &b, Location loc, StringRef name) {
    memref::GlobalOp &global = globals[name];
    if (!global) {
      SmallVector<int8_t> bytes(name.begin(), name.end());
      bytes.push_back(0);
      auto type = MemRefType::get({int64_t(bytes.size())}, b.getI8Type());
      OpBuilder top = OpBuilder::atBlockBegin(module.getBody());
      global = memref::GlobalOp::create(
          top, loc, ("__resq_cim_layer_" + Twine(globals.size() - 1)).str(),
          top.getStringAttr("private"), type,
          DenseElementsAttr::get(
              RankedTensorType::get(type.getShape(), b.getI8Type()),
              ArrayRef<int8_t>(bytes)),
          /*constant=*/true, /*alignment=*/nullptr);
    }
    Value bytes = memref::GetGlobalOp::create(b, loc, global.getType(),
                                              global.getSymName());
    return memref::CastOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI8Type()), bytes);
  }

private:
  ModuleOp module;
  llvm::StringMap<memref::GlobalOp> globals;
};

struct CimToRuntime : resq::impl::ResqCimToRuntimeBase<CimToRuntime> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    LayerNames names(module);
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<CimDialect>(op->getDialect()))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto lif = dyn_cast<LifOp>(op);
          lif && lif.getCurrents().getType().getRank() != 3) {
        lif.emitOpError() << "runs on the simulator with currents [T, M, N] "
                             "only, found "
                          << lif.getCurrents().getType();
        return signalPassFailure();
      }
      OpBuilder b(op);
      Location loc = op->getLoc();
      Call call = describe(op, b);
      auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
      // Every buffer is passed with dynamic sizes, so that one declaration
      // serves ops of every shape (the entry points read the sizes).
      auto dynamic = [&](Value buffer) -> Value {
        auto type = cast<MemRefType>(buffer.getType());
        return memref::CastOp::create(
            b, loc,
            MemRefType::get(
                SmallVector<int64_t>(type.getRank(), ShapedType::kDynamic),
                type.getElementType()),
            buffer);
      };
      SmallVector<Value> operands;
      for (Value tensor : call.tensors)
        operands.push_back(dynamic(bufferization::ToBufferOp::create(
            b, loc, bufferOf(cast<RankedTensorType>(tensor.getType())), tensor,
            b.getUnitAttr())));
      Value result = memref::AllocOp::create(b, loc, bufferOf(resultType));
      operands.push_back(dynamic(result));
      auto layer = op->getAttrOfType<StringAttr>("layer");
      operands.push_back(names.get(b, loc, layer ? layer.getValue() : ""));
      operands.append(call.scalars);
      func::FuncOp callee = resq::declareRuntimeFunction(
          module, call.name, ValueRange(operands).getTypes());
      func::CallOp::create(b, loc, callee, operands);
      Value tensor = bufferization::ToTensorOp::create(
          b, loc, resultType, result, /*restrict=*/b.getUnitAttr(),
          /*writable=*/b.getUnitAttr());
      op->getResult(0).replaceAllUsesWith(tensor);
      op->erase();
    }
  }
};

} // namespace
