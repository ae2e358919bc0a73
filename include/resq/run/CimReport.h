//===- CimReport.h - resq-run --target cim's report -------------*- C++ -*-===//
//
// What a model compiled with `resq-compile --target cim` did on the
// crossbar simulator: the per-layer event counts of libresq_runtime.so
// (CimStats.h) priced by the cost model (lib/cim), per inference, with the
// accuracy against labels when given.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUN_CIMREPORT_H
#define RESQ_RUN_CIMREPORT_H

#include "resq/cim/CostModel.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>

namespace resq::run {

struct CimRunSummary {
  /// Inputs the model ran on (rows of its first input, times repeats).
  int64_t inferences = 0;
  /// Top-1 accuracy against --labels, and how many labels.
  std::optional<double> accuracy;
  int64_t labels = 0;
  double sigma = 0, readNoise = 0;
  uint64_t seed = 0;
  std::string costSource;
};

/// Prints the report of every layer the simulator recorded (and a total)
/// to `os`, and writes it as JSON to `jsonPath` unless empty. False with
/// `error` set when no layer ran on crossbars or the file cannot be written.
bool reportCim(llvm::raw_ostream &os, const cim::CostParameters &params,
               const CimRunSummary &summary, const std::string &jsonPath,
               std::string &error);

} // namespace resq::run

#endif // RESQ_RUN_CIMREPORT_H
