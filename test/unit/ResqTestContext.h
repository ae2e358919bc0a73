//===- ResqTestContext.h - an MLIRContext with resq loaded ------*- C++ -*-===//

#ifndef RESQ_TEST_UNIT_RESQTESTCONTEXT_H
#define RESQ_TEST_UNIT_RESQTESTCONTEXT_H

#include "dialects/resq/ResqOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <string>

namespace resq::testing {

/// A context with the resq, arith and func dialects and a module to build in;
/// collects the diagnostics that verification emits.
class ResqTest : public ::testing::Test {
protected:
  ResqTest()
      : builder(&context), loc(builder.getUnknownLoc()),
        handler(&context, [this](mlir::Diagnostic &diag) {
          diagnostics += diag.str();
          diagnostics += "\n";
        }) {
    context.loadDialect<ResqDialect, mlir::arith::ArithDialect,
                        mlir::func::FuncDialect>();
    module = mlir::ModuleOp::create(loc);
    builder.setInsertionPointToEnd(module->getBody());
  }

  mlir::RankedTensorType tensor(llvm::ArrayRef<int64_t> shape) {
    return mlir::RankedTensorType::get(shape, builder.getF32Type());
  }

  /// Starts a function with arguments of the given types and returns them;
  /// ops built next go into its body.
  mlir::Block::BlockArgListType arguments(llvm::ArrayRef<mlir::Type> types) {
    auto func = mlir::func::FuncOp::create(builder, loc,
                                           "test" + std::to_string(counter++),
                                           builder.getFunctionType(types, {}));
    mlir::Block *body = func.addEntryBlock();
    builder.setInsertionPointToStart(body);
    return body->getArguments();
  }

  mlir::MLIRContext context;
  mlir::OpBuilder builder;
  mlir::Location loc;
  mlir::ScopedDiagnosticHandler handler;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::string diagnostics;
  int counter = 0;
};

} // namespace resq::testing

#endif // RESQ_TEST_UNIT_RESQTESTCONTEXT_H
