//===- RunCommand.h - what resq-run does ------------------------*- C++ -*-===//
//
// resq-run's work behind its command line: load a compiled folder (or
// JIT-compile a model file), then run it on input files, measure its
// perplexity on token data, or generate tokens; with --target cim, report
// what the crossbar simulator did. Messages go to errs() as "resq-run: ...".
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUN_RUNCOMMAND_H
#define RESQ_RUN_RUNCOMMAND_H

#include "resq/driver/Load.h"
#include "resq/onnx/Import.h"

#include <cstdint>
#include <string>
#include <vector>

namespace resq::run {

/// resq-run's flags; each default is defined here, once.
struct RunFlags {
  /// A compiled folder, or an .onnx / .mlir file to JIT-compile.
  std::string modelPath;
  /// Inputs in order, and inputs by name ("name=file").
  std::vector<std::string> inputFiles, namedInputs;
  /// Write outputs as <dir>/<name>.<outputFormat> (npy or pb).
  std::string outputDir, outputFormat = "npy";
  /// Token data for perplexity (ids, or text with `tokenizer`).
  std::string perplexityFile;
  std::string tokenizer;
  /// Prepended to perplexity windows and text prompts when >= 0.
  int64_t bosId = -1;
  /// Tokens to generate from `prompt` (ids) or `promptText`.
  int64_t generateCount = 0;
  std::string prompt, promptText;
  bool sample = false;
  double temperature = 1.0;
  uint64_t seed = 0;
  /// Threads of the runtime's kernels (0: all cores).
  int threads = 1;
  /// Runs of the inputs (the time per run is printed when above 1).
  int repeat = 1;
  /// Class labels: print the first output's top-1 accuracy.
  std::string labelsFile;
  driver::Target target = driver::Target::Cpu;
  /// --target cim: conductance variation, read noise, their seed, cost
  /// overrides and the JSON report.
  double cimSigma = 0, cimReadNoise = 0;
  uint64_t cimSeed = 0;
  std::string cimCost, cimReportJson;
  /// How a model file is imported when JIT-compiled.
  OnnxImportOptions import;
};

/// Runs the command; returns the process's exit code.
int runCommand(const RunFlags &flags);

} // namespace resq::run

#endif // RESQ_RUN_RUNCOMMAND_H
