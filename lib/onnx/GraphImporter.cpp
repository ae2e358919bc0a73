//===- GraphImporter.cpp - one ONNX graph into one func.func -------------===//

#include "GraphImporter.h"

#include "OpTable.h"

#include "dialects/resq/ResqOps.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

#include <cstring>
#include <queue>

using namespace mlir;

namespace resq::onnx_import {

namespace {
/// The TOSA 1.0 profile the graph level targets; --tosa-validate checks it.
constexpr llvm::StringLiteral kTosaTargetEnv =
    "#tosa.target_env<specification_version = \"1.0\", level = \"none\", "
    "profiles = [\"pro_int\", \"pro_fp\"], extensions = [\"bf16\"]>";

bool isDefaultDomain(const std::string &domain) {
  return domain.empty() || domain == "ai.onnx";
}

std::optional<params::DType> archiveDType(int32_t dataType) {
  switch (dataType) {
  case kFloat:
    return params::DType::F32;
  case kFloat16:
    return params::DType::F16;
  case kBfloat16:
    return params::DType::BF16;
  case kDouble:
    return params::DType::F64;
  case kInt64:
    return params::DType::I64;
  case kInt32:
    return params::DType::I32;
  case kInt8:
    return params::DType::I8;
  case kUint8:
    return params::DType::U8;
  case kBool:
    return params::DType::Bool;
  default:
    return std::nullopt;
  }
}

std::string nodeName(const onnx::NodeProto &node, size_t index) {
  if (!node.name().empty())
    return node.name();
  return node.op_type() + "_" + std::to_string(index);
}

/// "node 'name' (Op, opset N)", the start of every error about a node.
std::string nodePrefix(const onnx::NodeProto &node, size_t index,
                       int64_t opset) {
  return "node '" + nodeName(node, index) + "' (" + node.op_type() +
         ", opset " + std::to_string(opset) + ")";
}

/// Checks the node's input and output counts against its op's arity.
std::optional<std::string> checkArity(const onnx::NodeProto &node,
                                      const OpArity &arity) {
  int inputs = node.input_size(), outputs = node.output_size();
  auto range = [](int low, int high) {
    if (low == high)
      return std::to_string(low);
    if (high >= kUnbounded)
      return "at least " + std::to_string(low);
    return std::to_string(low) + " to " + std::to_string(high);
  };
  if (inputs < arity.requiredInputs || inputs > arity.maxInputs)
    return "expected " + range(arity.requiredInputs, arity.maxInputs) +
           " inputs, found " + std::to_string(inputs);
  for (int i = 0; i < arity.requiredInputs; ++i)
    if (node.input(i).empty())
      return "required input " + std::to_string(i) + " is empty";
  if (outputs < arity.minOutputs || outputs > arity.maxOutputs)
    return "expected " + range(arity.minOutputs, arity.maxOutputs) +
           " outputs, found " + std::to_string(outputs);
  return std::nullopt;
}
} // namespace

GraphImporter::GraphImporter(std::shared_ptr<ModelFile> model, ModuleOp module,
                             const OnnxImportOptions &options,
                             params::ArchiveWriter &archive)
    : model(std::move(model)), module(module), options(options),
      archive(archive), opBuilder(module.getContext()),
      fileLoc(FileLineColLoc::get(module.getContext(), this->model->path(), 0,
                                  0)) {}

const TensorValue *GraphImporter::lookup(const std::string &name) const {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

void GraphImporter::define(const std::string &name, TensorValue value) {
  values[name] = std::move(value);
}

/// The node's name, on "line" index + 1 of the model file, so that printed
/// diagnostics say which node (in file order) they come from.
Location GraphImporter::nodeLoc(const onnx::NodeProto &node, size_t index) {
  MLIRContext *context = module.getContext();
  return NameLoc::get(
      StringAttr::get(context, nodeName(node, index)),
      FileLineColLoc::get(context, model->path(), index + 1, 1));
}

LogicalResult GraphImporter::checkOpsets() {
  bool ok = true;
  for (const onnx::OperatorSetIdProto &opset : model->model().opset_import()) {
    if (!isDefaultDomain(opset.domain()))
      continue;
    defaultOpset = opset.version();
    if (defaultOpset < kMinOnnxOpset || defaultOpset > kMaxOnnxOpset) {
      emitError(fileLoc) << "the model imports default-domain opset "
                         << defaultOpset << "; resq supports opsets "
                         << kMinOnnxOpset << " to " << kMaxOnnxOpset;
      ok = false;
    }
  }
  if (defaultOpset == 0) {
    emitError(fileLoc) << "the model imports no default-domain (ai.onnx) "
                          "opset";
    ok = false;
  }
  return success(ok);
}

LogicalResult GraphImporter::checkNodesSupported() {
  llvm::StringSet<> localFunctions;
  for (const onnx::FunctionProto &function : model->model().functions())
    localFunctions.insert(function.domain() + ":" + function.name());

  bool ok = true;
  const auto &nodes = model->model().graph().node();
  for (int i = 0; i < nodes.size(); ++i) {
    const onnx::NodeProto &node = nodes[i];
    std::string prefix = "node '" + nodeName(node, i) + "' (" + node.op_type();
    if (localFunctions.contains(node.domain() + ":" + node.op_type())) {
      emitError(nodeLoc(node, i))
          << prefix << ", domain '" << node.domain()
          << "'): ONNX local function '" << node.op_type()
          << "' is not supported; inline it first (onnx.inliner)";
      ok = false;
      continue;
    }
    if (!isDefaultDomain(node.domain())) {
      InFlightDiagnostic diag = emitError(nodeLoc(node, i));
      diag << prefix << ", domain '" << node.domain() << "'): ";
      if (node.domain() == "com.microsoft")
        diag << "'" << node.op_type()
             << "' is an ONNX Runtime contrib op (com.microsoft); export "
                "with standard ONNX ops instead";
      else
        diag << "ops of domain '" << node.domain() << "' are not supported";
      ok = false;
      continue;
    }
    int64_t firstVersion = 0;
    if (lookupOp(node.op_type(), defaultOpset, firstVersion)) {
      if (std::optional<std::string> problem =
              checkArity(node, opArity(node.op_type(), defaultOpset))) {
        emitError(nodeLoc(node, i))
            << nodePrefix(node, i, defaultOpset) << ": " << *problem;
        ok = false;
      }
      continue;
    }
    InFlightDiagnostic diag = emitError(nodeLoc(node, i));
    diag << prefix << ", opset " << defaultOpset << "): ";
    if (firstVersion == 0)
      diag << "op '" << node.op_type() << "' is not supported";
    else
      diag << "op '" << node.op_type() << "' is supported from opset "
           << firstVersion << " on";
    ok = false;
  }
  return success(ok);
}

bool GraphImporter::archiveTensor(const std::string &name,
                                  std::shared_ptr<const HostTensor> tensor,
                                  Location loc) {
  if (archive.contains(name))
    return true;
  std::optional<params::DType> dtype = archiveDType(tensor->dataType);
  std::string error;
  // The writer reads the bytes when the archive is written; the captured
  // pointers keep the tensor and the model (which may own them) alive.
  std::shared_ptr<ModelFile> keepModel = model;
  bool added =
      dtype && archive.add(
                   name, *dtype, tensor->shape, tensor->byteSize(),
                   [tensor, keepModel](std::FILE *file) {
                     size_t size = tensor->byteSize();
                     return size == 0 ||
                            std::fwrite(tensor->bytes, 1, size, file) == size;
                   },
                   error);
  if (!added)
    emitError(loc) << "cannot add tensor '" << name
                   << "' to the parameter archive: " << error;
  return added;
}

LogicalResult GraphImporter::importInitializers() {
  bool ok = true;
  for (const onnx::TensorProto &proto : model->model().graph().initializer()) {
    auto tensor = std::make_shared<HostTensor>();
    std::string error;
    if (!model->readTensor(proto, *tensor, error)) {
      emitError(fileLoc) << "initializer '" << proto.name() << "' " << error;
      ok = false;
      continue;
    }
    if (values.count(proto.name())) {
      emitError(fileLoc) << "initializer '" << proto.name()
                         << "' is defined twice";
      ok = false;
      continue;
    }
    TensorValue value;
    value.type = RankedTensorType::get(
        tensor->shape, toMlirType(tensor->dataType, module.getContext()));
    value.dataType = tensor->dataType;
    value.constant = tensor;
    value.isInitializer = true;
    ok &= archiveTensor(proto.name(), tensor, fileLoc);
    define(proto.name(), std::move(value));
  }
  return success(ok);
}

LogicalResult GraphImporter::importConstInputs() {
  bool ok = true;
  const onnx::GraphProto &graph = model->model().graph();
  for (const auto &entry : options.constInputs) {
    const std::string &name = entry.first;
    const ConstInput &given = entry.second;
    auto input = llvm::find_if(graph.input(),
                               [&](const auto &i) { return i.name() == name; });
    if (input == graph.input().end() || values.count(name)) {
      emitError(fileLoc) << "--const-input names '" << name
                         << "', which is not a graph input";
      ok = false;
      continue;
    }
    const onnx::TypeProto::Tensor &declared = input->type().tensor_type();
    if (declared.elem_type() != given.onnxType) {
      emitError(fileLoc) << "--const-input '" << name << "' is "
                         << typeName(given.onnxType) << ", the model declares "
                         << typeName(declared.elem_type());
      ok = false;
      continue;
    }
    bool shapeFits = !declared.has_shape() ||
                     declared.shape().dim_size() == int(given.shape.size());
    for (int d = 0;
         shapeFits && declared.has_shape() && d < declared.shape().dim_size();
         ++d)
      if (declared.shape().dim(d).has_dim_value() &&
          declared.shape().dim(d).dim_value() != given.shape[d])
        shapeFits = false;
    std::optional<int64_t> count = checkedElementCount(given.shape);
    if (!shapeFits || !count ||
        given.bytes.size() != size_t(*count) * typeSize(given.onnxType)) {
      emitError(fileLoc) << "--const-input '" << name
                         << "' does not fit the shape the model declares";
      ok = false;
      continue;
    }
    auto tensor = std::make_shared<HostTensor>(
        HostTensor::allocate(given.onnxType, given.shape));
    if (!given.bytes.empty())
      std::memcpy(tensor->mutableBytes(), given.bytes.data(),
                  given.bytes.size());
    TensorValue value;
    value.type = RankedTensorType::get(
        tensor->shape, toMlirType(tensor->dataType, module.getContext()));
    value.dataType = tensor->dataType;
    value.constant = tensor;
    value.isInitializer = true;
    ok &= archiveTensor(name, tensor, fileLoc);
    define(name, std::move(value));
  }
  return success(ok);
}

std::optional<RankedTensorType>
GraphImporter::graphInputType(const onnx::ValueInfoProto &input) {
  const std::string &name = input.name();
  if (!input.type().has_tensor_type()) {
    emitError(fileLoc) << "graph input '" << name
                       << "' is not a tensor (sequences, maps and optionals "
                          "are not supported)";
    return std::nullopt;
  }
  const onnx::TypeProto::Tensor &tensor = input.type().tensor_type();
  if (!isSupportedType(tensor.elem_type())) {
    emitError(fileLoc) << "graph input '" << name
                       << "' has unsupported element type "
                       << typeName(tensor.elem_type());
    return std::nullopt;
  }
  std::vector<int64_t> shape;
  auto override = options.inputShapes.find(name);
  if (override != options.inputShapes.end()) {
    shape = override->second;
    if (tensor.has_shape() &&
        tensor.shape().dim_size() != static_cast<int>(shape.size())) {
      emitError(fileLoc) << "--input-shape gives '" << name << "' rank "
                         << shape.size() << ", but the model declares rank "
                         << tensor.shape().dim_size();
      return std::nullopt;
    }
  } else {
    if (!tensor.has_shape()) {
      emitError(fileLoc) << "graph input '" << name
                         << "' has no shape; give one with --input-shape "
                         << name << "=DIMxDIM...";
      return std::nullopt;
    }
    for (int d = 0; d < tensor.shape().dim_size(); ++d) {
      const onnx::TensorShapeProto::Dimension &dim = tensor.shape().dim(d);
      if (dim.has_dim_value() && dim.dim_value() >= 0) {
        shape.push_back(dim.dim_value());
        continue;
      }
      InFlightDiagnostic diag = emitError(fileLoc);
      diag << "graph input '" << name << "' dim " << d;
      if (dim.has_dim_param())
        diag << " ('" << dim.dim_param() << "')";
      diag << " is not static; bind it with --input-shape " << name
           << "=DIMxDIM...";
      return std::nullopt;
    }
  }
  if (!checkedElementCount(shape)) {
    emitError(fileLoc) << "graph input '" << name
                       << "' has a negative or absurdly large dim";
    return std::nullopt;
  }
  return RankedTensorType::get(
      shape, toMlirType(tensor.elem_type(), module.getContext()));
}

FailureOr<func::FuncOp> GraphImporter::createFunction() {
  const onnx::GraphProto &graph = model->model().graph();
  llvm::StringSet<> inputNames;
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  SmallVector<int32_t> argDataTypes;
  bool ok = true;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    inputNames.insert(input.name());
    // IR < 4 lists initializers among the inputs; --const-input values are
    // initializers too.
    if (values.count(input.name()))
      continue;
    std::optional<RankedTensorType> type = graphInputType(input);
    if (!type) {
      ok = false;
      continue;
    }
    argTypes.push_back(*type);
    argNames.push_back(input.name());
    argDataTypes.push_back(input.type().tensor_type().elem_type());
  }
  for (const auto &[name, shape] : options.inputShapes) {
    if (!inputNames.contains(name)) {
      emitError(fileLoc) << "--input-shape names '" << name
                         << "', which is not a graph input";
      ok = false;
    }
  }
  if (!ok)
    return failure();

  opBuilder.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(opBuilder, fileLoc, "main",
                                   opBuilder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  entryBlock = entry;
  for (size_t i = 0; i < argNames.size(); ++i) {
    func.setArgAttr(i, "resq.name", opBuilder.getStringAttr(argNames[i]));
    // UINT8 is i8 in the IR; the attribute keeps the signedness for callers.
    if (argDataTypes[i] == kUint8)
      func.setArgAttr(i, "resq.unsigned", opBuilder.getUnitAttr());
    TensorValue value;
    value.type = cast<RankedTensorType>(argTypes[i]);
    value.dataType = argDataTypes[i];
    value.value = entry->getArgument(i);
    define(argNames[i], std::move(value));
  }
  opBuilder.setInsertionPointToStart(entry);
  return func;
}

FailureOr<std::vector<int>> GraphImporter::sortNodes() {
  const auto &nodes = model->model().graph().node();
  llvm::StringMap<int> producer;
  bool ok = true;
  for (int i = 0; i < nodes.size(); ++i)
    for (const std::string &output : nodes[i].output()) {
      if (output.empty())
        continue;
      if (values.count(output) || !producer.try_emplace(output, i).second) {
        emitError(nodeLoc(nodes[i], i))
            << nodePrefix(nodes[i], i, defaultOpset) << ": tensor '" << output
            << "' is defined more than once";
        ok = false;
      }
    }

  // Kahn's algorithm, taking ready nodes in file order.
  std::vector<int> missing(nodes.size(), 0);
  std::vector<std::vector<int>> users(nodes.size());
  for (int i = 0; i < nodes.size(); ++i) {
    for (const std::string &input : nodes[i].input()) {
      if (input.empty() || values.count(input))
        continue;
      auto it = producer.find(input);
      if (it == producer.end()) {
        emitError(nodeLoc(nodes[i], i))
            << nodePrefix(nodes[i], i, defaultOpset) << ": input '" << input
            << "' is not a graph input, an initializer or a node output";
        ok = false;
        continue;
      }
      ++missing[i];
      users[it->second].push_back(i);
    }
  }
  if (!ok)
    return failure();

  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < nodes.size(); ++i)
    if (missing[i] == 0)
      ready.push(i);
  std::vector<int> order;
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int user : users[i])
      if (--missing[user] == 0)
        ready.push(user);
  }
  if (order.size() == static_cast<size_t>(nodes.size()))
    return order;
  for (int i = 0; i < nodes.size(); ++i)
    if (missing[i] > 0) {
      emitError(nodeLoc(nodes[i], i))
          << nodePrefix(nodes[i], i, defaultOpset)
          << ": the graph has a cycle through this node";
      break;
    }
  return failure();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        size_t index) {
  int64_t firstVersion = 0;
  OpHandler handler = lookupOp(node.op_type(), defaultOpset, firstVersion);
  Location loc = nodeLoc(node, index);
  NodeImporter importer(*this, node, defaultOpset, loc);
  if (failed(importer.checkAttributes()) || failed(handler(importer)) ||
      importer.hadBadAttribute())
    return failure();
  for (int i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty() && !lookup(node.output(i)))
      return importer.error() << "output " << i << " ('" << node.output(i)
                              << "') is not produced by resq's importer for "
                                 "this op";
  return success();
}

