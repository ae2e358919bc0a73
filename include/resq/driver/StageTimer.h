//===- StageTimer.h - resq-compile -v's timing of each stage ---*- C++ -*-===//

#ifndef RESQ_DRIVER_STAGETIMER_H
#define RESQ_DRIVER_STAGETIMER_H

#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <string>

#include <sys/resource.h>

namespace resq::driver {

/// When `verbose`, prints "resq-compile: STAGE: N ms, peak RSS M MiB" as the
/// stage ends; the peak is the process's so far, so each line bounds the
/// memory the stages up to it needed.
class StageTimer {
public:
  StageTimer(bool verbose, std::string stage)
      : verbose(verbose), stage(std::move(stage)) {}
  ~StageTimer() {
    if (!verbose)
      return;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    llvm::errs() << "resq-compile: " << stage << ": " << ms << " ms, peak RSS "
                 << usage.ru_maxrss / 1024 << " MiB\n";
  }

private:
  bool verbose;
  std::string stage;
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
};

} // namespace resq::driver

#endif // RESQ_DRIVER_STAGETIMER_H
