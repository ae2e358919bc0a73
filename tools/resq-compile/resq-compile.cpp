//===- resq-compile.cpp - compile a model ahead of time -------------------===//
//
// resq-compile model.onnx -o out/     -> out/model.so, out/model.safetensors,
//                                        out/libresq_runtime.so
// resq-compile model.mlir -o out/ --emit=mlir|llvm|obj|lib
//
// Option declarations and a call of resq::driver::compileModel; each
// quantization default is the pass's own (the generated options structs).
//
//===----------------------------------------------------------------------===//

#include "resq/cli/CommandLine.h"
#include "resq/cli/SharedOptions.h"
#include "resq/driver/Compile.h"
#include "resq/driver/DebugOptions.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using resq::driver::EmitKind;
using resq::driver::QuantScheme;
using resq::driver::Target;

namespace {
const resq::ResqQuantizeOptions quantizeDefaults;
const resq::driver::CimOptions cimDefaults;
} // namespace

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
static cl::opt<bool> runtimeChecks(
    "runtime-checks",
    cl::desc("Check token ids and other indices, and integer divisors, that "
             "come from the inputs; a bad value makes the run fail with an "
             "error (default; =false for trusted inputs only: an id past the "
             "vocabulary then reads past the table)"),
    cl::init(true), cl::cat(category));
static cl::opt<QuantScheme>
    scheme("scheme", cl::desc("Quantization scheme (resq needs --calibrate)"),
           cl::init(QuantScheme::Fp32), resq::driver::quantSchemeValues(),
           cl::cat(category));
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
static cl::opt<int64_t> wBits("w-bits", cl::desc("Weight bits"),
                              cl::init(quantizeDefaults.wBits),
                              cl::cat(category));
static cl::opt<int64_t> aBits("a-bits", cl::desc("Activation bits (16: float)"),
                              cl::init(quantizeDefaults.aBits),
                              cl::cat(category));
static cl::opt<int64_t> kvBits("kv-bits", cl::desc("KV-cache bits (16: float)"),
                               cl::init(quantizeDefaults.kvBits),
                               cl::cat(category));
static cl::opt<int64_t>
    highBits("high-bits", cl::desc("Bits of ResQ's high-variance subspace"),
             cl::init(quantizeDefaults.highBits), cl::cat(category));
static cl::opt<resq::WeightQuantizer>
    weightQuantizer("weights", cl::desc("Weight quantizer"),
                    cl::init(quantizeDefaults.weights),
                    resq::weightQuantizerValues(), cl::cat(category));
static cl::opt<resq::QuantMode>
    quantMode("quant-mode",
              cl::desc("Quantized arithmetic (int: activations of at most 8 "
                       "bits)"),
              cl::init(quantizeDefaults.mode), resq::quantModeValues(),
              cl::cat(category));
static cl::opt<bool> actOrder("act-order",
                              cl::desc("GPTQ in descending Hessian order"),
                              cl::cat(category));
static cl::opt<int64_t>
    groupSize("group-size",
              cl::desc("Input rows per weight scale (0: per output channel)"),
              cl::init(quantizeDefaults.groupSize), cl::cat(category));
static cl::opt<int64_t> seed("seed", cl::desc("Seed of the random rotations"),
                             cl::init(resq::ResqRotateOptions().seed),
                             cl::cat(category));
static cl::opt<int64_t>
    kvRank("kv-rank",
           cl::desc("Low-rank attention (Eigen Attention): keys and values "
                    "projected onto this many PCA directions per KV head "
                    "(needs --calibrate)"),
           cl::init(0), cl::cat(category));
static cl::opt<int64_t> kRank("k-rank",
                              cl::desc("Low-rank attention: the key rank "
                                       "alone (keys after RoPE)"),
                              cl::init(0), cl::cat(category));
static cl::opt<int64_t> vRank("v-rank",
                              cl::desc("Low-rank attention: the value rank "
                                       "alone"),
                              cl::init(0), cl::cat(category));
static cl::opt<double> kvThreshold(
    "kv-threshold",
    cl::desc("Low-rank attention: each layer's ranks from the calibration "
             "spectra, the directions whose normalised singular values sum "
             "to less than t, t in (0, 1]"),
    cl::init(0), cl::cat(category));
static cl::opt<double> kvBitsPerToken(
    "kv-bits-per-token",
    cl::desc("Low-rank attention: each layer's key and value ranks under a "
             "KV-cache budget of this many bits per token over all layers "
             "(fp32: 16 per cached element; resq: its KV bits), the weakest "
             "components dropped first"),
    cl::init(0), cl::cat(category));
