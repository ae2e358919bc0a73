//===- CpuFeatures.cpp - detect instruction sets with cpuid and xgetbv ---===//

#include "CpuFeatures.h"

#include <cstdint>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace resq::cpu {

#if defined(__x86_64__)
namespace {

// CPUID leaf 1, ECX.
constexpr uint32_t kLeaf1FmaBit = 1u << 12;
constexpr uint32_t kLeaf1OsxsaveBit = 1u << 27;
constexpr uint32_t kLeaf1AvxBit = 1u << 28;
// CPUID leaf 7 subleaf 0, EBX and ECX.
constexpr uint32_t kLeaf7Avx2Bit = 1u << 5;
constexpr uint32_t kLeaf7Avx512fBit = 1u << 16;
constexpr uint32_t kLeaf7Avx512bwBit = 1u << 30;
constexpr uint32_t kLeaf7EcxAvx512vnniBit = 1u << 11;
// CPUID leaf 7 subleaf 1, EAX.
constexpr uint32_t kLeaf7Sub1AvxVnniBit = 1u << 4;
// XCR0: the register state the OS saves on a context switch.
constexpr uint64_t kXcr0AvxState = 0x6;     // XMM | YMM
constexpr uint64_t kXcr0Avx512State = 0xe0; // opmask | ZMM_Hi256 | Hi16_ZMM

uint64_t readXcr0() {
  // Raw encoding so that the file needs no -mxsave.
  uint32_t eax, edx;
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

CpuFeatures detect() {
  CpuFeatures f;
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
    return f;
  const bool fma = ecx & kLeaf1FmaBit;
  const bool avx = ecx & kLeaf1AvxBit;
  if (!(ecx & kLeaf1OsxsaveBit) || !avx)
    return f;
  const uint64_t xcr0 = readXcr0();
  if ((xcr0 & kXcr0AvxState) != kXcr0AvxState)
    return f;
  const bool osAvx512 = (xcr0 & kXcr0Avx512State) == kXcr0Avx512State;

  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
    return f;
  f.fma = fma;
  f.avx2 = ebx & kLeaf7Avx2Bit;
  f.avx512f = osAvx512 && (ebx & kLeaf7Avx512fBit);
  f.avx512bw = f.avx512f && (ebx & kLeaf7Avx512bwBit);
  f.avx512vnni = f.avx512f && (ecx & kLeaf7EcxAvx512vnniBit);
  if (__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx))
    f.avxVnni = eax & kLeaf7Sub1AvxVnniBit;
  return f;
}

} // namespace
#endif

const CpuFeatures &cpuFeatures() {
#if defined(__x86_64__)
  static const CpuFeatures features = detect();
#else
  static const CpuFeatures features;
#endif
  return features;
}

} // namespace resq::cpu
