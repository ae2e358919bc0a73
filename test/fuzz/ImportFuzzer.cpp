//===- ImportFuzzer.cpp - libFuzzer target for resq-import ----------------===//
//
// Feeds arbitrary bytes to the ONNX importer as a model file. Any crash,
// sanitizer report or leak is a bug: bad input must end in a diagnostic.
// Build and run: see docs/importer.md ("Fuzzing").
//
//===----------------------------------------------------------------------===//

#include "resq/onnx/Import.h"
#include "resq/params/Archive.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The importer reads files (and external data beside them): give it one.
  static const std::string path =
      "/tmp/resq-import-fuzz-" + std::to_string(::getpid()) + ".onnx";
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file)
    return 0;
  std::fwrite(data, 1, size, file);
  std::fclose(file);

  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  resq::params::ArchiveWriter archive;
  resq::OnnxImportOptions options;
  (void)resq::importOnnxModel(path, context, options, archive);
  return 0;
}
