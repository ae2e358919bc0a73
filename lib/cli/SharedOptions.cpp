//===- SharedOptions.cpp - options several resq tools declare -------------===//

#include "resq/cli/SharedOptions.h"

#include "resq/cli/CommandLine.h"

#include "llvm/Support/ManagedStatic.h"

using namespace llvm;

cl::OptionCategory &resq::cli::sharedCategory() {
  static cl::OptionCategory category("model options shared by the resq tools");
  return category;
}

namespace {

struct ImportOptions {
  cl::list<std::string> inputShapes{
      "input-shape",
      cl::desc("Static shape of an ONNX graph input, overriding the model's "
               "dims (repeatable), e.g. --input-shape input_ids=1x128"),
      cl::value_desc("name=DxD..."), cl::cat(resq::cli::sharedCategory())};
  cl::list<std::string> constInputs{
      "const-input",
      cl::desc("Fix an ONNX graph input's value at compile time "
               "(repeatable): shapes computed from it become static and the "
               "compiled model no longer takes it"),
      cl::value_desc("name=file.npy|.pb"),
      cl::cat(resq::cli::sharedCategory())};
  cl::opt<int64_t> inlineWeightsBelow{
      "inline-weights-below",
      cl::desc("Keep ONNX constants with fewer than N elements inline in the "
               "IR; larger ones go to the parameter archive"),
      cl::init(resq::OnnxImportOptions().inlineWeightsBelow),
      cl::value_desc("N"), cl::cat(resq::cli::sharedCategory())};
};
ManagedStatic<ImportOptions> importOptions;

struct TokenizerOption {
  cl::opt<std::string> path{
      "tokenizer",
      cl::desc("SentencePiece .model: token data given as text (calibration, "
               "perplexity, prompts) is encoded with it, generated tokens "
               "print as text"),
      cl::value_desc("file"), cl::cat(resq::cli::sharedCategory())};
};
ManagedStatic<TokenizerOption> tokenizerOption;

} // namespace

void resq::cli::registerImportOptions() { *importOptions; }

bool resq::cli::applyImportOptions(OnnxImportOptions &options,
                                   std::string &error) {
  if (!importOptions.isConstructed())
    return true;
  options.inlineWeightsBelow = importOptions->inlineWeightsBelow;
  return driver::applyImportFlags(importOptions->inputShapes,
                                  importOptions->constInputs, options, error);
}

void resq::cli::registerTokenizerOption() { *tokenizerOption; }

std::string resq::cli::tokenizerPath() {
  return tokenizerOption.isConstructed() ? tokenizerOption->path.getValue()
                                         : std::string();
}

void resq::cli::showMLIROptions() {
  static cl::OptionCategory mlirCategory(
      "MLIR options (pass managers, timing, printing)");
  for (auto &[name, option] : cl::getRegisteredOptions())
    if (name.starts_with("mlir-")) {
      option->setHiddenFlag(cl::NotHidden);
      option->addCategory(mlirCategory);
    }
}
