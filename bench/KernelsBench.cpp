//===- KernelsBench.cpp - throughput of the CPU GEMM microkernels --------===//
//
// resq_gemm_f32 (FLOP/s) and resq_gemm_s8s8s32 (OP/s, one multiply-add is
// two operations) on transformer shapes: M = 128 prefill tokens or M = 1
// decode token against K x N weights with K, N in {512, 768, 2048, 3072}.
// Each instruction-set level the CPU supports is measured on one thread,
// the automatic choice also on two; "scalar" is the portable i-k-j loop.
// Levels the CPU lacks are not registered.
//
//===----------------------------------------------------------------------===//

#include "resq/runtime/Kernels.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

const int64_t kTokens[] = {1, 128};
const int64_t kWidths[] = {512, 768, 2048, 3072};
/// The portable loop is slow: it gets the square shapes only.
const int64_t kScalarWidths[] = {768, 2048};
/// Knuth's multiplicative hash: scrambled values, quick enough that setup
/// does not dominate the smoke run.
constexpr uint32_t kHashMultiplier = 2654435761u;

struct Config {
  const char *isa; // argument of resq_kernels_force_isa
  int threads;
};

/// Sets the ISA and thread count; false (with the benchmark marked
/// skipped) if the ISA is unavailable.
bool configure(benchmark::State &state, const Config &config) {
  if (resq_kernels_force_isa(config.isa) != 0) {
    state.SkipWithError("instruction set not available");
    return false;
  }
  resq_set_num_threads(config.threads);
  return true;
}

void fill(std::vector<float> &v) {
  // The top 24 bits of the hash, scaled to [-1, 1).
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(static_cast<uint32_t>(i) * kHashMultiplier >> 8) /
               (1 << 23) -
           1.0f;
}

void fill(std::vector<int8_t> &v) {
  for (size_t i = 0; i < v.size(); ++i)
    v[i] =
        static_cast<int8_t>(static_cast<uint32_t>(i) * kHashMultiplier >> 24);
}

void setRate(benchmark::State &state, const char *name, int64_t m, int64_t n,
             int64_t k) {
  state.counters[name] =
      benchmark::Counter(2.0 * static_cast<double>(m * n * k),
                         benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::kIs1000);
}

void benchGemmF32(benchmark::State &state, Config config) {
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  if (!configure(state, config))
    return;
  std::vector<float> a(m * k), b(k * n), c(m * n);
  fill(a);
  fill(b);
  for (auto _ : state) {
    resq_gemm_f32(m, n, k, a.data(), k, b.data(), n, c.data(), n, 0);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(resq_gemm_f32_isa());
  setRate(state, "FLOP/s", m, n, k);
}

void benchGemmS8(benchmark::State &state, Config config) {
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  if (!configure(state, config))
    return;
  std::vector<int8_t> a(m * k), b(k * n);
  std::vector<int32_t> c(m * n);
  fill(a);
  fill(b);
  for (auto _ : state) {
    resq_gemm_s8s8s32(m, n, k, a.data(), k, b.data(), n, c.data(), n, 0);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(resq_gemm_s8_isa());
  setRate(state, "OP/s", m, n, k);
}

void addShapes(benchmark::internal::Benchmark *bench, bool scalar) {
  bench->ArgNames({"M", "N", "K"})
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  for (int64_t m : kTokens) {
    if (scalar) {
      for (int64_t width : kScalarWidths)
        bench->Args({m, width, width});
      continue;
    }
    for (int64_t k : kWidths)
      for (int64_t n : kWidths)
        bench->Args({m, n, k});
  }
}

void registerAll() {
  // f32 has one kernel per register width, s8 one per level.
  const char *const f32Isas[] = {"scalar", "avx2", "avx512"};
  const char *const s8Isas[] = {"scalar", "avx2", "avx-vnni", "avx512",
                                "avx512vnni"};
  for (const char *isa : f32Isas) {
    if (resq_kernels_force_isa(isa) != 0)
      continue;
    const std::string name = std::string("gemm_f32/") + isa;
    addShapes(benchmark::RegisterBenchmark(name.c_str(), benchGemmF32,
                                           Config{isa, 1}),
              std::string(isa) == "scalar");
  }
  for (const char *isa : s8Isas) {
    if (resq_kernels_force_isa(isa) != 0)
      continue;
    const std::string name = std::string("gemm_s8/") + isa;
    addShapes(
        benchmark::RegisterBenchmark(name.c_str(), benchGemmS8, Config{isa, 1}),
        std::string(isa) == "scalar");
  }
  resq_kernels_force_isa("auto");
  addShapes(benchmark::RegisterBenchmark("gemm_f32/auto/2-threads",
                                         benchGemmF32, Config{"auto", 2}),
            false);
  addShapes(benchmark::RegisterBenchmark("gemm_s8/auto/2-threads", benchGemmS8,
                                         Config{"auto", 2}),
            false);
}

} // namespace

int main(int argc, char **argv) {
  registerAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
