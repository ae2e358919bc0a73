//===- ThreadPool.h - the kernels' persistent worker threads ----*- C++ -*-===//
//
// Plain function pointers rather than std::function: the ISA-specific
// translation units call in here, and an inline std:: template instantiated
// there would be compiled with their target flags and could be the copy the
// linker keeps for the portable code too.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUNTIME_CPU_THREADPOOL_H
#define RESQ_RUNTIME_CPU_THREADPOOL_H

#include <cstddef>
#include <cstdint>

namespace resq::cpu {

using TaskFn = void (*)(void *context, int64_t task);

/// Sets the thread count (n <= 0: the hardware concurrency). Keeps fewer
/// threads if the OS refuses to create them; never throws.
void setNumThreads(int n);
int numThreads();

/// Runs fn(context, t) for every t in [0, numTasks) on at most maxThreads
/// threads (the caller's included) and returns when all have finished. Tasks
/// run inline when one thread is asked for, when called from a task, or while
/// another caller has the pool. Never throws.
void parallelFor(int64_t numTasks, int maxThreads, TaskFn fn, void *context);

/// A 64-byte aligned buffer of at least `bytes` owned by the calling thread,
/// valid until its next call; null if it cannot be allocated.
void *threadScratch(size_t bytes);

} // namespace resq::cpu

#endif // RESQ_RUNTIME_CPU_THREADPOOL_H
