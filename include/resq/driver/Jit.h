//===- Jit.h - compile a model in-process with MLIR's ExecutionEngine -----===//
//
// The same pipeline as resq-compile, JIT-compiled instead of written to a
// shared library: calibration runs instrumented models this way. The result
// is an ordinary resq_model (resq/Runtime.h), so callers run it exactly as
// they run a compiled library.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_DRIVER_JIT_H
#define RESQ_DRIVER_JIT_H

#include "resq/Runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace resq::driver {

/// A JIT-compiled model: owns the generated code and the resq_model over it.
class JitModel {
public:
  /// Lowers `module` (graph or resq level; the context must have the
  /// driver's dialects and translations) and JIT-compiles it. Parameters are
  /// not bound. Errors go to the context's diagnostic handler.
  static std::unique_ptr<JitModel>
  compile(mlir::ModuleOp module, llvm::StringRef entry, unsigned optLevel = 2);
  ~JitModel();
  JitModel(const JitModel &) = delete;
  JitModel &operator=(const JitModel &) = delete;

  resq_model *model() const { return handle; }

private:
  JitModel() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  resq_model *handle = nullptr;
};

} // namespace resq::driver

#endif // RESQ_DRIVER_JIT_H
