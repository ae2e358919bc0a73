//===- RotateOptions.h - the rotation schemes of --resq-rotate ------------===//

#ifndef RESQ_PASSES_ROTATE_ROTATEOPTIONS_H
#define RESQ_PASSES_ROTATE_ROTATEOPTIONS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"

namespace resq {

/// QuaRot-style randomized Hadamard rotations, or ResQ's PCA bases.
enum class RotationScheme { Hadamard, Resq };

inline llvm::cl::ValuesClass rotationSchemeValues() {
  return llvm::cl::values(
      clEnumValN(RotationScheme::Hadamard, "hadamard",
                 "randomized Hadamard (QuaRot-style)"),
      clEnumValN(RotationScheme::Resq, "resq",
                 "PCA bases from the calibration statistics"));
}

/// The option spelling, which the module records in `resq.rotation`.
inline llvm::StringRef stringifyRotationScheme(RotationScheme scheme) {
  return scheme == RotationScheme::Resq ? "resq" : "hadamard";
}

} // namespace resq

#endif // RESQ_PASSES_ROTATE_ROTATEOPTIONS_H
