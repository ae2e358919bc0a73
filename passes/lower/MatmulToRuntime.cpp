//===- MatmulToRuntime.cpp - f32 matmuls call the runtime's GEMM ----------===//
//
// Scalar loops from convert-linalg-to-loops are far from what a blocked,
// vectorized GEMM reaches; until codegen tiles and vectorizes matmuls
// itself, every linalg.matmul / linalg.batch_matmul on memrefs that is f32
// x f32 -> f32, or i8 x i8 -> i32 with signed extension, becomes a call of
// the runtime's microkernel (runtime/cpu, dispatched on the CPU's ISA at run
// time). The call has linalg's semantics: C += A * B, exact for integers.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"
#include "passes/lower/RuntimeCalls.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"

namespace resq {
#define GEN_PASS_DEF_RESQMATMULTORUNTIME
#include "passes/lower/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

/// memref<?x...xT, strided<[?, ...], offset: ?>> of `rank`.
MemRefType anyStrided(Type element, unsigned rank) {
  SmallVector<int64_t> dynamic(rank, ShapedType::kDynamic);
  auto layout = StridedLayoutAttr::get(element.getContext(),
                                       ShapedType::kDynamic, dynamic);
  return MemRefType::get(dynamic, element, layout);
}

Type elementOf(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  return type ? type.getElementType() : Type();
}

/// "f32" or "s8s8s32" for the operand types a kernel exists for, else "".
StringRef kernelSuffix(linalg::LinalgOp op) {
  Type a = elementOf(op->getOperand(0)), b = elementOf(op->getOperand(1)),
       c = elementOf(op->getOperand(2));
  if (!a || !b || !c)
    return "";
  if (a.isF32() && b.isF32() && c.isF32())
    return "f32";
  // Signless i8 operands are extended as signed unless the op says
  // otherwise.
  auto cast = op->getAttrOfType<linalg::TypeFnAttr>("cast");
  bool signedCast = !cast || cast.getValue() == linalg::TypeFn::cast_signed;
  if (a.isInteger(8) && b.isInteger(8) && c.isInteger(32) && signedCast)
    return "s8s8s32";
  return "";
}

struct MatmulToRuntime : resq::impl::ResqMatmulToRuntimeBase<MatmulToRuntime> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<linalg::LinalgOp> matmuls;
    module.walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op.getOperation()))
        return;
      // Only the default (untransposed, unbroadcast) maps, on f32 memrefs.
      bool defaultMaps = isa<linalg::MatmulOp>(op.getOperation())
                             ? cast<linalg::MatmulOp>(op.getOperation())
                                       .hasUserDefinedMaps() == false
                             : cast<linalg::BatchMatmulOp>(op.getOperation())
                                       .hasUserDefinedMaps() == false;
      if (defaultMaps && op.hasPureBufferSemantics() &&
          !kernelSuffix(op).empty())
        matmuls.push_back(op);
    });
    for (linalg::LinalgOp op : matmuls) {
      bool batched = isa<linalg::BatchMatmulOp>(op.getOperation());
      unsigned rank = batched ? 3 : 2;
      std::string name = (batched ? "resq_batch_matmul_" : "resq_matmul_") +
                         kernelSuffix(op).str();
      SmallVector<Type> elements;
      for (Value operand : op->getOperands())
        elements.push_back(elementOf(operand));
      SmallVector<Type> operandTypes;
      for (Type element : elements)
        operandTypes.push_back(anyStrided(element, rank));
      func::FuncOp kernel =
          resq::declareRuntimeFunction(module, name, operandTypes);
      OpBuilder builder(op);
      SmallVector<Value> operands;
      for (Value operand : op->getOperands())
        operands.push_back(memref::CastOp::create(
            builder, op.getLoc(), anyStrided(elementOf(operand), rank),
            operand));
      func::CallOp::create(builder, op.getLoc(), kernel, operands);
      op->erase();
    }
  }
};

} // namespace
