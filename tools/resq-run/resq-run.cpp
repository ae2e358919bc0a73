//===- resq-run.cpp - run a compiled model --------------------------------===//
//
// resq-run out/ input_0.pb ... [--output-dir results/]
// resq-run out/ --perplexity ids.npy [--bos-id 1]
// resq-run out/ --generate 32 --prompt 1,45,7 [--sample --temperature 0.8]
// resq-run model.onnx ...          (JIT-compiled in-process)
//
//===----------------------------------------------------------------------===//

#include "resq/cimsim/CimStats.h"
#include "resq/cli/CommandLine.h"
#include "resq/cli/SharedOptions.h"
#include "resq/driver/DebugOptions.h"
#include "resq/driver/Load.h"
#include "resq/run/CimReport.h"
#include "resq/run/LanguageModel.h"
#include "resq/run/LoadedModel.h"
#include "resq/run/Progress.h"
#include "resq/run/Tokenizer.h"
#include "resq/runtime/Kernels.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <map>

using namespace llvm;
using namespace resq;

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
                                         cl::init("npy"), cl::cat(category));
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
          cl::init(-1), cl::cat(category));
static cl::opt<int64_t> generateCount("generate", cl::desc("Generate N tokens"),
                                      cl::value_desc("N"), cl::init(0),
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
                                   cl::init(1.0), cl::cat(category));
static cl::opt<uint64_t> seed("seed", cl::desc("Sampling seed (default 0)"),
                              cl::init(0), cl::cat(category));
// Spelled --threads on the command line: LLVM already registers an option of
// that name, so main() renames it before parsing.
static cl::opt<int> threads("resq-threads",
                            cl::desc("--threads N: threads of the runtime's "
                                     "kernels (default 1; 0: all cores)"),
                            cl::init(1), cl::cat(category));
static cl::opt<int> repeat("repeat",
                           cl::desc("Run the inputs N times and print the "
                                    "time per run"),
                           cl::init(1), cl::cat(category));

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
    cl::init(driver::Target::Cpu), driver::targetValues(), cl::cat(category));
static cl::opt<double> cimSigma(
    "cim-sigma",
    cl::desc("Conductance variation of every crossbar cell: level * max(0, "
             "1 + sigma N(0, 1)), drawn per layer (default 0: ideal devices)"),
    cl::init(0.0), cl::cat(category));
static cl::opt<uint64_t> cimSeed("cim-seed",
                                 cl::desc("Seed of the conductance variation "
                                          "and the read noise"),
                                 cl::init(0), cl::cat(category));
static cl::opt<double> cimReadNoise(
    "cim-read-noise",
    cl::desc("Read noise: every partial sum of every crossbar read gets an "
             "independent N(0, S^2), in cell-level units (default 0)"),
    cl::init(0.0), cl::cat(category));
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

static int fail(const std::string &message) {
  errs() << "resq-run: " << message << "\n";
  return 1;
}

/// Top-1 accuracy of `logits` ([N, classes] f32) against --labels.
static bool accuracyOf(const tensorio::Tensor &logits, double &accuracy,
                       int64_t &count, std::string &error) {
  tensorio::Tensor labels;
  if (!tensorio::readTensorFile(labelsFile, labels, error))
    return false;
  if (logits.dtype != params::DType::F32 || logits.shape.size() != 2) {
    error = "--labels needs a first output of shape [N, classes] (f32)";
    return false;
  }
  int64_t n = logits.shape[0], classes = logits.shape[1];
  if (labels.numElements() != n || (labels.dtype != params::DType::I64 &&
                                    labels.dtype != params::DType::I32)) {
    error = "--labels: expected " + std::to_string(n) +
            " integer labels (int32 or int64)";
    return false;
  }
  const float *values = reinterpret_cast<const float *>(logits.bytes.data());
  int64_t correct = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float *row = values + i * classes;
    int64_t best = std::max_element(row, row + classes) - row;
    int64_t label =
        labels.dtype == params::DType::I64
            ? reinterpret_cast<const int64_t *>(labels.bytes.data())[i]
            : reinterpret_cast<const int32_t *>(labels.bytes.data())[i];
    correct += best == label;
  }
  accuracy = n ? double(correct) / double(n) : 0.0;
  count = n;
  return true;
}