static cl::opt<Target>
    target("target",
           cl::desc("What the model runs on (cim needs --scheme rtn "
                    "--quant-mode int)"),
           cl::init(Target::Cpu), resq::driver::targetValues(),
           cl::cat(category));
static cl::opt<std::string> cimOptions(
    "cim",
    cl::desc("Options of --resq-lower-to-cim for --target cim, in its "
             "option syntax, e.g. \"backend=adc-less sense=ternary\" "
             "(resq-opt --help lists them)"),
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
    cl::desc("Rows of --cim-calibrate used (the first ones)"),
    cl::init(cimDefaults.calibrationRows), cl::cat(category));
static cl::opt<bool> verbose("v", cl::desc("Print each stage and its time"),
                             cl::cat(category));
static cl::opt<bool> dumpPassPipeline(
    "dump-pass-pipeline",
    cl::desc("Print the resq-opt command of each stage as it runs (a shell "
             "pipeline from resq-import's output to the lowered module)"),
    cl::cat(category));

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  resq::cli::installFatalErrorHandler("resq-compile");
  resq::cli::registerImportOptions();
  resq::cli::registerTokenizerOption();
  resq::driver::registerMLIRDebugOptions();
  cl::HideUnrelatedOptions({&category, &resq::cli::sharedCategory()});
  resq::cli::showMLIROptions();
  cl::ParseCommandLineOptions(
      argc, argv,
      "resq-compile: compile a model (.onnx or .mlir) for the CPU (or its "
      "linear layers for compute-in-memory crossbars)\n");
  resq::driver::CompileOptions options;
  options.outputDir = outputDir;
  options.emit = emit;
  options.entry = entry;
  options.targetCpu = targetCpu;
  options.optLevel = optLevel;
  options.linker = linker;
  options.runtimeLibrary = runtimeLibrary;
  options.runtimeChecks = runtimeChecks;
  options.verbose = verbose;
  options.dumpPassPipeline = dumpPassPipeline;
  std::string error;
  if (!resq::cli::applyImportOptions(options.import, error)) {
    errs() << "resq-compile: " << error << "\n";
    return 1;
  }

  options.prepare = prepare;
  resq::driver::CalibrationOptions &calibration = options.calibration;
  calibration.data = calibrationData;
  calibration.tokenizer = resq::cli::tokenizerPath();
  calibration.tokens = calibrationTokens;
  calibration.sequence = calibrationSequence;
  calibration.cacheDir = calibrationCache;
  if (bosId >= 0)
    calibration.bosId = bosId;
  resq::driver::QuantizePipelineOptions &quantize = options.quantize;
  quantize.scheme = scheme;
  quantize.seed = seed;
  quantize.wBits = wBits;
  quantize.aBits = aBits;
  quantize.kvBits = kvBits;
  quantize.highBits = highBits;
  quantize.groupSize = groupSize;
  quantize.weights = weightQuantizer;
  quantize.actOrder = actOrder;
  quantize.mode = quantMode;
  if (kvRank.getNumOccurrences() &&
      (kRank.getNumOccurrences() || vRank.getNumOccurrences())) {
    errs() << "resq-compile: --kv-rank sets both ranks: give it or --k-rank "
              "and --v-rank\n";
    return 1;
  }
  quantize.kRank = kvRank.getNumOccurrences() ? kvRank : kRank;
  quantize.vRank = kvRank.getNumOccurrences() ? kvRank : vRank;
  quantize.kvThreshold = kvThreshold;
  quantize.kvBitsPerToken = kvBitsPerToken;

  options.target = target;
  if (std::string problem = resq::driver::checkCompileOptions(options);
      !problem.empty()) {
    errs() << "resq-compile: " << problem << "\n";
    return 1;
  }
  if (target != Target::Cim &&
      (!cimOptions.empty() || !cimCalibration.empty())) {
    errs() << "resq-compile: --cim and --cim-calibrate need --target cim\n";
    return 1;
  }
  raw_string_ostream cimErrors(error);
  if (failed(resq::parseLowerToCimOptions(cimOptions, options.cim.pass,
                                          cimErrors))) {
    // The option parser has said what is wrong, on errs().
    errs() << "resq-compile: --cim '" << cimOptions
           << "' is not an option list of --resq-lower-to-cim";
    if (!error.empty())
      errs() << ": " << error;
    errs() << "\n";
    return 1;
  }
  options.cim.calibrationData = cimCalibration;
  options.cim.calibrationRows = cimCalibrationRows;

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
