//===- Progress.h - a progress bar for long runs ---------------*- C++ -*-===//

#ifndef RESQ_RUN_PROGRESS_H
#define RESQ_RUN_PROGRESS_H

#include <cstdint>
#include <string>

namespace resq::run {

/// Draws `[#####.....] done/total unit, N tok/s` on stderr, redrawn in place
/// when stderr is a terminal and printed every 10% otherwise.
class ProgressBar {
public:
  explicit ProgressBar(std::string unit);
  void update(int64_t done, int64_t total, double tokensPerSecond);
  /// Ends the line.
  void finish();

private:
  std::string unit;
  bool terminal;
  int64_t lastPrintedDecile = -1;
  bool drawn = false;
};

} // namespace resq::run

#endif // RESQ_RUN_PROGRESS_H
