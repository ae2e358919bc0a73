//===- FloatConversions.cpp - soft-float helpers lowered code calls -------===//
//
// LLVM lowers `fptrunc float to bfloat` on x86 to a call of __truncsfbf2.
// compiler-rt and GCC 13's libgcc have it; Debian 12's libgcc (GCC 12) does
// not, so compiled models would fail to link. The runtime provides it:
// round to nearest even, NaNs stay (quiet) NaNs, as ONNX's Cast requires.
//
//===----------------------------------------------------------------------===//

#include "resq/Runtime.h"

#include <cstdint>
#include <cstring>

extern "C" RESQ_RUNTIME_EXPORT __bf16 __truncsfbf2(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  uint16_t result;
  if ((bits & 0x7fffffffu) > 0x7f800000u) {
    result = uint16_t((bits >> 16) | 0x0040u);
  } else {
    uint32_t lsb = (bits >> 16) & 1u;
    result = uint16_t((bits + 0x7fffu + lsb) >> 16);
  }
  __bf16 out;
  std::memcpy(&out, &result, sizeof out);
  return out;
}
