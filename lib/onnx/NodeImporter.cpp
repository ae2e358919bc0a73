//===- NodeImporter.cpp - what an op handler sees of the import ----------===//

#include "NodeImporter.h"

#include "GraphImporter.h"

#include "dialects/resq/ResqOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace resq::onnx_import {

NodeImporter::NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
                           int64_t opset, Location loc)
    : graph(graph), proto(node), opsetVersion(opset), location(loc) {}

OpBuilder &NodeImporter::builder() { return graph.builder(); }

MLIRContext *NodeImporter::context() { return location.getContext(); }

InFlightDiagnostic NodeImporter::error() const {
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

namespace {

using AttrType = onnx::AttributeProto::AttributeType;

/// Whether the field that type `type` names holds a value (a repeated field
/// may be empty: an empty list is a value).
bool holdsValue(const onnx::AttributeProto &attr, AttrType type) {
  switch (type) {
  case onnx::AttributeProto::FLOAT:
    return attr.has_f();
  case onnx::AttributeProto::INT:
    return attr.has_i();
  case onnx::AttributeProto::STRING:
    return attr.has_s();
  case onnx::AttributeProto::TENSOR:
    return attr.has_t();
  case onnx::AttributeProto::GRAPH:
    return attr.has_g();
  case onnx::AttributeProto::SPARSE_TENSOR:
    return attr.has_sparse_tensor();
  case onnx::AttributeProto::TYPE_PROTO:
    return attr.has_tp();
  case onnx::AttributeProto::FLOATS:
  case onnx::AttributeProto::INTS:
  case onnx::AttributeProto::STRINGS:
  case onnx::AttributeProto::TENSORS:
  case onnx::AttributeProto::GRAPHS:
  case onnx::AttributeProto::SPARSE_TENSORS:
  case onnx::AttributeProto::TYPE_PROTOS:
    return true;
  default:
    return false;
  }
}

/// The number of value fields set, repeated ones counted when non-empty.
int valueFieldCount(const onnx::AttributeProto &attr) {
  return attr.has_f() + attr.has_i() + attr.has_s() + attr.has_t() +
         attr.has_g() + attr.has_sparse_tensor() + attr.has_tp() +
         (attr.floats_size() > 0) + (attr.ints_size() > 0) +
         (attr.strings_size() > 0) + (attr.tensors_size() > 0) +
         (attr.graphs_size() > 0) + (attr.sparse_tensors_size() > 0) +
         (attr.type_protos_size() > 0);
}

std::string typeName(AttrType type) {
  return onnx::AttributeProto::AttributeType_IsValid(type)
             ? onnx::AttributeProto::AttributeType_Name(type)
             : "type " + std::to_string(int(type));
}

} // namespace

LogicalResult NodeImporter::checkAttributes() {
  llvm::StringSet<> seen;
  for (const onnx::AttributeProto &attr : proto.attribute()) {
    if (!seen.insert(attr.name()).second)
      return error() << "attribute '" << attr.name() << "' is given twice";
    AttrType type = attr.type();
    if (type == onnx::AttributeProto::UNDEFINED)
      return error() << "attribute '" << attr.name() << "' has no type";
    if (!holdsValue(attr, type) || valueFieldCount(attr) > 1)
      return error() << "attribute '" << attr.name() << "' is declared "
                     << typeName(type) << " but holds another kind of value";
  }
  return success();
}

const onnx::AttributeProto *NodeImporter::attribute(StringRef name,
                                                    AttrType type) const {
  for (const onnx::AttributeProto &attr : proto.attribute()) {
    if (attr.name() != name)
      continue;
    if (attr.type() == type)
      return &attr;
    // Reported once per node: the import fails after the handler.
    if (!badAttribute)
      error() << "attribute '" << name.str() << "' is " << typeName(attr.type())
              << ", expected " << typeName(type);
    badAttribute = true;
    return nullptr;
  }
  return nullptr;
}

const onnx::AttributeProto *
NodeImporter::requireAttribute(StringRef name, AttrType type) const {
  const onnx::AttributeProto *attr = attribute(name, type);
  if (!attr && !badAttribute)
    error() << "missing attribute '" << name.str() << "'";
  return attr;
}

int64_t NodeImporter::intAttr(StringRef name, int64_t defaultValue) const {
  const onnx::AttributeProto *attr = attribute(name, onnx::AttributeProto::INT);
  return attr ? attr->i() : defaultValue;
}

float NodeImporter::floatAttr(StringRef name, float defaultValue) const {
  const onnx::AttributeProto *attr =
      attribute(name, onnx::AttributeProto::FLOAT);
  return attr ? attr->f() : defaultValue;
}

std::vector<int64_t> NodeImporter::intsAttr(StringRef name) const {
  const onnx::AttributeProto *attr =
      attribute(name, onnx::AttributeProto::INTS);
  if (!attr)
    return {};
  return std::vector<int64_t>(attr->ints().begin(), attr->ints().end());
}

std::string NodeImporter::stringAttr(StringRef name,
                                     StringRef defaultValue) const {
  const onnx::AttributeProto *attr =
      attribute(name, onnx::AttributeProto::STRING);
  return attr ? attr->s() : defaultValue.str();
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
