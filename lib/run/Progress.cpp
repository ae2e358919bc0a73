//===- Progress.cpp - a progress bar for long runs ------------------------===//

#include "resq/run/Progress.h"

#include <cstdio>
#include <unistd.h>

using namespace resq::run;

ProgressBar::ProgressBar(std::string unit)
    : unit(std::move(unit)), terminal(isatty(STDERR_FILENO)) {}

void ProgressBar::update(int64_t done, int64_t total, double tokensPerSecond) {
  if (total <= 0)
    return;
  int64_t decile = done * 10 / total;
  if (!terminal && decile == lastPrintedDecile)
    return;
  lastPrintedDecile = decile;
  constexpr int kWidth = 30;
  int filled = int(done * kWidth / total);
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '.');
  std::fprintf(stderr, "%s[%s] %lld/%lld %s, %.0f tok/s%s",
               terminal ? "\r" : "", bar.c_str(), (long long)done,
               (long long)total, unit.c_str(), tokensPerSecond,
               terminal ? "" : "\n");
  drawn = true;
}

void ProgressBar::finish() {
  if (terminal && drawn)
    std::fputc('\n', stderr);
  drawn = false;
}
