//===- CommandLine.h - helpers the resq tools share ------------*- C++ -*-===//

#ifndef RESQ_CLI_COMMANDLINE_H
#define RESQ_CLI_COMMANDLINE_H

#include "resq/onnx/Import.h"
#include "resq/tensorio/TensorFile.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace resq::driver {

/// Parses "name=1x128" (an --input-shape value). On a malformed value returns
/// false and sets `error`.
bool parseInputShape(llvm::StringRef text, std::string &name,
                     std::vector<int64_t> &shape, std::string &error);

/// Parses "name=file" (a --const-input value: a .npy or TensorProto .pb
/// file) into `options.constInputs`. False with `error` set on failure.
bool parseConstInput(llvm::StringRef text, OnnxImportOptions &options,
                     std::string &error);

/// A tensor read from a file as the value of a graph input.
ConstInput toConstInput(tensorio::Tensor tensor);

/// Applies every --input-shape and --const-input value to `options`. False
/// with `error` set at the first malformed one.
bool applyImportFlags(const std::vector<std::string> &inputShapes,
                      const std::vector<std::string> &constInputs,
                      OnnxImportOptions &options, std::string &error);

/// The `file:line:col` a location points to, looking through names, call
/// sites and fused locations; "" when it has none (an unknown location).
/// Users never see MLIR's `loc(...)` syntax.
std::string plainLocation(mlir::Location loc);

/// `message` prefixed by plainLocation(`loc`) and ": " when there is one.
std::string locatedMessage(mlir::Location loc, llvm::StringRef message);

/// Prints a diagnostic as `file:line:col: error: message` (or `error:
/// message` without a location) with no source snippet (ONNX models are
/// binary).
mlir::LogicalResult printPlainDiagnostic(mlir::Diagnostic &diagnostic);

} // namespace resq::driver

namespace llvm {
class ToolOutputFile;
class raw_fd_ostream;
} // namespace llvm

namespace resq::cli {

/// Whether a tool may write `path` ("-": standard output): not one of the
/// `inputs` it read (the same file, through any link), and not something
/// other than a regular file (a link, a device, a folder). False with `why`
/// set ("is the input '...'", "is not a regular file").
bool isReplaceableOutput(const std::string &path,
                         const std::vector<std::string> &inputs,
                         std::string &why);

/// Flushes `file` and keeps it if every write succeeded; otherwise (a full
/// disk) sets `error` ("cannot write 'PATH': reason"), clears the stream's
/// error so that closing it is not fatal, and lets the incomplete file be
/// removed.
bool keepOutput(llvm::ToolOutputFile &file, std::string &error);

/// Flushes `os`, which writes `name`; false with `error` set ("cannot write
/// NAME: reason") when a write failed, the stream's error then cleared so
/// that closing it is not fatal. keepOutput and the writers of object files
/// and reports share it.
bool flushOutput(llvm::raw_fd_ostream &os, llvm::StringRef name,
                 std::string &error);

/// A place in MLIR text that MLIR 22's parser crashes on instead of
/// reporting it (found by test/fuzz/mutate_mlir.py): a dense array of
/// `index` (`array<index: 1, 2>`), which is never valid. Tools check the
/// text before they parse it.
struct ParserCrash {
  unsigned line = 0, column = 0;
  std::string message;
};
std::optional<ParserCrash> knownParserCrash(llvm::StringRef text);
/// knownParserCrash of the file at `path`; nullopt when it has none or
/// cannot be read (the parser then reports that).
std::optional<ParserCrash> knownParserCrashInFile(llvm::StringRef path);

/// Makes LLVM's fatal errors that are not bugs one line `TOOL: error: ...`
/// and exit status 1: chiefly a failed write (a full disk) that an output
/// stream reports when it is closed, which LLVM prints as "LLVM ERROR: IO
/// failure on output stream". Call first in main().
void installFatalErrorHandler(const char *tool);

} // namespace resq::cli

#endif // RESQ_CLI_COMMANDLINE_H
