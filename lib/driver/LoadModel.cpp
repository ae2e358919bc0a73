//===- LoadModel.cpp - a model file into a module and its archive ---------===//
//
// An .onnx file is imported (its weights are written to the archive); an
// .mlir file is parsed, and the archive its resq.params names (relative to
// the .mlir file) is copied. Either way the module then names the new archive.
//
//===----------------------------------------------------------------------===//

#include "passes/common/ModuleParams.h"
#include "resq/cli/CommandLine.h"
#include "resq/driver/Load.h"
#include "resq/params/Archive.h"

#include "dialects/resq/ResqAttributes.h"
#include "dialects/resq/ResqDialect.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace llvm;

namespace {

LogicalResult writeEmptyArchive(StringRef path, Location loc) {
  resq::params::ArchiveWriter writer;
  std::string error;
  if (!writer.write(path.str(), error))
    return emitError(loc) << error;
  return success();
}

OwningOpRef<ModuleOp> loadMlir(StringRef inputPath, MLIRContext &context,
                               StringRef archivePath,
                               std::string *sourceArchive) {
  // A few inputs crash MLIR's parser instead of failing: refuse them first.
  if (auto crash = resq::cli::knownParserCrashInFile(inputPath)) {
    emitError(
        FileLineColLoc::get(&context, inputPath, crash->line, crash->column))
        << crash->message;
    return nullptr;
  }
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(inputPath, &context);
  if (!module)
    return nullptr;
  Location loc = module->getLoc();
  std::string error;
  std::string source = resq::ModuleParams::archivePathOf(*module, error);
  if (!error.empty()) {
    emitError(loc) << error;
    return nullptr;
  }
  if (sourceArchive)
    *sourceArchive = source;
  if (source.empty()) {
    if (failed(writeEmptyArchive(archivePath, loc)))
      return nullptr;
  } else {
    // The archive is checked by the runtime when it binds the weights; here
    // it only has to exist and be readable.
    if (!resq::params::Archive::open(source, error)) {
      emitError(loc) << "cannot read the module's parameter archive: " << error;
      return nullptr;
    }
    SmallString<256> a, b;
    bool same = !sys::fs::real_path(source, a) &&
                !sys::fs::real_path(archivePath, b) && a == b;
    if (!same)
      if (std::error_code ec = sys::fs::copy_file(source, archivePath)) {
        emitError(loc) << "cannot copy '" << source << "' to '" << archivePath
                       << "': " << ec.message();
        return nullptr;
      }
  }
  // A module without resq ops has not loaded the dialect yet.
  context.getOrLoadDialect<resq::ResqDialect>();
  (*module)->setAttr(
      resq::ResqDialect::getParamsAttrName(),
      resq::ParamArchiveAttr::get(&context, sys::path::filename(archivePath)));
  return module;
}

OwningOpRef<ModuleOp> loadOnnx(StringRef inputPath, MLIRContext &context,
                               const resq::OnnxImportOptions &import,
                               StringRef archivePath) {
  resq::OnnxImportOptions options = import;
  options.archiveName = sys::path::filename(archivePath).str();
  resq::params::ArchiveWriter archive;
  OwningOpRef<ModuleOp> module =
      resq::importOnnxModel(inputPath, context, options, archive);
  if (!module)
    return nullptr;
  std::string error;
  if (!archive.write(archivePath.str(), error)) {
    emitError(module->getLoc()) << error;
    return nullptr;
  }
  return module;
}

} // namespace

OwningOpRef<ModuleOp> resq::driver::loadModel(StringRef inputPath,
                                              MLIRContext &context,
                                              const OnnxImportOptions &import,
                                              StringRef archivePath,
                                              std::string *sourceArchive) {
  if (sourceArchive)
    sourceArchive->clear();
  if (sys::path::extension(inputPath) == ".onnx")
    return loadOnnx(inputPath, context, import, archivePath);
  return loadMlir(inputPath, context, archivePath, sourceArchive);
}
