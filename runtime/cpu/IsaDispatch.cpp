//===- IsaDispatch.cpp - instruction-set levels and the forced choice ----===//

#include "IsaDispatch.h"

#include "CpuFeatures.h"
#include "resq/runtime/Kernels.h"

#include <atomic>
#include <cstring>

namespace resq::cpu {

namespace {

/// One level per name resq_kernels_force_isa accepts, from the least to the
/// most capable; the automatic choice is the last one available.
struct IsaLevel {
  const char *name;
  bool (*available)(const CpuFeatures &);
  GemmF32Fn f32;
  const char *f32Isa;
  GemmS8Fn s8;
  const char *s8Isa;
};

#if defined(__x86_64__)
bool hasAvx2(const CpuFeatures &f) { return f.avx2 && f.fma; }
bool hasAvxVnni(const CpuFeatures &f) { return hasAvx2(f) && f.avxVnni; }
bool hasAvx512(const CpuFeatures &f) {
  return hasAvx2(f) && f.avx512f && f.avx512bw;
}
bool hasAvx512Vnni(const CpuFeatures &f) {
  return hasAvx512(f) && f.avx512vnni;
}
#endif
bool always(const CpuFeatures &) { return true; }

constexpr IsaLevel kLevels[] = {
    {"scalar", always, gemmF32Scalar, "scalar", gemmS8Scalar, "scalar"},
#if defined(__x86_64__)
    {"avx2", hasAvx2, gemmF32Avx2, "avx2+fma", gemmS8Avx2, "avx2"},
    {"avx-vnni", hasAvxVnni, gemmF32Avx2, "avx2+fma", gemmS8AvxVnni,
     "avx-vnni"},
    {"avx512", hasAvx512, gemmF32Avx512, "avx512f", gemmS8Avx512, "avx512bw"},
    {"avx512vnni", hasAvx512Vnni, gemmF32Avx512, "avx512f", gemmS8Avx512Vnni,
     "avx512vnni"},
#endif
};
constexpr int kNumLevels = sizeof(kLevels) / sizeof(kLevels[0]);
constexpr int kUnset = -1;

int bestLevel() {
  for (int level = kNumLevels - 1; level > 0; --level)
    if (kLevels[level].available(cpuFeatures()))
      return level;
  return 0;
}

std::atomic<int> currentLevel{kUnset};

const IsaLevel &current() {
  int level = currentLevel.load(std::memory_order_relaxed);
  if (level == kUnset) {
    level = bestLevel();
    int expected = kUnset;
    // A concurrent force_isa wins over the automatic choice.
    if (!currentLevel.compare_exchange_strong(expected, level,
                                              std::memory_order_relaxed))
      level = expected;
  }
  return kLevels[level];
}

} // namespace

GemmF32Fn selectedGemmF32() { return current().f32; }
GemmS8Fn selectedGemmS8() { return current().s8; }

} // namespace resq::cpu

using namespace resq::cpu;

extern "C" const char *resq_gemm_f32_isa(void) { return current().f32Isa; }

extern "C" const char *resq_gemm_s8_isa(void) { return current().s8Isa; }

extern "C" int resq_kernels_force_isa(const char *isa) {
  if (!isa || std::strcmp(isa, "auto") == 0) {
    currentLevel.store(bestLevel(), std::memory_order_relaxed);
    return 0;
  }
  for (int level = 0; level < kNumLevels; ++level) {
    if (std::strcmp(isa, kLevels[level].name) != 0)
      continue;
    if (!kLevels[level].available(cpuFeatures()))
      return 1;
    currentLevel.store(level, std::memory_order_relaxed);
    return 0;
  }
  return 1;
}
