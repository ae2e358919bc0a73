//===- SimplifyBench.cpp - compile-time cost of --resq-simplify -----------===//
//
// Measures --resq-simplify on decoder-shaped IR with N layers: each layer has
// a cancelling Hadamard pair, a non-cancelling online rotation, a
// mixed-precision quantizer, a single-range quantizer to canonicalize and a
// constant silu to fold. Reports ops rewritten per second, so that the cost
// of canonicalization stays linear in model depth.
//
//===----------------------------------------------------------------------===//

#include "dialects/resq/ResqDialect.h"
#include "passes/simplify/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <benchmark/benchmark.h>

#include <sstream>
#include <string>

namespace {

/// The IR text of `layers` decoder-shaped blocks in one function.
std::string makeLayers(int layers) {
  std::ostringstream ir;
  ir << "func.func @model(%x0: tensor<8x64xf32>) -> tensor<8x64xf32> {\n";
  for (int l = 0; l < layers; ++l) {
    const std::string in = "%x" + std::to_string(l);
    const std::string p = "%l" + std::to_string(l) + "_";
    ir << "  " << p << "a = resq.rotate " << in
       << " hadamard seed 11 fused : tensor<8x64xf32>\n"
       << "  " << p << "b = resq.rotate " << p
       << "a hadamard seed 11 fused inverse : tensor<8x64xf32>\n"
       << "  " << p << "c = resq.subspace_quant " << p
       << "b [56 : i4, 8 : i8] : tensor<8x64xf32>\n"
       << "  " << p << "d = resq.rotate " << p
       << "c hadamard seed 12 online : tensor<8x64xf32>\n"
       << "  " << p << "e = resq.subspace_quant " << p
       << "d [64 : i4] : tensor<8x64xf32>\n"
       << "  " << p << "k = arith.constant dense<0.5> : tensor<8x64xf32>\n"
       << "  " << p << "s = resq.silu " << p << "k : tensor<8x64xf32>\n"
       << "  %x" << l + 1 << " = arith.addf " << p << "e, " << p
       << "s : tensor<8x64xf32>\n";
  }
  ir << "  return %x" << layers << " : tensor<8x64xf32>\n}\n";
  return ir.str();
}

void BM_ResqSimplify(benchmark::State &state) {
  const int layers = static_cast<int>(state.range(0));
  const std::string source = makeLayers(layers);
  mlir::MLIRContext context;
  context.loadDialect<resq::ResqDialect, mlir::arith::ArithDialect,
                      mlir::func::FuncDialect>();
  for (auto _ : state) {
    state.PauseTiming();
    auto module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
    mlir::PassManager pm(&context);
    pm.addPass(resq::createResqSimplify());
    state.ResumeTiming();
    if (!module || mlir::failed(pm.run(*module)))
      state.SkipWithError("parsing or --resq-simplify failed");
  }
  // Per layer: 2 rotations cancel, 1 quantizer is rewritten, 1 silu folds.
  state.counters["rewrites/s"] = benchmark::Counter(
      4.0 * layers, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ResqSimplify)
    ->RangeMultiplier(4)
    ->Range(16, 1024)
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
