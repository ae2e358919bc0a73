//===- RunCommand.cpp - what resq-run does --------------------------------===//

#include "resq/run/RunCommand.h"

#include "resq/cimsim/CimStats.h"
#include "resq/cli/CommandLine.h"
#include "resq/run/CimReport.h"
#include "resq/run/LanguageModel.h"
#include "resq/run/LoadedModel.h"
#include "resq/run/Progress.h"
#include "resq/run/Tokenizer.h"
#include "resq/runtime/Kernels.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

using namespace llvm;
using namespace resq;
using namespace resq::run;

namespace {

/// One resq-run command: the model loaded (or JIT-compiled), then inputs
/// run, perplexity measured or tokens generated, as the flags say.
class Runner {
public:
  explicit Runner(const RunFlags &flags) : flags(flags) {}

  int run() {
    // Flags that contradict each other, before any work.
    if (flags.generateCount < 0)
      return fail("--generate " + std::to_string(flags.generateCount) +
                  ": the number of tokens to generate must be positive");
    if (flags.temperature != RunFlags().temperature && !flags.sample)
      return fail("--temperature applies to --sample (greedy decoding has "
                  "no temperature)");
    if (flags.sample && !(flags.temperature > 0))
      return fail("--temperature must be positive");
    resq_set_num_threads(flags.threads);

    std::string error;
    std::unique_ptr<LoadedModel> model;
    // Input files by input name; read before JIT-compiling an ONNX model,
    // whose compilation may need some of their values.
    std::map<std::string, tensorio::Tensor> given;
    bool inputsRead = false;
    if (sys::fs::is_directory(flags.modelPath)) {
      model = LoadedModel::openCompiled(flags.modelPath, error);
    } else {
      OnnxImportOptions import = flags.import;
      std::vector<std::string> specialized;
      if (sys::path::extension(flags.modelPath) == ".onnx") {
        std::vector<std::string> order;
        if (!listOnnxGraphInputs(flags.modelPath, order, error))
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
      model = LoadedModel::openJit(flags.modelPath, import, error);
      for (const std::string &name : specialized)
        errs() << "resq-run: note: compiled with the value of input '" << name
               << "' fixed (the model needs it at compile time)\n";
    }
    if (!model)
      return fail(error);
    if (!inputsRead) {
      std::vector<std::string> order;
      for (const TensorSpec &spec : model->inputs())
        order.push_back(spec.name);
      if (!readGivenInputs(order, given, error))
        return fail(error);
    }

    if (flags.target == driver::Target::Cim &&
        (!flags.perplexityFile.empty() || flags.generateCount > 0))
      return fail("--target cim reports on --input runs, not on --perplexity "
                  "or --generate");
    if (!flags.perplexityFile.empty())
      return runPerplexity(*model);
    if (flags.generateCount > 0)
      return runGenerate(*model);
    if (!flags.prompt.empty() || !flags.promptText.empty())
      return fail("--prompt and --prompt-text need --generate N");
    return runInputs(*model, given);
  }

private:
  const RunFlags &flags;
  std::unique_ptr<Tokenizer> loadedTokenizer;

  int fail(const std::string &message) {
    errs() << "resq-run: " << message << "\n";
    return 1;
  }

  /// Top-1 accuracy of `logits` ([N, classes] f32) against --labels.
  bool accuracyOf(const tensorio::Tensor &logits, double &accuracy,
                  int64_t &count, std::string &error) {
    tensorio::Tensor labels;
    if (!tensorio::readTensorFile(flags.labelsFile, labels, error))
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
      if (label < 0 || label >= classes) {
        error = "--labels: label " + std::to_string(label) + " of row " +
                std::to_string(i) + " is not a class of the output (0 to " +
                std::to_string(classes - 1) + ")";
        return false;
      }
      correct += best == label;
    }
    accuracy = n ? double(correct) / double(n) : 0.0;
    count = n;
    return true;
  }

