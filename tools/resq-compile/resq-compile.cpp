//===- resq-compile.cpp - compile a model ahead of time for the CPU -------===//
//
// resq-compile model.onnx -o out/     -> out/model.so, out/model.safetensors,
//                                        out/libresq_runtime.so
// resq-compile model.mlir -o out/ --emit=mlir|llvm|obj|lib
//
//===----------------------------------------------------------------------===//

#include "CimTarget.h"
#include "Scheme.h"

#include "resq/cli/CommandLine.h"
#include "resq/driver/Compile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using resq::driver::EmitKind;

static cl::OptionCategory category("resq-compile options");

static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx | model.mlir>"),
                                      cl::cat(category));
static cl::opt<std::string> outputDir("o", cl::Required,
                                      cl::desc("Output folder"),
                                      cl::value_desc("dir"), cl::cat(category));
static cl::opt<EmitKind> emit(
    "emit", cl::desc("Where to stop (default: lib)"), cl::init(EmitKind::Lib),
    cl::values(
        clEnumValN(EmitKind::Mlir, "mlir",
                   "model.mlir: the module lowered to the LLVM dialect"),
        clEnumValN(EmitKind::Llvm, "llvm", "model.ll: optimized LLVM IR"),
        clEnumValN(EmitKind::Obj, "obj", "model.o: an object file"),
        clEnumValN(EmitKind::Lib, "lib", "model.so beside libresq_runtime.so")),
    cl::cat(category));
static cl::list<std::string> constInputs(
    "const-input",
    cl::desc("Fix an ONNX graph input's value at compile time (repeatable): "
             "shapes computed from it become static and the compiled model "
             "no longer takes it"),
    cl::value_desc("name=file.npy|.pb"), cl::cat(category));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Static shape of an ONNX graph input (repeatable), e.g. "
             "--input-shape input_ids=1x128"),
    cl::value_desc("name=DxD..."), cl::cat(category));
static cl::opt<int64_t> inlineWeightsBelow(
    "inline-weights-below",
    cl::desc("ONNX constants with fewer elements stay in the IR (default 16)"),
    cl::init(16), cl::cat(category));
static cl::opt<std::string> entry("entry",
                                  cl::desc("Entry function (default: main)"),
                                  cl::init("main"), cl::cat(category));
static cl::opt<std::string>
    targetCpu("target-cpu",
              cl::desc("LLVM CPU name, or 'host' for this machine (default)"),
              cl::init("host"), cl::cat(category));
static cl::opt<unsigned>
    optLevel("O", cl::desc("LLVM optimization level 0-3 (default 2)"),
             cl::init(2), cl::Prefix, cl::cat(category));
static cl::opt<std::string>
    linker("linker",
           cl::desc("Compiler driver that links model.so (default: the C "
                    "compiler resq was built with)"),
           cl::cat(category));
static cl::opt<std::string> runtimeLibrary(
    "runtime-library",
    cl::desc("libresq_runtime.so to link (default: ../lib beside this tool)"),
    cl::cat(category));
static cl::opt<std::string> scheme(
    "scheme",
    cl::desc("fp32 (default), rtn, quarot (Hadamard rotations) or resq (PCA "
             "rotations, 8-bit high-variance subspace; needs --calibrate)"),
    cl::init("fp32"), cl::cat(category));
static cl::opt<bool> prepare(
    "prepare",
    cl::desc("Raise the transformer and fold its norms before compiling "
             "(implied by --calibrate and every scheme but fp32)"),
    cl::cat(category));
