//===- resq-opt.cpp - run resq and upstream passes on .mlir text ----------===//

#include "resq/InitAll.h"
#include "resq/cli/CommandLine.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  resq::cli::installFatalErrorHandler("resq-opt");
  mlir::DialectRegistry registry;
  resq::registerAllDialects(registry);
  resq::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "resq optimizer: resq and upstream MLIR passes\n", registry));
}
