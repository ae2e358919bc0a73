//===- Compile.h - resq-compile's pipeline ------------------------*- C++
//-*-===//
//
// Compiles a model (.onnx, or .mlir at the graph or resq level) ahead of time
// for the CPU: import, --resq-lower-to-cpu, LLVM IR, an object file and a
// shared library that links only libresq_runtime.so. The output folder then
// holds model.so, model.safetensors and a copy of libresq_runtime.so, which
// resq-run and the C API of resq/Runtime.h load (`resq_model_load_dir`).
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_DRIVER_COMPILE_H
#define RESQ_DRIVER_COMPILE_H

#include "resq/onnx/Import.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"

#include <functional>
#include <string>

namespace resq::driver {

/// Where compilation stops: --emit=mlir|llvm|obj|lib.
enum class EmitKind { Mlir, Llvm, Obj, Lib };

struct CompileOptions {
  std::string outputDir;
  EmitKind emit = EmitKind::Lib;
  /// The function compiled as the model's entry.
  std::string entry = "main";
  OnnxImportOptions import;
  /// "host" (this machine's CPU and features) or an LLVM CPU name.
  std::string targetCpu = "host";
  /// LLVM optimization level, 0-3.
  unsigned optLevel = 2;
  /// The compiler driver that links the shared library (default: the C
  /// compiler resq was built with).
  std::string linker;
  /// libresq_runtime.so to link and copy (default: ../lib beside the tool).
  std::string runtimeLibrary;
  /// Print each stage and its time to errs().
  bool verbose = false;
  /// Runs on the loaded module before it is lowered (preparation,
  /// calibration, quantization), given the archive it names.
  std::function<mlir::LogicalResult(mlir::ModuleOp, const std::string &)>
      beforeLowering;
};

/// The fixed file names inside an output folder.
inline constexpr const char *kLibraryName = "model.so";
inline constexpr const char *kArchiveName = "model.safetensors";
inline constexpr const char *kRuntimeName = "libresq_runtime.so";

/// Loads `inputPath` (.onnx is imported; anything else is parsed as MLIR)
/// and writes its parameter archive to `archivePath`. The module's resq.params
/// then names that archive. Errors go to the context's diagnostic handler.
mlir::OwningOpRef<mlir::ModuleOp> loadModel(llvm::StringRef inputPath,
                                            mlir::MLIRContext &context,
                                            const OnnxImportOptions &import,
                                            llvm::StringRef archivePath);

/// Runs the textual pass pipeline `pipeline` on `module`, naming its
/// archive `archivePath` by full path while the passes run (passes that read
/// or write weights find them through the module).
mlir::LogicalResult runWithArchive(mlir::ModuleOp module,
                                   const std::string &archivePath,
                                   llvm::StringRef pipeline);

/// Raises a loaded transformer and prepares it for rotation and
/// quantization: --resq-untie-embeddings, --resq-raise-transformer,
/// --resq-fold-norms. Fails (with a diagnostic naming the missing parts)
/// unless every layer was found. `archivePath` is the module's archive.
mlir::LogicalResult prepareTransformer(mlir::ModuleOp module,
                                       const std::string &archivePath);

/// Runs --resq-lower-to-cpu{entry=...} on `module`.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       llvm::StringRef entry);

/// The whole flow, up to options.emit. Errors are reported through the
/// context's diagnostic handler.
mlir::LogicalResult compileModel(llvm::StringRef inputPath,
                                 mlir::MLIRContext &context,
                                 const CompileOptions &options);

/// Registers every dialect and translation the driver needs.
void registerDriverDialects(mlir::DialectRegistry &registry);

} // namespace resq::driver

#endif // RESQ_DRIVER_COMPILE_H
