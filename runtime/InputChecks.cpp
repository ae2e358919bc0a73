//===- InputChecks.cpp - what compiled code reports about its inputs ------===//

#include "InputChecks.h"

#include "resq/Runtime.h"

#include <cstdint>

namespace {

thread_local std::string firstReport;
thread_local int64_t reports = 0;

void report(std::string message) {
  if (reports++ == 0)
    firstReport = std::move(message);
}

std::string siteText(const char *site) {
  return site && *site ? std::string(" at ") + site : std::string();
}

} // namespace

void resq::runtime::clearInputReports() {
  firstReport.clear();
  reports = 0;
}

bool resq::runtime::takeInputReport(std::string &message) {
  if (reports == 0)
    return false;
  message = firstReport;
  clearInputReports();
  return true;
}

extern "C" {

RESQ_RUNTIME_EXPORT void
_mlir_ciface_resq_index_error(int64_t index, int64_t size, const char *site) {
  report("index " + std::to_string(index) + " is out of range [0, " +
         std::to_string(size) + ")" + siteText(site));
}

RESQ_RUNTIME_EXPORT void _mlir_ciface_resq_division_error(int64_t numerator,
                                                          int64_t divisor,
                                                          const char *site) {
  report(std::string(divisor == 0 ? "integer division by zero"
                                  : "integer division overflow") +
         " (" + std::to_string(numerator) + " / " + std::to_string(divisor) +
         ")" + siteText(site));
}

} // extern "C"