  /// Prints dtype, shape and a few statistics of each output.
  void printSummary(const std::vector<tensorio::Tensor> &outputs) {
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
  const Tokenizer *tokenizer(std::string &error) {
    if (!loadedTokenizer && flags.tokenizer.empty())
      error = "text needs --tokenizer MODEL (a SentencePiece .model file)";
    else if (!loadedTokenizer)
      loadedTokenizer = Tokenizer::load(flags.tokenizer, error);
    return loadedTokenizer.get();
  }

  bool isTensorFile(StringRef path) {
    return path.ends_with(".npy") || path.ends_with(".pb");
  }

  bool readPrompt(std::vector<int64_t> &tokens, std::string &error) {
    if (!flags.promptText.empty()) {
      const Tokenizer *tok = tokenizer(error);
      if (!tok)
        return false;
      if (flags.bosId >= 0)
        tokens.push_back(flags.bosId);
      std::vector<int64_t> ids;
      if (!tok->encode(flags.promptText, ids, error))
        return false;
      tokens.insert(tokens.end(), ids.begin(), ids.end());
      return true;
    }
    if (StringRef(flags.prompt).ends_with(".npy") ||
        StringRef(flags.prompt).ends_with(".pb")) {
      tensorio::Tensor t;
      int64_t rows;
      return tensorio::readTensorFile(flags.prompt, t, error) &&
             tokenIds(t, tokens, rows, error);
    }
    SmallVector<StringRef> parts;
    StringRef(flags.prompt).split(parts, ',', -1, /*KeepEmpty=*/true);
    for (StringRef part : parts) {
      int64_t id;
      if (part.trim().empty() || part.trim().getAsInteger(10, id)) {
        error = "--prompt '" + flags.prompt + "' is not a list of token ids";
        return false;
      }
      tokens.push_back(id);
    }
    return true;
  }

  int runGenerate(LoadedModel &model) {
    std::vector<int64_t> tokens;
    std::string error;
    if (flags.prompt.empty() && flags.promptText.empty())
      return fail("--generate needs --prompt or --prompt-text");
    if (!readPrompt(tokens, error))
      return fail(error);
    GenerateOptions options;
    options.count = flags.generateCount;
    options.sample = flags.sample;
    options.temperature = flags.temperature;
    options.seed = flags.seed;
    outs() << "prompt:";
    for (int64_t id : tokens)
      outs() << " " << id;
    outs() << "\ngenerated:";
    outs().flush();
    auto start = std::chrono::steady_clock::now();
    if (!generateTokens(
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
    if (!flags.tokenizer.empty()) {
      std::string text;
      const Tokenizer *tok = tokenizer(error);
      if (!tok || !tok->decode(tokens, text, error))
        return fail(error);
      outs() << "text: " << text << "\n";
    }
    outs().flush();
    errs() << format("resq-run: %lld tokens in %.3f s (%.1f tok/s)\n",
                     (long long)flags.generateCount, seconds,
                     double(flags.generateCount) / seconds);
    return 0;
  }

  int runPerplexity(LoadedModel &model) {
    tensorio::Tensor ids;
    std::string error;
    const Tokenizer *tok = nullptr;
    if (!isTensorFile(flags.perplexityFile) && !(tok = tokenizer(error)))
      return fail(error);
    if (!readTokenFile(flags.perplexityFile, tok, ids, error))
      return fail(error);
    if (tok)
      errs() << "resq-run: " << flags.perplexityFile << ": " << ids.shape[0]
             << " tokens\n";
    PerplexityOptions options;
    if (flags.bosId >= 0)
      options.bosId = flags.bosId;
    ProgressBar bar("windows");
    options.progress = [&](int64_t done, int64_t total, double rate) {
      bar.update(done, total, rate);
    };
    PerplexityResult result;
    bool ok = computePerplexity(model, ids, options, result, error);
    bar.finish();
    if (!ok)
      return fail(error);
    outs() << format("perplexity: %.6f\n", result.perplexity());
    outs() << format(
        "scored tokens: %lld in %lld windows (%lld trailing tokens "
        "dropped), mean NLL %.6f, %.1f tok/s\n",
        (long long)result.scoredTokens, (long long)result.windows,
        (long long)result.droppedTokens,
        result.totalNll / double(result.scoredTokens),
        double(result.windows) * double(model.inputs()[0].shape.back()) /
            result.seconds);
    return 0;
  }

  /// Reads the input files named on the command line, by input name:
  /// positional files take the names in `order`, --input names its own.
  bool readGivenInputs(const std::vector<std::string> &order,
                       std::map<std::string, tensorio::Tensor> &given,
                       std::string &error) {
    if (flags.inputFiles.size() > order.size()) {
      error = std::to_string(flags.inputFiles.size()) +
              " input files for a model with " + std::to_string(order.size()) +
              " inputs";
      return false;
    }
    for (size_t i = 0; i < flags.inputFiles.size(); ++i)
      if (!tensorio::readTensorFile(flags.inputFiles[i], given[order[i]],
                                    error))
        return false;
    for (const std::string &named : flags.namedInputs) {
      auto [name, file] = StringRef(named).split('=');
      if (file.empty() || !llvm::is_contained(order, name)) {
        error = "--input '" + named + "' does not name an input of the model";
        return false;
      }
      if (given.count(name.str())) {
        error = "input '" + name.str() + "' is given twice";
        return false;
      }
      if (!tensorio::readTensorFile(file.str(), given[name.str()], error))
        return false;
    }
    return true;
  }

  /// The model's inputs in ABI order, from the files given by name.
  bool gatherInputs(LoadedModel &model,
                    std::map<std::string, tensorio::Tensor> &given,
                    std::vector<tensorio::Tensor> &inputs, std::string &error) {
    inputs.clear();
    for (const TensorSpec &spec : model.inputs()) {
      auto it = given.find(spec.name);
      if (it == given.end()) {
        error = "input '" + spec.name + "' is not given";
        return false;
      }
      inputs.push_back(std::move(it->second));
    }
    return true;
  }

  int runInputs(LoadedModel &model,
                std::map<std::string, tensorio::Tensor> &given) {
    std::vector<tensorio::Tensor> inputs, outputs;
    std::string error;
    if (!gatherInputs(model, given, inputs, error))
      return fail(error);
    bool cim = flags.target == driver::Target::Cim;
    cim::CostParameters costs;
    CimRunSummary summary;
    summary.costSource = "65 nm defaults (docs/cim.md)";
    if (cim) {
      if (!flags.cimCost.empty()) {
        if (!tensorio::isRegularFile(flags.cimCost, error))
          return fail("--cim-cost: " + error);
        auto text = MemoryBuffer::getFile(flags.cimCost);
        if (!text)
          return fail("--cim-cost: cannot read '" + flags.cimCost +
                      "': " + text.getError().message());
        if (!costs.loadConfig((*text)->getBuffer().str(), error))
          return fail("--cim-cost " + flags.cimCost + ": " + error);
        summary.costSource = "65 nm defaults with " + flags.cimCost;
      }
      if (resq_cim_set_variation(flags.cimSigma, flags.cimSeed) != 0)
        return fail("--cim-sigma must be at least 0");
      if (resq_cim_set_read_noise(flags.cimReadNoise, flags.cimSeed) != 0)
        return fail("--cim-read-noise must be at least 0");
      summary.sigma = flags.cimSigma;
      summary.readNoise = flags.cimReadNoise;
      summary.seed = flags.cimSeed;
      resq_cim_stats_reset();
    } else if (flags.cimSigma != 0 || flags.cimReadNoise != 0 ||
               !flags.cimCost.empty() || !flags.cimReportJson.empty()) {
      return fail("--cim-sigma, --cim-read-noise, --cim-cost and --cim-report "
                  "need --target cim");
    }
    auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < std::max(1, flags.repeat); ++r)
      if (!model.run(inputs, outputs, error))
        return fail(error);
    if (!flags.labelsFile.empty()) {
      double accuracy = 0;
      int64_t count = 0;
      if (outputs.empty() ||
          !accuracyOf(outputs.front(), accuracy, count, error))
        return fail(error.empty() ? "--labels: the model has no output"
                                  : error);
      summary.accuracy = accuracy;
      summary.labels = count;
      if (!cim)
        outs() << format("accuracy %.2f%% (%lld labels)\n", 100 * accuracy,
                         (long long)count);
    }
    if (cim) {
      summary.inferences =
          (inputs.front().shape.empty() ? 1 : inputs.front().shape.front()) *
          std::max(1, flags.repeat);
      if (!reportCim(outs(), costs, summary, flags.cimReportJson, error))
        return fail(error);
    }
    if (flags.repeat > 1) {
      double seconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - start)
                           .count();
      errs() << format("resq-run: %.3f ms per run (%d runs)\n",
                       1e3 * seconds / flags.repeat, flags.repeat);
    }
    if (flags.outputDir.empty()) {
      printSummary(outputs);
      return 0;
    }
    if (flags.outputFormat != "npy" && flags.outputFormat != "pb")
      return fail("--output-format must be npy or pb");
    if (std::error_code ec = sys::fs::create_directories(flags.outputDir))
      return fail("cannot create '" + flags.outputDir + "': " + ec.message());
    std::set<std::string> taken;
    for (size_t i = 0; i < outputs.size(); ++i) {
      // Output names may contain characters a file name cannot, and two
      // names may then be the same: the later one gets its output index
      // (docs/compiling.md).
      std::string name = outputs[i].name;
      for (char &c : name)
        if (c == '/' || c == '\\' || c == ':')
          c = '_';
      if (name.empty())
        name = "output";
      while (!taken.insert(name).second)
        name += "." + std::to_string(i);
      SmallString<256> path(flags.outputDir);
      sys::path::append(path, name + "." + flags.outputFormat);
      if (!tensorio::writeTensorFile(path.str().str(), outputs[i], error))
        return fail(error);
    }
    return 0;
  }
};

} // namespace

int resq::run::runCommand(const RunFlags &flags) { return Runner(flags).run(); }
