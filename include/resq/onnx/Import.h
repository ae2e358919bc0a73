//===- Import.h - ONNX models to resq's graph-level MLIR -------*- C++ -*-===//
//
// resq-import's library: reads an .onnx file (embedded or external data),
// infers every shape statically, and emits a func.func at the graph level
// (TOSA where TOSA 1.0 has the op, linalg/tensor/arith/math otherwise, resq
// structural ops for the opset-23 transformer ops). Weights go to a
// safetensors archive and are referenced with resq.param. Errors are MLIR
// diagnostics located at the ONNX node (NameLoc) they come from.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_ONNX_IMPORT_H
#define RESQ_ONNX_IMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace resq::params {
class ArchiveWriter;
} // namespace resq::params

namespace resq {

/// The ONNX versions the importer accepts.
constexpr int64_t kMinOnnxIrVersion = 3;
constexpr int64_t kMaxOnnxIrVersion = 14;
constexpr int64_t kMinOnnxOpset = 7;
constexpr int64_t kMaxOnnxOpset = 24;

/// The value of a graph input fixed at compile time (`--const-input`).
struct ConstInput {
  /// ONNX TensorProto.DataType of the bytes.
  int32_t onnxType = 0;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

struct OnnxImportOptions {
  /// Static shapes for graph inputs, overriding the model's dims
  /// (`--input-shape ids=1x64`).
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Constants with fewer elements than this stay inline in the IR; the
  /// others go to the archive.
  int64_t inlineWeightsBelow = 16;
  /// Graph inputs whose values are fixed at compile time: they become
  /// initializers, so shapes computed from them (Reshape's shape, Slice's
  /// starts, ...) are static. The compiled model no longer takes them.
  std::map<std::string, ConstInput> constInputs;
  /// Values of graph inputs the importer may fix at compile time, but only
  /// where it must: when a node needs the value of a tensor computed from
  /// graph inputs (a Reshape target, Slice starts, Trilu's k, ...), those
  /// inputs found here are fixed as by `constInputs` and the model is
  /// imported again. A JIT run specializes a model on the inputs it is run
  /// with this way.
  std::map<std::string, ConstInput> specializableInputs;
  /// If set, receives the names of the inputs fixed from
  /// `specializableInputs` (the compiled model no longer takes them).
  std::vector<std::string> *specializedInputs = nullptr;
  /// If set, receives every file the import read (the model and its
  /// external data), so that a tool can refuse outputs that would replace
  /// one of them.
  std::vector<std::string> *filesRead = nullptr;
  /// The archive's file name as recorded in the module's resq.params.
  std::string archiveName = "params.safetensors";
};

/// Imports the model at `path` into a new module in `context`, adding its
/// weights to `archive`. Returns null after reporting every problem found
/// through the context's diagnostic engine.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxModel(llvm::StringRef path, mlir::MLIRContext &context,
                const OnnxImportOptions &options,
                params::ArchiveWriter &archive);

/// Prints the model's op histogram, marking which ops and versions the
/// importer supports. Returns false (with `error` set) if the file does not
/// load.
bool printOnnxOpStats(llvm::StringRef path, llvm::raw_ostream &os,
                      std::string &error);

/// The names of the model's graph inputs that are not initializers, in
/// order. False (with `error` set) if the file does not load.
bool listOnnxGraphInputs(llvm::StringRef path, std::vector<std::string> &names,
                         std::string &error);

/// Registers the dialects the importer emits.
void registerOnnxImportDialects(mlir::DialectRegistry &registry);

} // namespace resq

#endif // RESQ_ONNX_IMPORT_H