Value GraphImporter::materialize(const std::string &name, Location loc) {
  TensorValue &tensor = values[name];
  if (tensor.value)
    return tensor.value;
  const HostTensor &host = *tensor.constant;
  // Constants go to the top of the function, in order of first use.
  OpBuilder::InsertionGuard guard(opBuilder);
  if (lastConstant)
    opBuilder.setInsertionPointAfter(lastConstant);
  else
    opBuilder.setInsertionPointToStart(entryBlock);

  if (host.numElements() < options.inlineWeightsBelow) {
    Attribute attr;
    if (host.dataType == kBool) {
      SmallVector<bool> bits;
      for (int64_t i = 0; i < host.numElements(); ++i)
        bits.push_back(host.asInt(i) != 0);
      attr = DenseElementsAttr::get(tensor.type, bits);
    } else {
      attr = DenseElementsAttr::getFromRawBuffer(
          tensor.type,
          ArrayRef<char>(reinterpret_cast<const char *>(host.bytes),
                         host.byteSize()));
    }
    tensor.value =
        arith::ConstantOp::create(opBuilder, loc, cast<TypedAttr>(attr));
    lastConstant = tensor.value.getDefiningOp();
    return tensor.value;
  }
  if (!archiveTensor(name, tensor.constant, loc))
    return nullptr;
  tensor.value = ParamOp::create(opBuilder, loc, tensor.type,
                                 opBuilder.getStringAttr(name));
  lastConstant = tensor.value.getDefiningOp();
  return tensor.value;
}

