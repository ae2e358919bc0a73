//===- resq-run.cpp - run a compiled model --------------------------------===//
//
// resq-run out/ input_0.pb ... [--output-dir results/]
// resq-run out/ --perplexity ids.npy [--bos-id 1]
// resq-run out/ --generate 32 --prompt 1,45,7 [--sample --temperature 0.8]
// resq-run model.onnx ...          (JIT-compiled in-process)
//
// Option declarations and a call of resq::run::runCommand (lib/run).
//
//===----------------------------------------------------------------------===//

#include "resq/cli/CommandLine.h"
#include "resq/cli/SharedOptions.h"
#include "resq/driver/DebugOptions.h"
#include "resq/driver/Load.h"
#include "resq/run/RunCommand.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace resq;

static const run::RunFlags defaults;

static cl::OptionCategory category("resq-run options");

static cl::opt<std::string>
    modelPath(cl::Positional, cl::Required,
              cl::desc("<compiled folder | model.onnx | model.mlir>"),
              cl::cat(category));
static cl::list<std::string>
    inputFiles(cl::Positional, cl::desc("[inputs in order: .npy or .pb]"),
               cl::cat(category));
static cl::list<std::string>
    namedInputs("input", cl::desc("An input by name (repeatable)"),
                cl::value_desc("name=file"), cl::cat(category));
static cl::opt<std::string>
    outputDir("output-dir",
              cl::desc("Write each output as <dir>/<name>.<format>"),
              cl::value_desc("dir"), cl::cat(category));
static cl::opt<std::string> outputFormat("output-format",
                                         cl::desc("npy (default) or pb"),
                                         cl::init(defaults.outputFormat),
                                         cl::cat(category));
