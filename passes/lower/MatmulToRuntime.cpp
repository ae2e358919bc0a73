//===- MatmulToRuntime.cpp - f32 matmuls call the runtime's GEMM ----------===//
//
// Scalar loops from convert-linalg-to-loops are far from what a blocked,
// vectorized GEMM reaches; until codegen tiles and vectorizes matmuls
// itself, every f32 linalg.matmul / linalg.batch_matmul on memrefs becomes a
// call of the runtime's microkernel (runtime/cpu, dispatched on the CPU's
// ISA at run time). The call has linalg's semantics: C += A * B.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"

namespace resq {
#define GEN_PASS_DEF_RESQMATMULTORUNTIME
#include "passes/lower/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

/// memref<?x...xf32, strided<[?, ...], offset: ?>> of `rank`.
MemRefType anyStrided(MLIRContext *context, unsigned rank) {
  SmallVector<int64_t> dynamic(rank, ShapedType::kDynamic);
  auto layout = StridedLayoutAttr::get(context, ShapedType::kDynamic, dynamic);
  return MemRefType::get(dynamic, Float32Type::get(context), layout);
}

bool isF32Memref(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  return type && type.getElementType().isF32();
}

/// The runtime function for `rank`-D operands, declared once per module.
func::FuncOp declareKernel(ModuleOp module, StringRef name, unsigned rank) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  MLIRContext *context = module.getContext();
  MemRefType operand = anyStrided(context, rank);
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  auto func = func::FuncOp::create(
      builder, module.getLoc(), name,
      FunctionType::get(context, {operand, operand, operand}, {}));
  func.setPrivate();
  func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                builder.getUnitAttr());
  return func;
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
          llvm::all_of(op->getOperands(), isF32Memref))
        matmuls.push_back(op);
    });
    for (linalg::LinalgOp op : matmuls) {
      bool batched = isa<linalg::BatchMatmulOp>(op.getOperation());
      unsigned rank = batched ? 3 : 2;
      func::FuncOp kernel = declareKernel(
          module, batched ? "resq_batch_matmul_f32" : "resq_matmul_f32", rank);
      OpBuilder builder(op);
      SmallVector<Value> operands;
      for (Value operand : op->getOperands())
        operands.push_back(memref::CastOp::create(
            builder, op.getLoc(), anyStrided(&getContext(), rank), operand));
      func::CallOp::create(builder, op.getLoc(), kernel, operands);
      op->erase();
    }
  }
};

} // namespace
