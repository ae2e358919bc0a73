//===- CommandLine.cpp - helpers the resq tools share ---------------------===//

#include "resq/cli/CommandLine.h"

#include "resq/tensorio/TensorFile.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

bool resq::driver::parseInputShape(StringRef text, std::string &name,
                                   std::vector<int64_t> &shape,
                                   std::string &error) {
  auto [namePart, dims] = text.rsplit('=');
  if (namePart.empty() || dims.empty() || !text.contains('=')) {
    error = "--input-shape '" + text.str() + "' is not of the form name=DxD...";
    return false;
  }
  shape.clear();
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim <= 0) {
      error = "--input-shape '" + text.str() + "' has dim '" + part.str() +
              "', expected a positive integer";
      return false;
    }
    shape.push_back(dim);
  }
  name = namePart.str();
  return true;
}

bool resq::driver::parseConstInput(StringRef text, OnnxImportOptions &options,
                                   std::string &error) {
  auto [name, path] = text.split('=');
  if (name.empty() || path.empty()) {
    error = "--const-input '" + text.str() + "' is not of the form name=FILE";
    return false;
  }
  tensorio::Tensor tensor;
  if (!tensorio::readTensorFile(path.str(), tensor, error))
    return false;
  options.constInputs[name.str()] = toConstInput(std::move(tensor));
  return true;
}

resq::ConstInput resq::driver::toConstInput(tensorio::Tensor tensor) {
  ConstInput value;
  value.onnxType = tensorio::onnxDataType(tensor.dtype);
  value.shape = std::move(tensor.shape);
  value.bytes = std::move(tensor.bytes);
  return value;
}

bool resq::driver::applyImportFlags(const std::vector<std::string> &inputShapes,
                                    const std::vector<std::string> &constInputs,
                                    OnnxImportOptions &options,
                                    std::string &error) {
  for (const std::string &text : inputShapes) {
    std::string name;
    std::vector<int64_t> shape;
    if (!parseInputShape(text, name, shape, error))
      return false;
    options.inputShapes[name] = shape;
  }
  for (const std::string &text : constInputs)
    if (!parseConstInput(text, options, error))
      return false;
  return true;
}

std::string resq::driver::plainLocation(mlir::Location loc) {
  if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(loc))
    return (file.getFilename().getValue() + ":" + Twine(file.getLine()) + ":" +
            Twine(file.getColumn()))
        .str();
  if (auto name = mlir::dyn_cast<mlir::NameLoc>(loc))
    return plainLocation(name.getChildLoc());
  if (auto call = mlir::dyn_cast<mlir::CallSiteLoc>(loc))
    return plainLocation(call.getCallee());
  if (auto fused = mlir::dyn_cast<mlir::FusedLoc>(loc))
    for (mlir::Location part : fused.getLocations())
      if (std::string text = plainLocation(part); !text.empty())
        return text;
  return "";
}

std::string resq::driver::locatedMessage(mlir::Location loc,
                                         StringRef message) {
  std::string where = plainLocation(loc);
  return where.empty() ? message.str() : where + ": " + message.str();
}

mlir::LogicalResult
resq::driver::printPlainDiagnostic(mlir::Diagnostic &diagnostic) {
  auto print = [](mlir::Diagnostic &diag, StringRef kind) {
    errs() << locatedMessage(diag.getLocation(),
                             (kind + ": " + diag.str()).str())
           << "\n";
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

bool resq::cli::isReplaceableOutput(const std::string &path,
                                    const std::vector<std::string> &inputs,
                                    std::string &why) {
  if (path == "-")
    return true;
  sys::fs::file_status status;
  if (sys::fs::status(path, status, /*Follow=*/false))
    return true; // Nothing there yet.
  for (const std::string &input : inputs)
    if (sys::fs::equivalent(path, input)) {
      why = "is the input '" + input + "': refusing to replace it";
      return false;
    }
  if (status.type() != sys::fs::file_type::regular_file) {
    why = "is not a regular file: refusing to replace it";
    return false;
  }
  return true;
}

static void reportFatalError(void *tool, const char *reason, bool) {
  StringRef text(reason);
  // raw_fd_ostream reports a write that failed (ENOSPC, EIO) when it is
  // destroyed; the file it wrote is incomplete.
  if (text.consume_front("IO failure on output stream: "))
    errs() << static_cast<const char *>(tool)
           << ": error: cannot write the output: " << text << "\n";
  else
    errs() << static_cast<const char *>(tool) << ": error: " << text << "\n";
}

void resq::cli::installFatalErrorHandler(const char *tool) {
  llvm::install_fatal_error_handler(reportFatalError, const_cast<char *>(tool));
}

bool resq::cli::flushOutput(raw_fd_ostream &os, StringRef name,
                            std::string &error) {
  os.flush();
  if (!os.has_error())
    return true;
  error = "cannot write " + name.str() + ": " + os.error().message();
  os.clear_error();
  return false;
}

bool resq::cli::keepOutput(llvm::ToolOutputFile &file, std::string &error) {
  const std::string &name = file.outputFilename();
  if (!flushOutput(file.os(),
                   name == "-" ? "the standard output" : "'" + name + "'",
                   error))
    return false;
  file.keep();
  return true;
}

std::optional<resq::cli::ParserCrash>
resq::cli::knownParserCrash(StringRef text) {
  for (size_t at = text.find("array<"); at != StringRef::npos;
       at = text.find("array<", at + 1)) {
    StringRef rest = text.drop_front(at + 6).ltrim(" \t\r\n");
    if (!rest.consume_front("index"))
      continue;
    rest = rest.ltrim(" \t\r\n");
    if (!rest.starts_with(":") && !rest.starts_with(">"))
      continue;
    StringRef before = text.take_front(at);
    size_t lineStart = before.rfind('\n');
    ParserCrash crash;
    crash.line = before.count('\n') + 1;
    crash.column = at - (lineStart == StringRef::npos ? 0 : lineStart + 1) + 1;
    crash.message = "a dense array of 'index' ('array<index: ...>') is not "
                    "valid (dense arrays hold integers of a width or floats); "
                    "MLIR 22's parser would crash on it";
    return crash;
  }
  return std::nullopt;
}

std::optional<resq::cli::ParserCrash>
resq::cli::knownParserCrashInFile(StringRef path) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return std::nullopt;
  return knownParserCrash((*buffer)->getBuffer());
}
