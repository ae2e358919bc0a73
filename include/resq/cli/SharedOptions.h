//===- SharedOptions.h - options several resq tools declare -----*- C++ -*-===//
//
// Like MLIR's register*CLOptions(): each group of options is declared here
// once, registered by the tools that take it before they parse their
// command line, and read back through an apply function.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_CLI_SHAREDOPTIONS_H
#define RESQ_CLI_SHAREDOPTIONS_H

#include "resq/onnx/Import.h"

#include "llvm/Support/CommandLine.h"

#include <string>

namespace resq::cli {

/// The category of the shared options (shown by --help beside a tool's own).
llvm::cl::OptionCategory &sharedCategory();

/// --input-shape, --const-input, --inline-weights-below.
void registerImportOptions();
/// Applies them to `options`; false with `error` set at a malformed value.
bool applyImportOptions(OnnxImportOptions &options, std::string &error);

/// --tokenizer.
void registerTokenizerOption();
/// Its value (empty when not given or not registered).
std::string tokenizerPath();

/// After llvm::cl::HideUnrelatedOptions: shows MLIR's --mlir-* options in
/// --help, under their own heading.
void showMLIROptions();

} // namespace resq::cli

#endif // RESQ_CLI_SHAREDOPTIONS_H