LogicalResult GraphImporter::finishFunction(func::FuncOp func) {
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  bool ok = true;
  for (const onnx::ValueInfoProto &output : model->model().graph().output()) {
    if (!lookup(output.name())) {
      emitError(fileLoc) << "graph output '" << output.name()
                         << "' is not produced by any node";
      ok = false;
      continue;
    }
    Value value = materialize(output.name(), fileLoc);
    if (!value)
      return failure();
    results.push_back(value);
    resultTypes.push_back(value.getType());
  }
  if (!ok)
    return failure();
  opBuilder.setInsertionPointToEnd(&func.getBody().front());
  func::ReturnOp::create(opBuilder, fileLoc, results);
  func.setFunctionType(
      opBuilder.getFunctionType(func.getArgumentTypes(), resultTypes));
  for (int i = 0; i < model->model().graph().output_size(); ++i) {
    const std::string &name = model->model().graph().output(i).name();
    func.setResultAttr(i, "resq.name", opBuilder.getStringAttr(name));
    if (lookup(name)->dataType == kUint8)
      func.setResultAttr(i, "resq.unsigned", opBuilder.getUnitAttr());
  }
  return success();
}

std::vector<std::string> GraphImporter::graphInputsNeededAtCompileTime() const {
  const onnx::GraphProto &graph = model->model().graph();
  llvm::StringMap<const onnx::NodeProto *> producer;
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &output : node.output())
      producer[output] = &node;
  llvm::StringSet<> initializers, visited;
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializers.insert(tensor.name());
  std::vector<std::string> found;
  std::vector<std::string> work(neededAtCompileTime);
  while (!work.empty()) {
    std::string name = std::move(work.back());
    work.pop_back();
    if (name.empty() || !visited.insert(name).second ||
        initializers.contains(name))
      continue;
    auto node = producer.find(name);
    if (node == producer.end()) {
      if (llvm::any_of(graph.input(),
                       [&](const auto &input) { return input.name() == name; }))
        found.push_back(name);
      continue;
    }
    for (const std::string &input : node->second->input())
      work.push_back(input);
  }
  return found;
}

LogicalResult GraphImporter::run() {
  MLIRContext *context = module.getContext();
  if (failed(checkOpsets()) || failed(checkNodesSupported()))
    return failure();
  module->setAttr(ResqDialect::getParamsAttrName(),
                  ParamArchiveAttr::get(context, options.archiveName));
  module->setAttr("tosa.target_env", parseAttribute(kTosaTargetEnv, context));
  if (failed(importInitializers()) || failed(importConstInputs()))
    return failure();
  FailureOr<func::FuncOp> func = createFunction();
  if (failed(func))
    return failure();
  FailureOr<std::vector<int>> order = sortNodes();
  if (failed(order))
    return failure();
  const auto &nodes = model->model().graph().node();
  for (int index : *order)
    if (failed(importNode(nodes[index], index)))
      return failure();
  return finishFunction(*func);
}

} // namespace resq::onnx_import