/// Prints dtype, shape and a few statistics of each output.
static void printSummary(const std::vector<tensorio::Tensor> &outputs) {
  for (const tensorio::Tensor &t : outputs) {
    outs() << t.name << ": " << params::dtypeName(t.dtype) << " [";
    interleave(t.shape, outs(), ",");
    outs() << "]";
    if (t.dtype == params::DType::F32 && t.numElements() > 0) {
      const auto *v = reinterpret_cast<const float *>(t.bytes.data());
      double sum = 0, maxAbs = 0;
      for (int64_t i = 0; i < t.numElements(); ++i) {
        sum += v[i];
        maxAbs = std::max(maxAbs, std::fabs(double(v[i])));
      }
      outs() << " mean " << format("%.6g", sum / double(t.numElements()))
             << " max|x| " << format("%.6g", maxAbs);
    }
    outs() << "\n";
  }
}

/// The --tokenizer model, loaded once; null (with `error`) when not given
/// or not loadable.
static const run::Tokenizer *tokenizer(std::string &error) {
  static std::unique_ptr<run::Tokenizer> loaded;
  if (!loaded && cli::tokenizerPath().empty())
    error = "text needs --tokenizer MODEL (a SentencePiece .model file)";
  else if (!loaded)
    loaded = run::Tokenizer::load(cli::tokenizerPath(), error);
  return loaded.get();
}

static bool isTensorFile(StringRef path) {
  return path.ends_with(".npy") || path.ends_with(".pb");
}

static bool readPrompt(std::vector<int64_t> &tokens, std::string &error) {
  if (!promptText.empty()) {
    const run::Tokenizer *tok = tokenizer(error);
    if (!tok)
      return false;
    if (bosId >= 0)
      tokens.push_back(bosId);
    std::vector<int64_t> ids;
    if (!tok->encode(promptText, ids, error))
      return false;
    tokens.insert(tokens.end(), ids.begin(), ids.end());
    return true;
  }
  if (StringRef(prompt).ends_with(".npy") ||
      StringRef(prompt).ends_with(".pb")) {
    tensorio::Tensor t;
    int64_t rows;
    return tensorio::readTensorFile(prompt, t, error) &&
           run::tokenIds(t, tokens, rows, error);
  }
  SmallVector<StringRef> parts;
  StringRef(prompt).split(parts, ',', -1, false);
  for (StringRef part : parts) {
    int64_t id;
    if (part.trim().getAsInteger(10, id)) {
      error = "--prompt '" + prompt + "' is not a list of token ids";
      return false;
    }
    tokens.push_back(id);
  }
  return true;
}

static int runGenerate(run::LoadedModel &model) {
  std::vector<int64_t> tokens;
  std::string error;
  if (prompt.empty() && promptText.empty())
    return fail("--generate needs --prompt or --prompt-text");
  if (!readPrompt(tokens, error))
    return fail(error);
  run::GenerateOptions options;
  options.count = generateCount;
  options.sample = sample;
  options.temperature = temperature;
  options.seed = seed;
  outs() << "prompt:";
  for (int64_t id : tokens)
    outs() << " " << id;
  outs() << "\ngenerated:";
  outs().flush();
  auto start = std::chrono::steady_clock::now();
  if (!run::generateTokens(
          model, tokens, options,
          [](int64_t id) {
            outs() << " " << id;
            outs().flush();
          },
          error))
    return fail(error);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  outs() << "\n";
  if (!cli::tokenizerPath().empty()) {
    std::string text;
    const run::Tokenizer *tok = tokenizer(error);
    if (!tok || !tok->decode(tokens, text, error))
      return fail(error);
    outs() << "text: " << text << "\n";
  }
  outs().flush();
  errs() << format("resq-run: %lld tokens in %.3f s (%.1f tok/s)\n",
                   (long long)generateCount.getValue(), seconds,
                   double(generateCount) / seconds);
  return 0;
}

