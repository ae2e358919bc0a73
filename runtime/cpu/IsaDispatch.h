//===- IsaDispatch.h - pick a GEMM implementation for this CPU --*- C++ -*-===//

#ifndef RESQ_RUNTIME_CPU_ISADISPATCH_H
#define RESQ_RUNTIME_CPU_ISADISPATCH_H

#include "GemmKernels.h"

namespace resq::cpu {

using GemmF32Fn = void (*)(const GemmF32Args &);
using GemmS8Fn = void (*)(const GemmS8Args &);

/// The implementations in use: the best the CPU supports unless a test
/// capped them with resq_kernels_force_isa.
GemmF32Fn selectedGemmF32();
GemmS8Fn selectedGemmS8();

} // namespace resq::cpu

#endif // RESQ_RUNTIME_CPU_ISADISPATCH_H
