//===- resq-import.cpp - ONNX model to graph-level MLIR -------------------===//
//
// resq-import model.onnx -o model.mlir   (weights: model.safetensors)
//
//===----------------------------------------------------------------------===//

#include "resq/onnx/Import.h"
#include "resq/params/Archive.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

static cl::OptionCategory category("resq-import options");

static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx>"),
                                      cl::cat(category));
static cl::opt<std::string>
    outputFile("o", cl::init("-"), cl::value_desc("file"),
               cl::desc("Output .mlir file (default: standard output)"),
               cl::cat(category));
static cl::opt<std::string> paramsFile(
    "params", cl::value_desc("file"),
    cl::desc("Parameter archive to write (default: the output file with "
             "extension .safetensors, or <model>.safetensors in the current "
             "folder when writing to standard output)"),
    cl::cat(category));
static cl::list<std::string> inputShapes(
    "input-shape", cl::value_desc("name=DxD..."),
    cl::desc("Static shape of a graph input, overriding the model's dims "
             "(repeatable), e.g. --input-shape input_ids=1x128"),
    cl::cat(category));
static cl::opt<int64_t> inlineWeightsBelow(
    "inline-weights-below", cl::init(16), cl::value_desc("N"),
    cl::desc("Keep constants with fewer than N elements inline in the IR; "
             "larger ones go to the parameter archive (default 16)"),
    cl::cat(category));
static cl::opt<bool>
    opStats("op-stats",
            cl::desc("Print the model's op histogram with the ops resq "
                     "supports, then exit"),
            cl::cat(category));

/// Parses "name=1x128"; reports a malformed value and returns false.
static bool parseInputShape(StringRef text, resq::OnnxImportOptions &options) {
  auto [name, dims] = text.rsplit('=');
  if (name.empty() || dims.empty() || !text.contains('=')) {
    errs() << "resq-import: --input-shape '" << text
           << "' is not of the form name=DxD...\n";
    return false;
  }
  std::vector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0) {
      errs() << "resq-import: --input-shape '" << text << "' has dim '" << part
             << "', expected a non-negative integer\n";
      return false;
    }
    shape.push_back(dim);
  }
  options.inputShapes[name.str()] = shape;
  return true;
}

static std::string defaultParamsPath() {
  SmallString<256> path;
  if (outputFile == "-") {
    path = sys::path::filename(inputFile);
  } else {
    path = outputFile;
  }
  sys::path::replace_extension(path, "safetensors");
  return path.str().str();
}

/// The archive's name as the module records it: relative to the output's
/// folder when it lies there.
static std::string archiveNameFor(StringRef params) {
  SmallString<256> outputDir(outputFile == "-" ? "." : outputFile.getValue());
  if (outputFile != "-")
    sys::path::remove_filename(outputDir);
  SmallString<256> paramsDir(params);
  sys::path::remove_filename(paramsDir);
  if (outputDir.empty())
    outputDir = ".";
  if (paramsDir.empty())
    paramsDir = ".";
  SmallString<256> a, b;
  sys::fs::real_path(outputDir, a);
  sys::fs::real_path(paramsDir, b);
  if (a == b)
    return sys::path::filename(params).str();
  SmallString<256> absolute(params);
  sys::fs::make_absolute(absolute);
  return absolute.str().str();
}

static void printLocation(mlir::Location loc) {
  if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(loc)) {
    errs() << file.getFilename().getValue() << ":" << file.getLine() << ":"
           << file.getColumn();
    return;
  }
  if (auto name = mlir::dyn_cast<mlir::NameLoc>(loc)) {
    printLocation(name.getChildLoc());
    return;
  }
  errs() << loc;
}

static mlir::LogicalResult printDiagnostic(mlir::Diagnostic &diagnostic) {
  auto print = [](mlir::Diagnostic &diag, StringRef kind) {
    printLocation(diag.getLocation());
    errs() << ": " << kind << ": " << diag.str() << "\n";
  };
  StringRef kind =
      diagnostic.getSeverity() == mlir::DiagnosticSeverity::Error ? "error"
      : diagnostic.getSeverity() == mlir::DiagnosticSeverity::Warning
          ? "warning"
          : "note";
  print(diagnostic, kind);
  for (mlir::Diagnostic &note : diagnostic.getNotes())
    print(note, "note");
  return mlir::success();
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "resq-import: ONNX model -> resq graph-level MLIR and a safetensors "
      "parameter archive\n");

  if (opStats) {
    std::string error;
    if (!resq::printOnnxOpStats(inputFile, outs(), error)) {
      errs() << "resq-import: " << error << "\n";
      return 1;
    }
    return 0;
  }

  resq::OnnxImportOptions options;
  options.inlineWeightsBelow = inlineWeightsBelow;
  for (const std::string &shape : inputShapes)
    if (!parseInputShape(shape, options))
      return 1;
  std::string params = paramsFile.empty() ? defaultParamsPath() : paramsFile;
  options.archiveName = archiveNameFor(params);

  mlir::MLIRContext context;
  // "model.onnx:LINE:1: error: ..." where LINE is the node's position; no
  // source snippet, since the model file is binary.
  mlir::ScopedDiagnosticHandler diagnostics(&context, printDiagnostic);
  resq::params::ArchiveWriter archive;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      resq::importOnnxModel(inputFile, context, options, archive);
  if (!module)
    return 1;

  std::string error;
  auto output = mlir::openOutputFile(outputFile, &error);
  if (!output) {
    errs() << "resq-import: " << error << "\n";
    return 1;
  }
  if (!archive.write(params, error)) {
    errs() << "resq-import: " << error << "\n";
    return 1;
  }
  module->print(output->os());
  output->os() << "\n";
  output->keep();
  return 0;
}