static int runPerplexity(run::LoadedModel &model) {
  tensorio::Tensor ids;
  std::string error;
  const run::Tokenizer *tok = nullptr;
  if (!isTensorFile(perplexityFile) && !(tok = tokenizer(error)))
    return fail(error);
  if (!run::readTokenFile(perplexityFile, tok, ids, error))
    return fail(error);
  if (tok)
    errs() << "resq-run: " << perplexityFile << ": " << ids.shape[0]
           << " tokens\n";
  run::PerplexityOptions options;
  if (bosId >= 0)
    options.bosId = bosId;
  run::ProgressBar bar("windows");
  options.progress = [&](int64_t done, int64_t total, double rate) {
    bar.update(done, total, rate);
  };
  run::PerplexityResult result;
  bool ok = run::computePerplexity(model, ids, options, result, error);
  bar.finish();
  if (!ok)
    return fail(error);
  outs() << format("perplexity: %.6f\n", result.perplexity());
  outs() << format("scored tokens: %lld in %lld windows (%lld trailing tokens "
                   "dropped), mean NLL %.6f, %.1f tok/s\n",
                   (long long)result.scoredTokens, (long long)result.windows,
                   (long long)result.droppedTokens,
                   result.totalNll / double(result.scoredTokens),
                   double(result.windows) *
                       double(model.inputs()[0].shape.back()) / result.seconds);
  return 0;
}

/// Reads the input files named on the command line, by input name:
/// positional files take the names in `order`, --input names its own.
static bool readGivenInputs(const std::vector<std::string> &order,
                            std::map<std::string, tensorio::Tensor> &given,
                            std::string &error) {
  if (inputFiles.size() > order.size()) {
    error = std::to_string(inputFiles.size()) +
            " input files for a model with " + std::to_string(order.size()) +
            " inputs";
    return false;
  }
  for (size_t i = 0; i < inputFiles.size(); ++i)
    if (!tensorio::readTensorFile(inputFiles[i], given[order[i]], error))
      return false;
  for (const std::string &named : namedInputs) {
    auto [name, file] = StringRef(named).split('=');
    if (file.empty() || !llvm::is_contained(order, name)) {
      error = "--input '" + named + "' does not name an input of the model";
      return false;
    }
    if (!tensorio::readTensorFile(file.str(), given[name.str()], error))
      return false;
  }
  return true;
}

/// The model's inputs in ABI order, from the files given by name.
static bool gatherInputs(run::LoadedModel &model,
                         std::map<std::string, tensorio::Tensor> &given,
                         std::vector<tensorio::Tensor> &inputs,
                         std::string &error) {
  inputs.clear();
  for (const run::TensorSpec &spec : model.inputs()) {
    auto it = given.find(spec.name);
    if (it == given.end()) {
      error = "input '" + spec.name + "' is not given";
      return false;
    }
    inputs.push_back(std::move(it->second));
  }
  return true;
}

