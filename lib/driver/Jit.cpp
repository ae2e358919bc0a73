//===- Jit.cpp - compile a model in-process with MLIR's ExecutionEngine ---===//

#include "resq/driver/Jit.h"

#include "resq/driver/Load.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>

using namespace mlir;

resq::driver::JitModel::~JitModel() { resq_model_free(handle); }

std::unique_ptr<resq::driver::JitModel>
resq::driver::JitModel::compile(ModuleOp module, llvm::StringRef entry,
                                unsigned optLevel) {
  if (failed(lowerToLLVMDialect(module, entry)))
    return nullptr;
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  // ExecutionEngineOptions holds a function_ref: keep the transformer alive.
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizingTransformer(optLevel, 0, nullptr);
  ExecutionEngineOptions options;
  options.transformer = optimize;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  // The perf listener writes a jit-PID.dump file under /tmp/.debug for every
  // compiled model, which nothing removes; only profiling wants it.
  options.enablePerfNotificationListener =
      std::getenv("RESQ_JIT_PERF") != nullptr;
  // memrefCopy and the microkernels resolve against this process, which
  // links libresq_runtime.so.
  auto engine = ExecutionEngine::create(module, options);
  if (!engine) {
    module.emitError() << "JIT compilation failed: "
                       << llvm::toString(engine.takeError());
    return nullptr;
  }
  auto entrySymbol = (*engine)->lookup("resq_entry");
  auto abiSymbol = (*engine)->lookup("resq_abi");
  // Looking a symbol up materializes the code, so this is where unresolved
  // external symbols are reported.
  for (auto *symbol : {&entrySymbol, &abiSymbol})
    if (!*symbol) {
      module.emitError() << "JIT compilation failed: "
                         << llvm::toString(symbol->takeError());
      if (symbol == &entrySymbol && !abiSymbol)
        llvm::consumeError(abiSymbol.takeError());
      return nullptr;
    }
  auto abi = reinterpret_cast<const char *(*)()>(*abiSymbol);
  std::unique_ptr<JitModel> jit(new JitModel);
  jit->engine = std::move(*engine);
  if (resq_model_from_entry(reinterpret_cast<void (*)(void **)>(*entrySymbol),
                            abi(), &jit->handle) != RESQ_OK) {
    module.emitError() << resq_last_error();
    return nullptr;
  }
  return jit;
}
