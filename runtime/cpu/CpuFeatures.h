//===- CpuFeatures.h - instruction sets the CPU and OS support --*- C++ -*-===//

#ifndef RESQ_RUNTIME_CPU_CPUFEATURES_H
#define RESQ_RUNTIME_CPU_CPUFEATURES_H

namespace resq::cpu {

/// Each flag is set only when the CPU implements the extension and the OS
/// saves the registers it uses (XCR0), so code using it cannot fault.
struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool avxVnni = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vnni = false;
};

/// Detected once; every call returns the same value.
const CpuFeatures &cpuFeatures();

} // namespace resq::cpu

#endif // RESQ_RUNTIME_CPU_CPUFEATURES_H
