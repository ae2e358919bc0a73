//===- Compile.h - resq-compile's flow --------------------------*- C++ -*-===//
//
// Compiles a model (.onnx, or .mlir at the graph or resq level) ahead of
// time: load (import), the quantization stages (prepare, calibrate,
// --resq-quantize-pipeline), the target's stages (for cim: record the
// layers' calibration inputs, --resq-lower-to-cim), --resq-lower-to-cpu,
// LLVM IR, an object file and a shared library that links only
// libresq_runtime.so. The output folder then holds model.so,
// model.safetensors and a copy of libresq_runtime.so, which resq-run and
// the C API of resq/Runtime.h load (`resq_model_load_dir`).
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_DRIVER_COMPILE_H
#define RESQ_DRIVER_COMPILE_H

#include "passes/cim/Passes.h"
#include "resq/driver/Load.h"
#include "resq/driver/Pipelines.h"
#include "resq/onnx/Import.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace resq::driver {

/// Where compilation stops: --emit=mlir|llvm|obj|lib.
enum class EmitKind { Mlir, Llvm, Obj, Lib };

/// Calibration of a transformer on token data.
struct CalibrationOptions {
  /// Token ids (.npy/.pb) or text (with `tokenizer`); empty: none.
  std::string data;
  std::string tokenizer;
  /// Stop after this many tokens (0: all the data).
  int64_t tokens = 0;
  /// Window length; must be the compiled sequence length (0: that length).
  int64_t sequence = 0;
  std::optional<int64_t> bosId;
  /// Reuse statistics from, and store them in, this folder (empty: off).
  std::string cacheDir;
};

/// The crossbar target (Target::Cim).
struct CimOptions {
  /// Options of --resq-lower-to-cim (the flow sets `calibration`, on its
  /// own copy, when `calibrationData` is given).
  ResqLowerToCimOptions pass;
  /// Network inputs (.npy/.pb, [N, features...]) to calibrate on; empty:
  /// none.
  std::string calibrationData;
  /// Calibration rows used (the first ones of the file).
  int64_t calibrationRows = 256;
};

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
  /// Check indices and integer divisors from the inputs in the compiled
  /// code (--resq-insert-runtime-checks).
  bool runtimeChecks = true;
  /// Print each stage and its time to errs().
  bool verbose = false;
  /// Print the resq-opt command of each stage to outs().
  bool dumpPassPipeline = false;

  /// Raise and prepare the model even for scheme=fp32.
  bool prepare = false;
  CalibrationOptions calibration;
  /// The scheme (`stats`, `gptqStats` and `rotated` are set by the flow on
  /// its own copy, from the calibration it runs).
  QuantizePipelineOptions quantize;
  Target target = Target::Cpu;
  CimOptions cim;
};

/// The first combination of options the flow cannot compile, as a message
/// ("-O9 is not one of -O0..-O3"); empty when there is none.
std::string checkCompileOptions(const CompileOptions &options);

/// The whole flow, up to options.emit. Errors are reported through the
/// context's diagnostic handler.
mlir::LogicalResult compileModel(llvm::StringRef inputPath,
                                 mlir::MLIRContext &context,
                                 const CompileOptions &options);

} // namespace resq::driver

#endif // RESQ_DRIVER_COMPILE_H