static cl::opt<std::string> calibrationData(
    "calibrate",
    cl::desc("Calibrate on these tokens: ids (.npy/.pb, [N] or [N, T]) or "
             "text with --tokenizer; writes <out>/calibration.safetensors "
             "(calibration-<scheme>.safetensors: the rotated model, for "
             "GPTQ)"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    tokenizerPath("tokenizer",
                  cl::desc("SentencePiece .model for text calibration data"),
                  cl::value_desc("file"), cl::cat(category));
static cl::opt<int64_t>
    calibrationTokens("calib-tokens",
                      cl::desc("Calibration tokens (default: all the data)"),
                      cl::init(0), cl::cat(category));
static cl::opt<int64_t> calibrationSequence(
    "calib-seq",
    cl::desc("Calibration window length: the compiled sequence length, "
             "which --input-shape sets (checked)"),
    cl::init(0), cl::cat(category));
static cl::opt<int64_t> bosId("bos-id",
                              cl::desc("Start every calibration window with "
                                       "this token"),
                              cl::init(-1), cl::cat(category));
static cl::opt<std::string> calibrationCache(
    "calibration-cache",
    cl::desc("Reuse calibration statistics stored in this folder when the "
             "model, its weights, the data and the options are the same; "
             "store new ones there"),
    cl::value_desc("dir"), cl::cat(category));
static cl::opt<int64_t> wBits("w-bits", cl::desc("Weight bits (default 4)"),
                              cl::init(4), cl::cat(category));
static cl::opt<int64_t>
    aBits("a-bits", cl::desc("Activation bits (default 4; 16: float)"),
          cl::init(4), cl::cat(category));
static cl::opt<int64_t> kvBits("kv-bits",
                               cl::desc("KV-cache bits (default 4; 16: float)"),
                               cl::init(4), cl::cat(category));
static cl::opt<int64_t>
    highBits("high-bits",
             cl::desc("Bits of ResQ's high-variance subspace (default 8)"),
             cl::init(8), cl::cat(category));
static cl::opt<std::string>
    weightQuantizer("weights",
                    cl::desc("Weight quantizer: rtn (default) or gptq"),
                    cl::init("rtn"), cl::cat(category));
static cl::opt<std::string> quantMode(
    "quant-mode",
    cl::desc("fake (quantize-dequantize in float, default) or int (integer "
             "GEMMs on packed weights; activations at most 8 bits)"),
    cl::init("fake"), cl::cat(category));
static cl::opt<bool> actOrder("act-order",
                              cl::desc("GPTQ in descending Hessian order"),
                              cl::cat(category));
static cl::opt<int64_t> groupSize(
    "group-size",
    cl::desc("Input rows per weight scale (default 0: per output channel)"),
    cl::init(0), cl::cat(category));
static cl::opt<int64_t> seed("seed", cl::desc("Seed of the random rotations"),
                             cl::init(0), cl::cat(category));
static cl::opt<std::string> target(
    "target",
    cl::desc("cpu (default), or cim: the integer linear layers on crossbars "
             "run by the simulator (needs --scheme rtn --quant-mode int)"),
    cl::init("cpu"), cl::cat(category));
static cl::opt<std::string> cimOptions(
    "cim",
    cl::desc("Options of --resq-lower-to-cim for --target cim, e.g. "
             "\"backend=adc-less sense=ternary\" (default: backend=adc)"),
    cl::value_desc("options"), cl::cat(category));
static cl::opt<std::string> cimCalibration(
    "cim-calibrate",
    cl::desc("Network inputs (.npy/.pb, rows of the model input) whose "
             "layer activations calibrate the crossbar readouts (ADC ranges, "
             "sense-amplifier scales); writes <out>/cim-calibration."
             "safetensors"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<int64_t> cimCalibrationRows(
    "cim-calibration-rows",
    cl::desc("Rows of --cim-calibrate used (default 256, the first ones)"),
    cl::init(256), cl::cat(category));
static cl::opt<bool> verbose("v", cl::desc("Print each stage and its time"),
                             cl::cat(category));

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "resq-compile: compile a model (.onnx or .mlir) for the CPU (or its "
      "linear layers for compute-in-memory crossbars)\n");
  if (optLevel > 3) {
    errs() << "resq-compile: -O" << optLevel << " is not one of -O0..-O3\n";
    return 1;
  }

  resq::driver::CompileOptions options;
  options.outputDir = outputDir;
  options.emit = emit;
  options.entry = entry;
  options.targetCpu = targetCpu;
  options.optLevel = optLevel;
  options.linker = linker;
  options.runtimeLibrary = runtimeLibrary;
  options.verbose = verbose;
  options.import.inlineWeightsBelow = inlineWeightsBelow;
  std::string error;
  if (!resq::driver::applyImportFlags(inputShapes, constInputs, options.import,
                                      error)) {
    errs() << "resq-compile: " << error << "\n";
    return 1;
  }

  SchemeFlags flags;
  flags.scheme = scheme;
  flags.prepare = prepare;
  flags.calibration.data = calibrationData;
  flags.calibration.tokenizer = tokenizerPath;
  flags.calibration.tokens = calibrationTokens;
  flags.calibration.sequence = calibrationSequence;
  flags.calibration.cacheDir = calibrationCache;
  if (bosId >= 0)
    flags.calibration.bosId = bosId;
  flags.outputDir = outputDir;
  flags.wBits = wBits;
  flags.aBits = aBits;
  flags.kvBits = kvBits;
  flags.highBits = highBits;
  flags.weights = weightQuantizer;
  flags.actOrder = actOrder;
  flags.quantMode = quantMode;
  flags.groupSize = groupSize;
  flags.seed = seed;
  flags.verbose = verbose;
  if (target != "cpu" && target != "cim") {
    errs() << "resq-compile: --target " << target << " is not cpu or cim\n";
    return 1;
  }
  bool cim = target == "cim";
  if (cim && (scheme == "fp32" || quantMode != "int")) {
    errs() << "resq-compile: --target cim maps integer linear layers onto "
              "crossbars: it needs a quantization scheme in integers "
              "(--scheme rtn --quant-mode int)\n";
    return 1;
  }
  if (!cim && (!cimOptions.empty() || !cimCalibration.empty())) {
    errs() << "resq-compile: --cim and --cim-calibrate need --target cim\n";
    return 1;
  }
  CimFlags cimFlags;
  cimFlags.options = cimOptions;
  cimFlags.calibrationData = cimCalibration;
  cimFlags.calibrationRows = cimCalibrationRows;
  cimFlags.outputDir = outputDir;
  cimFlags.verbose = verbose;
  if (schemeNeedsWork(flags))
    options.beforeLowering = [&](mlir::ModuleOp module,
                                 const std::string &archive) {
      if (mlir::failed(applyScheme(module, archive, flags)))
        return mlir::failure();
      return cim ? applyCimTarget(module, archive, cimFlags) : mlir::success();
    };
  mlir::DialectRegistry registry;
  resq::driver::registerDriverDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  mlir::ScopedDiagnosticHandler diagnostics(&context,
                                            resq::driver::printPlainDiagnostic);
  if (mlir::failed(resq::driver::compileModel(inputFile, context, options)))
    return 1;
  return 0;
}
