//===- Abi.h - the calling convention of a compiled model ------*- C++ -*-===//
//
// A compiled model exports `resq_entry(void **args)` and `resq_abi()`, a text
// that lists the entry's arguments in order: inputs, then parameters (weights
// bound by name), then outputs (buffers the caller provides). One line each,
// tab-separated: `input|param|output <name> <dtype> <d0,d1,...>`, after a
// first line `resq-abi 1`. The dtype is the safetensors spelling (F32, I64,
// U8, BOOL, ...). The runtime parses it (runtime/Abi.cpp); this header only
// serves the passes that write it.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_LOWER_ABI_H
#define RESQ_PASSES_LOWER_ABI_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace resq::abi {

/// Module attribute holding the ABI text between the two passes.
inline constexpr llvm::StringLiteral kModuleAttr = "resq.abi";
/// Entry argument attribute naming the parameter an argument binds.
inline constexpr llvm::StringLiteral kParamAttr = "resq.param";
/// The exported symbols of a compiled model.
inline constexpr llvm::StringLiteral kEntrySymbol = "resq_entry";
inline constexpr llvm::StringLiteral kAbiSymbol = "resq_abi";

/// The ABI text of `entry`, whose first `numInputs` arguments are inputs and
/// the rest parameters; every result is an output. Emits an error (naming the
/// argument) and fails on a dynamic shape, an unsupported element type or a
/// name the format cannot carry.
mlir::FailureOr<std::string> describeEntry(mlir::func::FuncOp entry,
                                           unsigned numInputs);

} // namespace resq::abi

#endif // RESQ_PASSES_LOWER_ABI_H
