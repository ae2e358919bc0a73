//===- RuntimeCalls.h - declaring libresq_runtime entry points --*- C++ -*-===//
//
// Passes that hand work to libresq_runtime.so (GEMMs, the crossbar
// simulator) call private external functions with the C interface; lowered
// code then calls the runtime's `_mlir_ciface_<name>`.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_LOWER_RUNTIMECALLS_H
#define RESQ_PASSES_LOWER_RUNTIMECALLS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace resq {

/// The private `name(operands) -> ()` with llvm.emit_c_interface, declared
/// once at the top of `module`.
mlir::func::FuncOp declareRuntimeFunction(mlir::ModuleOp module,
                                          llvm::StringRef name,
                                          mlir::TypeRange operands);

} // namespace resq

#endif // RESQ_PASSES_LOWER_RUNTIMECALLS_H
