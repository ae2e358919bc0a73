//===- NodeImporter.h - what an op handler sees of the import --*- C++ -*-===//
//
// Every ONNX op is imported by a handler (see OpTable.h) that reads its
// node's inputs and attributes through a NodeImporter and either emits MLIR
// ops or, when every input is known at import time, computes the outputs on
// the host. Inputs known on the host are materialised into the IR only when
// a handler asks for them as values.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_LIB_ONNX_NODEIMPORTER_H
#define RESQ_LIB_ONNX_NODEIMPORTER_H

#include "HostTensor.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "onnx/onnx_pb.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace resq::onnx_import {

/// What one ONNX tensor name stands for during the import.
struct TensorValue {
  mlir::RankedTensorType type;
  /// The ONNX element type; UINT8 and INT8 are both i8 in the IR.
  int32_t dataType = kFloat;
  /// The value in the IR; null while the tensor is only known on the host.
  mlir::Value value;
  /// The tensor's contents when known at import time.
  std::shared_ptr<const HostTensor> constant;
  /// True for graph initializers (they are always written to the archive).
  bool isInitializer = false;
};

class GraphImporter;

class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node, int64_t opset,
               mlir::Location loc);

  const onnx::NodeProto &node() const { return proto; }
  /// The model's opset for the node's domain.
  int64_t opset() const { return opsetVersion; }
  mlir::Location loc() const { return location; }
  mlir::OpBuilder &builder();
  mlir::MLIRContext *context();

  /// An error at the node: "node 'name' (Op, opset N): <message>".
  mlir::InFlightDiagnostic error() const;

  // Inputs. Optional inputs may be absent (an empty name).
  size_t numInputs() const { return proto.input_size(); }
  bool hasInput(size_t i) const;
  mlir::RankedTensorType inputType(size_t i) const;
  llvm::ArrayRef<int64_t> inputShape(size_t i) const {
    return inputType(i).getShape();
  }
  int32_t inputDataType(size_t i) const;
  /// The input's contents if known at import time, else null.
  const HostTensor *constant(size_t i) const;
  /// The input's contents, or an error naming it if it is not known.
  const HostTensor *requireConstant(size_t i, llvm::StringRef what);
  /// The input as an IR value (materialising a host constant).
  mlir::Value value(size_t i);
  /// True when every present input is known at import time.
  bool allInputsConstant() const;

  // Attributes. ONNX Runtime refuses a model whose attribute has another
  // type than the op's schema says; so do these accessors: an attribute of
  // another type is reported and fails the import (hadBadAttribute), it is
  // never read as absent.
  /// Each name once; each attribute's declared type matches the field that
  /// holds its value. Checked before the op's handler runs.
  mlir::LogicalResult checkAttributes();
  /// The attribute `name` of type `type`, or null if the node has none.
  const onnx::AttributeProto *
  attribute(llvm::StringRef name,
            onnx::AttributeProto::AttributeType type) const;
  /// As attribute(), for an attribute the op needs: reports "missing
  /// attribute 'NAME'" when the node has none (a wrong type is reported as
  /// such, once).
  const onnx::AttributeProto *
  requireAttribute(llvm::StringRef name,
                   onnx::AttributeProto::AttributeType type) const;
  /// Whether an accessor found an attribute of the wrong type.
  bool hadBadAttribute() const { return badAttribute; }
  int64_t intAttr(llvm::StringRef name, int64_t defaultValue) const;
  float floatAttr(llvm::StringRef name, float defaultValue) const;
  std::vector<int64_t> intsAttr(llvm::StringRef name) const;
  std::string stringAttr(llvm::StringRef name,
                         llvm::StringRef defaultValue) const;

  /// The value of a tensor attribute (Constant's `value`).
  bool readTensor(const onnx::TensorProto &tensor, HostTensor &out,
                  std::string &error);

  // Outputs.
  size_t numOutputs() const { return proto.output_size(); }
  bool hasOutput(size_t i) const;
  /// Defines output i. Its ONNX type is `dataType` if given, else UINT8
  /// for an i8 result of a node with a UINT8 input (an op that passes the
  /// type through), else the type the element type names.
  void setOutput(size_t i, mlir::Value value,
                 std::optional<int32_t> dataType = std::nullopt);
  void setOutput(size_t i, HostTensor constant);

  /// True when a tensor of `type` may be computed on the host; otherwise
  /// reports that folding the node would need too much memory.
  bool fitsOnHost(mlir::RankedTensorType type);

  /// Normalises an axis in [-rank, rank) to [0, rank), or reports an error.
  std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

private:
  const TensorValue &input(size_t i) const;

  GraphImporter &graph;
  const onnx::NodeProto &proto;
  int64_t opsetVersion;
  mlir::Location location;
  mutable bool badAttribute = false;
};

} // namespace resq::onnx_import

#endif // RESQ_LIB_ONNX_NODEIMPORTER_H
