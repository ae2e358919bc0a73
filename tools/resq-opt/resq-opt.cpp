//===- resq-opt.cpp - run resq and upstream passes on .mlir text ----------===//

#include "resq/InitAll.h"
#include "resq/cli/CommandLine.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/raw_ostream.h"

/// The input file of a resq-opt command line: the first argument that is
/// not an option nor the value of -o; "" for standard input.
static std::string inputFileOf(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if (arg == "-o") {
      ++i;
      continue;
    }
    if (!arg.starts_with("-"))
      return arg.str();
  }
  return "";
}

int main(int argc, char **argv) {
  resq::cli::installFatalErrorHandler("resq-opt");
  // A few inputs crash MLIR's parser instead of failing: refuse them first.
  std::string input = inputFileOf(argc, argv);
  if (auto crash = resq::cli::knownParserCrashInFile(input)) {
    llvm::errs() << input << ":" << crash->line << ":" << crash->column
                 << ": error: " << crash->message << "\n";
    return 1;
  }
  mlir::DialectRegistry registry;
  resq::registerAllDialects(registry);
  resq::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "resq optimizer: resq and upstream MLIR passes\n", registry));
}
