//===- Load.h - load a model, lower it, register the driver's dialects ----===//
//
// The parts of the compile flow that every tool shares: loading a model
// file into a module and its weight archive, and lowering it to the LLVM
// dialect (for resq-compile's object code and for the JIT).
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_DRIVER_LOAD_H
#define RESQ_DRIVER_LOAD_H

#include "resq/onnx/Import.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/CommandLine.h"

#include <string>

namespace resq::driver {

/// What the linear layers run on: --target=cpu|cim.
enum class Target { Cpu, Cim };

/// The spellings of --target (resq-compile, resq-run).
inline llvm::cl::ValuesClass targetValues() {
  return llvm::cl::values(
      clEnumValN(Target::Cpu, "cpu", "the CPU"),
      clEnumValN(Target::Cim, "cim",
                 "the integer linear layers on crossbars run by the "
                 "simulator, the rest on the CPU"));
}

/// The fixed file names inside an output folder.
inline constexpr const char *kLibraryName = "model.so";
inline constexpr const char *kArchiveName = "model.safetensors";
inline constexpr const char *kRuntimeName = "libresq_runtime.so";

/// Loads `inputPath` (.onnx is imported; anything else is parsed as MLIR)
/// and writes its parameter archive to `archivePath`. The module's resq.params
/// then names that archive; `sourceArchive`, when given, receives the archive
/// an .mlir file named (empty otherwise). Errors go to the context's
/// diagnostic handler.
mlir::OwningOpRef<mlir::ModuleOp>
loadModel(llvm::StringRef inputPath, mlir::MLIRContext &context,
          const OnnxImportOptions &import, llvm::StringRef archivePath,
          std::string *sourceArchive = nullptr);

/// Runs --resq-lower-to-cpu{entry=... runtime-kernels=true} on `module`.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       llvm::StringRef entry);

/// Registers every dialect and translation the driver needs.
void registerDriverDialects(mlir::DialectRegistry &registry);

} // namespace resq::driver

#endif // RESQ_DRIVER_LOAD_H