static cl::opt<std::string> perplexityFile(
    "perplexity",
    cl::desc("Token ids (.npy/.pb, int32/int64, [N] or [N, T]), or a text "
             "file with --tokenizer: print the model's perplexity on them"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    promptText("prompt-text",
               cl::desc("Prompt as text (needs --tokenizer; --bos-id "
                        "prepends a BOS)"),
               cl::cat(category));
static cl::opt<int64_t>
    bosId("bos-id", cl::desc("Start every perplexity window with this token"),
          cl::init(defaults.bosId), cl::cat(category));
static cl::opt<int64_t> generateCount("generate", cl::desc("Generate N tokens"),
                                      cl::value_desc("N"),
                                      cl::init(defaults.generateCount),
                                      cl::cat(category));
static cl::opt<std::string>
    prompt("prompt",
           cl::desc("Prompt token ids: comma-separated, or a .npy/.pb file"),
           cl::cat(category));
static cl::opt<bool> sample("sample",
                            cl::desc("Sample instead of greedy decoding"),
                            cl::cat(category));
static cl::opt<double> temperature("temperature",
                                   cl::desc("Sampling temperature (default 1)"),
                                   cl::init(defaults.temperature),
                                   cl::cat(category));
static cl::opt<uint64_t> seed("seed", cl::desc("Sampling seed (default 0)"),
                              cl::init(defaults.seed), cl::cat(category));
// Spelled --threads on the command line: LLVM already registers an option of
// that name, so main() renames it before parsing; its value is checked here,
// so that errors name --threads.
static cl::opt<std::string>
    threads("resq-threads",
            cl::desc("--threads N: threads of the runtime's kernels "
                     "(default 1; 0: all cores)"),
            cl::value_desc("N"), cl::cat(category));
static cl::opt<int> repeat("repeat",
                           cl::desc("Run the inputs N times and print the "
                                    "time per run"),
                           cl::init(defaults.repeat), cl::cat(category));

static cl::opt<std::string> labelsFile(
    "labels",
    cl::desc("Class labels (.npy/.pb, integers [N]): print the top-1 "
             "accuracy of the first output ([N, classes])"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<driver::Target> target(
    "target",
    cl::desc("What the model runs on; cim also prints what the layers did on "
             "the crossbar simulator (a model compiled with resq-compile "
             "--target cim), per layer: energy by component, latency, area, "
             "utilisation"),
    cl::init(defaults.target), driver::targetValues(), cl::cat(category));
static cl::opt<double> cimSigma(
    "cim-sigma",
    cl::desc("Conductance variation of every crossbar cell: level * max(0, "
             "1 + sigma N(0, 1)), drawn per layer (default 0: ideal devices)"),
    cl::init(defaults.cimSigma), cl::cat(category));
static cl::opt<uint64_t> cimSeed("cim-seed",
                                 cl::desc("Seed of the conductance variation "
                                          "and the read noise"),
                                 cl::init(defaults.cimSeed), cl::cat(category));
static cl::opt<double> cimReadNoise(
    "cim-read-noise",
    cl::desc("Read noise: every partial sum of every crossbar read gets an "
             "independent N(0, S^2), in cell-level units (default 0)"),
    cl::init(defaults.cimReadNoise), cl::cat(category));
static cl::opt<std::string> cimCost(
    "cim-cost",
    cl::desc("JSON object or YAML mapping overriding cost-model parameters "
             "(names as in docs/cim.md, e.g. {\"adc_power_base_uw\": 30} or "
             "adc_power_base_uw: 30)"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    cimReportJson("cim-report",
                  cl::desc("Also write the --target cim report as JSON"),
                  cl::value_desc("file"), cl::cat(category));

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  resq::cli::installFatalErrorHandler("resq-run");
  cli::registerImportOptions();
  cli::registerTokenizerOption();
  driver::registerMLIRDebugOptions();
  cl::HideUnrelatedOptions({&category, &cli::sharedCategory()});
  cli::showMLIROptions();
  // LLVM registers an option named --threads: ours is --resq-threads inside.
  std::vector<std::string> renamed;
  for (int i = 0; i < argc; ++i) {
    StringRef arg(argv[i]);
    if (arg == "--threads" || arg == "-threads" ||
        arg.starts_with("--threads=") || arg.starts_with("-threads="))
      renamed.push_back("--resq-" + arg.ltrim('-').str());
    else
      renamed.push_back(arg.str());
  }
  std::vector<const char *> args;
  for (const std::string &arg : renamed)
    args.push_back(arg.c_str());
  cl::ParseCommandLineOptions(int(args.size()), args.data(),
                              "resq-run: run a model compiled by resq-compile "
                              "(or JIT-compile a model file)\n");

  run::RunFlags flags;
  std::string error;
  if (!cli::applyImportOptions(flags.import, error)) {
    errs() << "resq-run: " << error << "\n";
    return 1;
  }
  flags.modelPath = modelPath;
  flags.inputFiles = inputFiles;
  flags.namedInputs = namedInputs;
  flags.outputDir = outputDir;
  flags.outputFormat = outputFormat;
  flags.perplexityFile = perplexityFile;
  flags.tokenizer = cli::tokenizerPath();
  flags.bosId = bosId;
  flags.generateCount = generateCount;
  flags.prompt = prompt;
  flags.promptText = promptText;
  flags.sample = sample;
  flags.temperature = temperature;
  flags.seed = seed;
  if (!threads.empty() && (StringRef(threads).getAsInteger(10, flags.threads) ||
                           flags.threads < 0)) {
    errs() << "resq-run: --threads '" << threads
           << "' is not a number of threads (0: all cores)\n";
    return 1;
  }
  flags.repeat = repeat;
  flags.labelsFile = labelsFile;
  flags.target = target;
  flags.cimSigma = cimSigma;
  flags.cimReadNoise = cimReadNoise;
  flags.cimSeed = cimSeed;
  flags.cimCost = cimCost;
  flags.cimReportJson = cimReportJson;
  return run::runCommand(flags);
}
