//===- InputChecks.h - what compiled code reports of its inputs -*- C++ -*-===//
//
// --resq-insert-runtime-checks makes compiled code call
// resq_index_error / resq_division_error when a value from the inputs would
// read outside a buffer or trap. The first report of a run is kept, per
// thread (the checked code runs on the thread that called resq_model_run),
// and becomes that run's status.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUNTIME_INPUTCHECKS_H
#define RESQ_RUNTIME_INPUTCHECKS_H

#include <string>

namespace resq::runtime {

/// Forgets this thread's reports (before a run).
void clearInputReports();
/// The first report since clearInputReports (an index is reported at each
/// read, so counts would mislead); false if there was none.
bool takeInputReport(std::string &message);

} // namespace resq::runtime

#endif // RESQ_RUNTIME_INPUTCHECKS_H
