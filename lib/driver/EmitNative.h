//===- EmitNative.h - LLVM IR, object files, shared libraries ---*- C++ -*-===//

#ifndef RESQ_LIB_DRIVER_EMITNATIVE_H
#define RESQ_LIB_DRIVER_EMITNATIVE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace resq::driver {

/// A target machine for `cpu` ("host": this machine's CPU and features),
/// position-independent code. Null with `error` set on failure.
std::unique_ptr<llvm::TargetMachine>
createTargetMachine(llvm::StringRef cpu, unsigned optLevel, std::string &error);

/// Translates an LLVM-dialect module and optimizes it for `machine`.
std::unique_ptr<llvm::Module> translateAndOptimize(mlir::ModuleOp module,
                                                   llvm::LLVMContext &context,
                                                   llvm::TargetMachine &machine,
                                                   unsigned optLevel,
                                                   std::string &error);

/// Writes `module` as an object file.
bool writeObjectFile(llvm::Module &module, llvm::TargetMachine &machine,
                     llvm::StringRef path, std::string &error);

/// Links `object` into the shared library `output` against the runtime
/// library in the same folder, with RUNPATH $ORIGIN.
bool linkSharedLibrary(llvm::StringRef linker, llvm::StringRef object,
                       llvm::StringRef output, std::string &error);

} // namespace resq::driver

#endif // RESQ_LIB_DRIVER_EMITNATIVE_H
