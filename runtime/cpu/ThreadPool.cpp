//===- ThreadPool.cpp - a persistent pool with a parallel-for over tasks -===//

#include "ThreadPool.h"

#include "resq/runtime/Kernels.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

namespace resq::cpu {

namespace {

/// More threads than this is a caller's mistake, not a machine.
constexpr int kMaxThreads = 1024;
constexpr size_t kScratchAlignment = 64;
/// Scratch grows in whole pages so that slightly larger requests reuse it.
constexpr size_t kScratchGranule = 4096;

/// Set on pool workers and on a caller while it runs tasks: a parallelFor
/// from there runs inline instead of waiting for itself.
thread_local bool tlsInsideTask = false;

void runInline(int64_t numTasks, TaskFn fn, void *context) {
  for (int64_t t = 0; t < numTasks; ++t)
    fn(context, t);
}

/// How long a thread spins on an atomic before sleeping on a condition
/// variable: a model runs its GEMMs back to back, and waking a sleeping
/// thread takes tens of microseconds, as long as a small GEMM itself.
constexpr std::chrono::microseconds kSpinTime{200};

/// Spins until ready() or kSpinTime has passed; returns ready().
template <typename Ready> bool spinUntil(Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (ready())
        return true;
#if defined(__x86_64__)
      __builtin_ia32_pause();
#endif
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return ready();
  }
}

class Pool {
public:
  ~Pool() { stopWorkers(); }

  int size() const { return threads.load(std::memory_order_relaxed); }

  void resize(int n) {
    std::lock_guard<std::mutex> submitLock(submitMutex);
    stopWorkers();
    stopping.store(false, std::memory_order_relaxed);
    // New workers must not mistake the last, finished job for a new one.
    const uint64_t current = generation.load(std::memory_order_relaxed);
    for (int i = 0; i + 1 < n; ++i) {
      try {
        workers.emplace_back([this, i, current] { workerLoop(i, current); });
      } catch (...) {
        break; // The OS refused a thread: run with the ones we have.
      }
    }
    threads.store(static_cast<int>(workers.size()) + 1,
                  std::memory_order_relaxed);
  }

  void run(int64_t numTasks, int maxThreads, TaskFn fn, void *context) {
    const int64_t wanted = std::min<int64_t>({numTasks, maxThreads, size()});
    if (wanted <= 1 || tlsInsideTask)
      return runInline(numTasks, fn, context);
    std::unique_lock<std::mutex> submitLock(submitMutex, std::try_to_lock);
    if (!submitLock.owns_lock())
      return runInline(numTasks, fn, context);

    // The job's fields are published by the release increment of
    // generation, which workers read with acquire.
    jobFn = fn;
    jobContext = context;
    jobTasks = numTasks;
    nextTask.store(0, std::memory_order_relaxed);
    helpers = std::min<int>(static_cast<int>(wanted) - 1,
                            static_cast<int>(workers.size()));
    busyHelpers.store(helpers, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mutex);
      generation.fetch_add(1, std::memory_order_release);
    }
    wake.notify_all();
    tlsInsideTask = true;
    drainTasks();
    tlsInsideTask = false;
    const auto finished = [this] {
      return busyHelpers.load(std::memory_order_acquire) == 0;
    };
    if (spinUntil(finished))
      return;
    std::unique_lock<std::mutex> lock(mutex);
    done.wait(lock, finished);
  }

private:
  void drainTasks() {
    for (int64_t t = nextTask.fetch_add(1, std::memory_order_relaxed);
         t < jobTasks; t = nextTask.fetch_add(1, std::memory_order_relaxed))
      jobFn(jobContext, t);
  }

  void workerLoop(int index, uint64_t seen) {
    tlsInsideTask = true;
    for (;;) {
      const auto ready = [&] {
        return stopping.load(std::memory_order_relaxed) ||
               generation.load(std::memory_order_acquire) != seen;
      };
      if (!spinUntil(ready)) {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, ready);
      }
      if (stopping.load(std::memory_order_relaxed))
        return;
      seen = generation.load(std::memory_order_acquire);
      // Workers beyond this job's thread count sit it out.
      if (index >= helpers)
        continue;
      drainTasks();
      if (busyHelpers.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        // Taking the mutex orders this with a caller about to sleep.
        { std::lock_guard<std::mutex> lock(mutex); }
        done.notify_one();
      }
    }
  }

  void stopWorkers() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping.store(true, std::memory_order_relaxed);
    }
    wake.notify_all();
    for (std::thread &worker : workers)
      worker.join();
    workers.clear();
    threads.store(1, std::memory_order_relaxed);
  }

  std::mutex submitMutex; // one job at a time; held by resize too
  std::mutex mutex;       // for the condition variables
  std::condition_variable wake;
  std::condition_variable done;
  std::vector<std::thread> workers;
  std::atomic<int> threads{1};
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> generation{0};
  std::atomic<int> busyHelpers{0};
  // The current job, written by run() before generation is incremented.
  int helpers = 0;
  TaskFn jobFn = nullptr;
  void *jobContext = nullptr;
  int64_t jobTasks = 0;
  std::atomic<int64_t> nextTask{0};
};

/// Never destroyed: a GEMM called from another static destructor must not
/// find it gone, and the OS reclaims idle workers at exit.
Pool *pool() {
  static Pool *instance = new (std::nothrow) Pool;
  return instance;
}

struct Scratch {
  void *data = nullptr;
  size_t bytes = 0;
  ~Scratch() { std::free(data); }
};

} // namespace

void setNumThreads(int n) {
  if (n <= 0)
    n = static_cast<int>(std::thread::hardware_concurrency());
  n = std::clamp(n, 1, kMaxThreads);
  if (Pool *p = pool())
    p->resize(n);
}

int numThreads() {
  Pool *p = pool();
  return p ? p->size() : 1;
}

void parallelFor(int64_t numTasks, int maxThreads, TaskFn fn, void *context) {
  Pool *p = pool();
  if (!p)
    return runInline(numTasks, fn, context);
  p->run(numTasks, maxThreads, fn, context);
}

void *threadScratch(size_t bytes) {
  thread_local Scratch scratch;
  if (bytes <= scratch.bytes)
    return scratch.data;
  const size_t rounded =
      (bytes + kScratchGranule - 1) / kScratchGranule * kScratchGranule;
  void *data = std::aligned_alloc(kScratchAlignment, rounded);
  if (!data)
    return nullptr;
  std::free(scratch.data);
  scratch.data = data;
  scratch.bytes = rounded;
  return data;
}

} // namespace resq::cpu

extern "C" void resq_set_num_threads(int n) {
  try {
    resq::cpu::setNumThreads(n);
  } catch (...) {
    // std::mutex may throw std::system_error; C callers cannot catch it.
  }
}

extern "C" int resq_get_num_threads(void) { return resq::cpu::numThreads(); }
