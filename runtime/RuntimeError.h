//===- RuntimeError.h - the runtime's per-thread error message --*- C++ -*-===//

#ifndef RESQ_RUNTIME_RUNTIMEERROR_H
#define RESQ_RUNTIME_RUNTIMEERROR_H

#include "resq/Runtime.h"

#include <string>

namespace resq::runtime {

/// Records `message` as this thread's last error and returns `status`.
resq_status fail(resq_status status, std::string message);
/// Clears this thread's last error and returns RESQ_OK.
resq_status ok();

} // namespace resq::runtime

#endif // RESQ_RUNTIME_RUNTIMEERROR_H
