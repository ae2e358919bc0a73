//===- NodeImporter.cpp - what an op handler sees of the import ----------===//

#include "NodeImporter.h"

#include "GraphImporter.h"

#include "dialects/resq/ResqOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace resq::onnx_import {

NodeImporter::NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
                           int64_t opset, Location loc)
    : graph(graph), proto(node), opsetVersion(opset), location(loc) {}

OpBuilder &NodeImporter::builder() { return graph.builder(); }

MLIRContext *NodeImporter::context() { return location.getContext(); }

InFlightDiagnostic NodeImporter::error() {
  InFlightDiagnostic diag = emitError(location);
  diag << "node '" << cast<NameLoc>(location).getName().getValue() << "' ("
       << proto.op_type() << ", opset " << opsetVersion << "): ";
  return diag;
}

bool NodeImporter::hasInput(size_t i) const {
  return i < numInputs() && !proto.input(i).empty();
}

const TensorValue &NodeImporter::input(size_t i) const {
  // The graph importer sorted the nodes, so present inputs are defined.
  return *graph.lookup(proto.input(i));
}

RankedTensorType NodeImporter::inputType(size_t i) const {
  return input(i).type;
}

int32_t NodeImporter::inputDataType(size_t i) const {
  return input(i).dataType;
}

const HostTensor *NodeImporter::constant(size_t i) const {
  return hasInput(i) ? input(i).constant.get() : nullptr;
}

const HostTensor *NodeImporter::requireConstant(size_t i, StringRef what) {
  if (const HostTensor *tensor = constant(i))
    return tensor;
  if (hasInput(i))
    graph.noteNeededAtCompileTime(proto.input(i));
  error() << what << " (input " << i << ", '"
          << (hasInput(i) ? proto.input(i) : std::string("<absent>"))
          << "') must be known at import time: resq compiles static shapes";
  return nullptr;
}

Value NodeImporter::value(size_t i) {
  return graph.materialize(proto.input(i), location);
}

bool NodeImporter::allInputsConstant() const {
  for (size_t i = 0; i < numInputs(); ++i)
    if (hasInput(i) && !constant(i))
      return false;
  return true;
}

const onnx::AttributeProto *NodeImporter::attribute(StringRef name) const {
  for (const onnx::AttributeProto &attr : proto.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t NodeImporter::intAttr(StringRef name, int64_t defaultValue) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr && attr->has_i() ? attr->i() : defaultValue;
}

float NodeImporter::floatAttr(StringRef name, float defaultValue) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr && attr->has_f() ? attr->f() : defaultValue;
}

std::vector<int64_t> NodeImporter::intsAttr(StringRef name) const {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return {};
  return std::vector<int64_t>(attr->ints().begin(), attr->ints().end());
}

std::string NodeImporter::stringAttr(StringRef name,
                                     StringRef defaultValue) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr && attr->has_s() ? attr->s() : defaultValue.str();
}

bool NodeImporter::readTensor(const onnx::TensorProto &tensor, HostTensor &out,
                              std::string &error) {
  return graph.readTensor(tensor, out, error);
}

bool NodeImporter::hasOutput(size_t i) const {
  return i < numOutputs() && !proto.output(i).empty();
}

void NodeImporter::setOutput(size_t i, Value value,
                             std::optional<int32_t> dataType) {
  if (!hasOutput(i))
    return;
  auto type = cast<RankedTensorType>(value.getType());
  if (!dataType) {
    bool unsignedInput = false;
    for (size_t in = 0; in < numInputs(); ++in)
      unsignedInput |= hasInput(in) && inputDataType(in) == kUint8;
    dataType = unsignedInput && type.getElementType().isSignlessInteger(8)
                   ? kUint8
                   : fromMlirType(type.getElementType()).value_or(kFloat);
  }
  if (type.getNumElements() == 0) {
    // A tensor without elements is known: make it an empty constant, so no
    // TOSA op (which needs non-empty shapes) sees it, and drop the op that
    // computed it.
    Operation *producer = value.getDefiningOp();
    if (producer && value.use_empty() && producer->getNumResults() == 1 &&
        !isa<ParamOp, arith::ConstantOp>(producer))
      producer->erase();
    setOutput(i, HostTensor::allocate(
                     *dataType, std::vector<int64_t>(type.getShape().begin(),
                                                     type.getShape().end())));
    return;
  }
  TensorValue tensor;
  tensor.type = type;
  tensor.dataType = *dataType;
  tensor.value = value;
  graph.define(proto.output(i), std::move(tensor));
}

void NodeImporter::setOutput(size_t i, HostTensor constant) {
  if (!hasOutput(i))
    return;
  TensorValue tensor;
  tensor.type = RankedTensorType::get(constant.shape,
                                      toMlirType(constant.dataType, context()));
  tensor.dataType = constant.dataType;
  tensor.constant = std::make_shared<HostTensor>(std::move(constant));
  graph.define(proto.output(i), std::move(tensor));
}

bool NodeImporter::fitsOnHost(RankedTensorType type) {
  // Folding is for shape arithmetic and masks; a constant this large means a
  // malformed or hostile model.
  constexpr int64_t kMaxHostBytes = int64_t(1) << 30;
  std::optional<int64_t> count = checkedElementCount(
      std::vector<int64_t>(type.getShape().begin(), type.getShape().end()));
  int64_t width = (type.getElementTypeBitWidth() + 7) / 8;
  if (count && *count <= kMaxHostBytes / std::max<int64_t>(width, 1))
    return true;
  error() << "folding this node would create a constant of type " << type
          << ", larger than the 1 GiB resq allows at import time";
  return false;
}

std::optional<int64_t> NodeImporter::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    error() << "axis " << axis << " is out of range for rank " << rank;
    return std::nullopt;
  }
  return axis < 0 ? axis + rank : axis;
}

} // namespace resq::onnx_import
