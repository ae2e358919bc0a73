//===- ArchiveBench.cpp - time to open a safetensors header --------------===//
//
// Archive::fromBuffer on headers of 1 K to 128 K tensors (a 7B Llama has
// 291; a sharded 70B, about 700). The fitted complexity must stay O(N): a
// hostile 100 MiB header holds about a million entries, and a reader that
// rescans its keys per entry would take hours on it.
//
//===----------------------------------------------------------------------===//

#include "resq/params/Archive.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

/// A safetensors file of `count` 4-byte tensors with Llama-like names.
std::vector<uint8_t> syntheticArchive(int64_t count) {
  std::string header = "{\"__metadata__\":{\"producer\":\"bench\"}";
  uint64_t offset = 0;
  for (int64_t i = 0; i < count; ++i, offset += 4)
    header += ",\"model.layers." + std::to_string(i) +
              ".self_attn.q_proj.weight\":{\"dtype\":\"U8\",\"shape\":[1,4],"
              "\"data_offsets\":[" +
              std::to_string(offset) + "," + std::to_string(offset + 4) + "]}";
  header += "}";
  std::vector<uint8_t> bytes(8 + header.size() + offset);
  uint64_t length = header.size();
  for (size_t i = 0; i < 8; ++i)
    bytes[i] = static_cast<uint8_t>(length >> (8 * i));
  std::memcpy(bytes.data() + 8, header.data(), header.size());
  return bytes;
}

void BM_OpenHeader(benchmark::State &state) {
  std::vector<uint8_t> bytes = syntheticArchive(state.range(0));
  std::string error;
  for (auto _ : state) {
    auto archive =
        resq::params::Archive::fromBuffer(bytes.data(), bytes.size(), error);
    if (!archive) {
      state.SkipWithError(error.c_str());
      return;
    }
    benchmark::DoNotOptimize(archive);
  }
  state.SetComplexityN(state.range(0));
  state.SetBytesProcessed(state.iterations() * bytes.size());
}
BENCHMARK(BM_OpenHeader)
    ->RangeMultiplier(4)
    ->Range(1 << 10, 1 << 17)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

} // namespace

BENCHMARK_MAIN();
