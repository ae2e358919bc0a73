//===- RuntimeError.cpp - the runtime's per-thread error message ----------===//

#include "RuntimeError.h"

namespace {
thread_local std::string lastError;
} // namespace

resq_status resq::runtime::fail(resq_status status, std::string message) {
  lastError = std::move(message);
  return status;
}

resq_status resq::runtime::ok() {
  lastError.clear();
  return RESQ_OK;
}

extern "C" const char *resq_last_error(void) { return lastError.c_str(); }
