//===- EntryPoint.cpp - the exported symbols of a compiled model ----------===//
//
// Runs on the LLVM dialect, after --resq-params-to-arguments, bufferization
// with results turned into out-parameters, and convert-func-to-llvm. Adds
//   resq_entry(ptr args): calls _mlir_ciface_<entry> with args[0..n), each a
//                         pointer to a memref descriptor, and
//   resq_abi() -> ptr:    the module's `resq.abi` text, NUL-terminated,
// and makes every other function internal, so that a compiled model exports
// exactly these two symbols and its code is free to be inlined.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Abi.h"
#include "passes/lower/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace resq {
#define GEN_PASS_DEF_RESQEMITENTRYPOINT
#include "passes/lower/Passes.h.inc"
} // namespace resq

using namespace mlir;

namespace {

struct EmitEntryPoint : resq::impl::ResqEmitEntryPointBase<EmitEntryPoint> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto abiText = module->getAttrOfType<StringAttr>(resq::abi::kModuleAttr);
    if (!abiText) {
      module.emitError() << "no '" << resq::abi::kModuleAttr
                         << "' attribute: run --resq-params-to-arguments "
                            "before lowering";
      return signalPassFailure();
    }
    std::string wrapperName = "_mlir_ciface_" + entry;
    auto wrapped = module.lookupSymbol<LLVM::LLVMFuncOp>(wrapperName);
    if (!wrapped || wrapped.isExternal()) {
      module.emitError() << "no @" << wrapperName
                         << ": the entry must be lowered with "
                            "llvm.emit_c_interface";
      return signalPassFailure();
    }
    LLVM::LLVMFunctionType wrappedType = wrapped.getFunctionType();
    unsigned numArgs = wrappedType.getNumParams();
    size_t abiLines = llvm::count(abiText.getValue(), '\n') - 1;
    auto ptrType = LLVM::LLVMPointerType::get(&getContext());
    bool allPointers = llvm::all_of(wrappedType.getParams(),
                                    [&](Type t) { return t == ptrType; });
    if (!isa<LLVM::LLVMVoidType>(wrappedType.getReturnType()) || !allPointers ||
        numArgs != abiLines) {
      wrapped.emitError() << "expected " << abiLines
                          << " descriptor pointers and no result (outputs as "
                             "out-parameters), got "
                          << wrappedType;
      return signalPassFailure();
    }

    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      if (func.isExternal())
        continue;
      func.setLinkage(LLVM::Linkage::Internal);
      // A loop nest resq-outline-loop-nests moved out stays out: LLVM would
      // inline a single-use internal function straight back.
      if (func->removeAttr("resq_outlined"))
        func.setNoInline(true);
    }

    OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
    Location loc = module.getLoc();
    emitAbiAccessor(builder, loc, abiText.getValue(), ptrType);
    emitEntry(builder, loc, wrapped, numArgs, ptrType);
    module->removeAttr(resq::abi::kModuleAttr);
  }

  void emitAbiAccessor(OpBuilder &builder, Location loc, StringRef text,
                       Type ptrType) {
    std::string bytes = text.str();
    bytes.push_back('\0');
    auto arrayType = LLVM::LLVMArrayType::get(
        IntegerType::get(&getContext(), 8), bytes.size());
    auto global = LLVM::GlobalOp::create(
        builder, loc, arrayType, /*isConstant=*/true, LLVM::Linkage::Internal,
        "resq_abi_text", builder.getStringAttr(bytes));
    auto accessor =
        LLVM::LLVMFuncOp::create(builder, loc, resq::abi::kAbiSymbol,
                                 LLVM::LLVMFunctionType::get(ptrType, {}));
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(accessor.addEntryBlock(builder));
    Value address = LLVM::AddressOfOp::create(builder, loc, global);
    LLVM::ReturnOp::create(builder, loc, address);
  }

  void emitEntry(OpBuilder &builder, Location loc, LLVM::LLVMFuncOp wrapped,
                 unsigned numArgs, Type ptrType) {
    auto entryFunc = LLVM::LLVMFuncOp::create(
        builder, loc, resq::abi::kEntrySymbol,
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(&getContext()),
                                    {ptrType}));
    OpBuilder::InsertionGuard guard(builder);
    Block *block = entryFunc.addEntryBlock(builder);
    builder.setInsertionPointToStart(block);
    Value argv = block->getArgument(0);
    SmallVector<Value> descriptors;
    for (unsigned i = 0; i < numArgs; ++i) {
      Value slot = LLVM::GEPOp::create(builder, loc, ptrType, ptrType, argv,
                                       ArrayRef<LLVM::GEPArg>{int32_t(i)});
      descriptors.push_back(LLVM::LoadOp::create(builder, loc, ptrType, slot));
    }
    LLVM::CallOp::create(builder, loc, wrapped, descriptors);
    LLVM::ReturnOp::create(builder, loc, ValueRange{});
  }
};

} // namespace