static int runInputs(run::LoadedModel &model,
                     std::map<std::string, tensorio::Tensor> &given) {
  std::vector<tensorio::Tensor> inputs, outputs;
  std::string error;
  if (!gatherInputs(model, given, inputs, error))
    return fail(error);
  bool cim = target == driver::Target::Cim;
  cim::CostParameters costs;
  run::CimRunSummary summary;
  summary.costSource = "65 nm defaults (docs/cim.md)";
  if (cim) {
    if (!cimCost.empty()) {
      auto text = MemoryBuffer::getFile(cimCost);
      if (!text)
        return fail("--cim-cost: cannot read '" + cimCost +
                    "': " + text.getError().message());
      if (!costs.loadConfig((*text)->getBuffer().str(), error))
        return fail("--cim-cost " + cimCost + ": " + error);
      summary.costSource = "65 nm defaults with " + cimCost;
    }
    if (resq_cim_set_variation(cimSigma, cimSeed) != 0)
      return fail("--cim-sigma must be at least 0");
    if (resq_cim_set_read_noise(cimReadNoise, cimSeed) != 0)
      return fail("--cim-read-noise must be at least 0");
    summary.sigma = cimSigma;
    summary.readNoise = cimReadNoise;
    summary.seed = cimSeed;
    resq_cim_stats_reset();
  } else if (cimSigma != 0 || cimReadNoise != 0 || !cimCost.empty() ||
             !cimReportJson.empty()) {
    return fail("--cim-sigma, --cim-read-noise, --cim-cost and --cim-report "
                "need --target cim");
  }
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < std::max(1, repeat.getValue()); ++r)
    if (!model.run(inputs, outputs, error))
      return fail(error);
  if (!labelsFile.empty()) {
    double accuracy = 0;
    int64_t count = 0;
    if (outputs.empty() || !accuracyOf(outputs.front(), accuracy, count, error))
      return fail(error.empty() ? "--labels: the model has no output" : error);
    summary.accuracy = accuracy;
    summary.labels = count;
    if (!cim)
      outs() << format("accuracy %.2f%% (%lld labels)\n", 100 * accuracy,
                       (long long)count);
  }
  if (cim) {
    summary.inferences =
        (inputs.front().shape.empty() ? 1 : inputs.front().shape.front()) *
        std::max(1, repeat.getValue());
    if (!run::reportCim(outs(), costs, summary, cimReportJson, error))
      return fail(error);
  }
  if (repeat > 1) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    errs() << format("resq-run: %.3f ms per run (%d runs)\n",
                     1e3 * seconds / repeat, repeat.getValue());
  }
  if (outputDir.empty()) {
    printSummary(outputs);
    return 0;
  }
  if (outputFormat != "npy" && outputFormat != "pb")
    return fail("--output-format must be npy or pb");
  if (std::error_code ec = sys::fs::create_directories(outputDir))
    return fail("cannot create '" + outputDir + "': " + ec.message());
  for (size_t i = 0; i < outputs.size(); ++i) {
    // Output names may contain characters a file name cannot.
    std::string name = outputs[i].name;
    for (char &c : name)
      if (c == '/' || c == '\\' || c == ':')
        c = '_';
    SmallString<256> path(outputDir);
    sys::path::append(path, name + "." + outputFormat);
    if (!tensorio::writeTensorFile(path.str().str(), outputs[i], error))
      return fail(error);
  }
  return 0;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cli::registerImportOptions();
  cli::registerTokenizerOption();
  driver::registerMLIRDebugOptions();
  cl::HideUnrelatedOptions({&category, &cli::sharedCategory()});
  cli::showMLIROptions();
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
  resq_set_num_threads(threads);

  std::string error;
  std::unique_ptr<run::LoadedModel> model;
  // Input files by input name; read before JIT-compiling an ONNX model,
  // whose compilation may need some of their values.
  std::map<std::string, tensorio::Tensor> given;
  bool inputsRead = false;
  if (sys::fs::is_directory(modelPath)) {
    model = run::LoadedModel::openCompiled(modelPath, error);
  } else {
    OnnxImportOptions import;
    if (!cli::applyImportOptions(import, error))
      return fail(error);
    std::vector<std::string> specialized;
    if (sys::path::extension(modelPath) == ".onnx") {
      std::vector<std::string> order;
      if (!listOnnxGraphInputs(modelPath, order, error))
        return fail(error);
      llvm::erase_if(order, [&](const std::string &name) {
        return import.constInputs.count(name) != 0;
      });
      if (!readGivenInputs(order, given, error))
        return fail(error);
      inputsRead = true;
      // Values that decide shapes (a Reshape target, Slice starts, ...) are
      // compiled in, as a JIT specializes; the others stay inputs.
      for (const auto &[name, tensor] : given)
        import.specializableInputs[name] = driver::toConstInput(tensor);
      import.specializedInputs = &specialized;
    }
    model = run::LoadedModel::openJit(modelPath, import, error);
    for (const std::string &name : specialized)
      errs() << "resq-run: note: compiled with the value of input '" << name
             << "' fixed (the model needs it at compile time)\n";
  }
  if (!model)
    return fail(error);
  if (!inputsRead) {
    std::vector<std::string> order;
    for (const run::TensorSpec &spec : model->inputs())
      order.push_back(spec.name);
    if (!readGivenInputs(order, given, error))
      return fail(error);
  }

  if (target == driver::Target::Cim && (!perplexityFile.empty() || generateCount > 0))
    return fail("--target cim reports on --input runs, not on --perplexity "
                "or --generate");
  if (!perplexityFile.empty())
    return runPerplexity(*model);
  if (generateCount > 0)
    return runGenerate(*model);
  if (!prompt.empty() || !promptText.empty())
    return fail("--prompt and --prompt-text need --generate N");
  return runInputs(*model, given);
}
