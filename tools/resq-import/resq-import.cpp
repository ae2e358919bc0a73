//===- resq-import.cpp - ONNX model to graph-level MLIR -------------------===//
//
// resq-import model.onnx -o model.mlir   (weights: model.safetensors)
//
//===----------------------------------------------------------------------===//

#include "resq/cli/CommandLine.h"
#include "resq/cli/SharedOptions.h"
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
static cl::opt<bool>
    opStats("op-stats",
            cl::desc("Print the model's op histogram with the ops resq "
                     "supports, then exit"),
            cl::cat(category));

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

/// The archive's name as the module records it: its path relative to the
/// output's folder, which must hold it (a module read from a file names its
/// archive relative to itself); "" when it lies elsewhere.
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
  if (sys::fs::real_path(outputDir, a) || sys::fs::real_path(paramsDir, b))
    return "";
  std::string name = sys::path::filename(params).str();
  if (a == b)
    return name;
  StringRef below(b);
  if (!below.consume_front(a) || !below.consume_front("/"))
    return "";
  return below.str() + "/" + name;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  resq::cli::installFatalErrorHandler("resq-import");
  resq::cli::registerImportOptions();
  cl::HideUnrelatedOptions({&category, &resq::cli::sharedCategory()});
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
  std::string shapeError;
  if (!resq::cli::applyImportOptions(options, shapeError)) {
    errs() << "resq-import: " << shapeError << "\n";
    return 1;
  }
  std::string params = paramsFile.empty() ? defaultParamsPath() : paramsFile;
  options.archiveName = archiveNameFor(params);
  if (options.archiveName.empty()) {
    errs() << "resq-import: --params '" << params
           << "' is not in the folder of -o (or below it): the module names "
              "its archive relative to its own folder\n";
    return 1;
  }
  std::vector<std::string> filesRead;
  options.filesRead = &filesRead;

  mlir::MLIRContext context;
  // "model.onnx:LINE:1: error: ..." where LINE is the node's position; no
  // source snippet, since the model file is binary.
  mlir::ScopedDiagnosticHandler diagnostics(&context,
                                            resq::driver::printPlainDiagnostic);
  resq::params::ArchiveWriter archive;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      resq::importOnnxModel(inputFile, context, options, archive);
  if (!module)
    return 1;

  for (auto [flag, path] : {std::pair<StringRef, std::string>("-o", outputFile),
                            {"--params", params}}) {
    std::string why;
    if (!resq::cli::isReplaceableOutput(path, filesRead, why)) {
      errs() << "resq-import: " << flag << " '" << path << "' " << why << "\n";
      return 1;
    }
  }
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
  if (!resq::cli::keepOutput(*output, error)) {
    errs() << "resq-import: " << error << "\n";
    return 1;
  }
  return 0;
}
