//===- OpTable.h - the versioned table of supported ONNX ops ---*- C++ -*-===//
//
// One row per (op, since-version): the handler that imports the op as
// defined from that opset on. A model at opset N uses the row with the
// largest since-version <= N, as ONNX's own operator sets do.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_LIB_ONNX_OPTABLE_H
#define RESQ_LIB_ONNX_OPTABLE_H

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <vector>

namespace resq::onnx_import {

class NodeImporter;
using OpHandler = mlir::LogicalResult (*)(NodeImporter &);

struct OpVersion {
  llvm::StringLiteral op;
  int64_t sinceVersion;
  OpHandler handler;
};

/// How many inputs and outputs a node of an op may have; the first
/// `requiredInputs` inputs must be present (non-empty names).
struct OpArity {
  int requiredInputs, maxInputs, minOutputs, maxOutputs;
};
constexpr int kUnbounded = 1 << 30;

/// The arity of a supported op in a model of default-domain `opset`.
OpArity opArity(llvm::StringRef op, int64_t opset);

/// The handler for `op` at `opset`, or null with `firstVersion` set to the
/// op's first supported since-version (0 if resq does not know the op).
OpHandler lookupOp(llvm::StringRef op, int64_t opset, int64_t &firstVersion);

/// Every row, for --op-stats and docs.
const std::vector<OpVersion> &opTable();

// Handlers, one group per file under lib/onnx/ops/.
#define RESQ_ONNX_HANDLER(name) mlir::LogicalResult name(NodeImporter &node);
#include "OpHandlers.def"

} // namespace resq::onnx_import

#endif // RESQ_LIB_ONNX_OPTABLE_H
