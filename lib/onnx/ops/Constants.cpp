//===- Constants.cpp - ONNX ops that make tensors from attributes --------===//
//
// Constant, ConstantOfShape and Range only produce values known at import
// time. Trilu folds when its input is known (the causal masks of exports)
// and otherwise becomes a linalg.generic that compares element indices.
//
//===----------------------------------------------------------------------===//

#include "../Emit.h"
#include "../HostEval.h"
#include "../NodeImporter.h"
#include "../OpTable.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <cmath>
#include <cstring>

using namespace mlir;

namespace resq::onnx_import {

LogicalResult importConstant(NodeImporter &node) {
  if (node.node().attribute_size() != 1)
    return node.error() << "expected exactly one value attribute, found "
                        << node.node().attribute_size();
  const onnx::AttributeProto &attr = node.node().attribute(0);
  const std::string &name = attr.name();
  // Each value attribute has one type (checkAttributes matched the field).
  using Attr = onnx::AttributeProto;
  static const std::pair<const char *, Attr::AttributeType> kTypes[] = {
      {"value", Attr::TENSOR},          {"value_float", Attr::FLOAT},
      {"value_floats", Attr::FLOATS},   {"value_int", Attr::INT},
      {"value_ints", Attr::INTS},       {"value_string", Attr::STRING},
      {"value_strings", Attr::STRINGS}, {"sparse_value", Attr::SPARSE_TENSOR}};
  for (auto [known, type] : kTypes)
    if (name == known && !node.attribute(name, type))
      return failure();
  if (name == "value") {
    HostTensor tensor;
    std::string error;
    if (!node.readTensor(attr.t(), tensor, error))
      return node.error() << "attribute 'value' " << error;
    node.setOutput(0, std::move(tensor));
  } else if (name == "value_float") {
    node.setOutput(0, HostTensor::fromDoubles(kFloat, {}, {attr.f()}));
  } else if (name == "value_floats") {
    std::vector<double> values(attr.floats().begin(), attr.floats().end());
    node.setOutput(0,
                   HostTensor::fromDoubles(
                       kFloat, {static_cast<int64_t>(values.size())}, values));
  } else if (name == "value_int") {
    node.setOutput(0, HostTensor::fromInts(kInt64, {}, {attr.i()}));
  } else if (name == "value_ints") {
    std::vector<int64_t> values(attr.ints().begin(), attr.ints().end());
    node.setOutput(
        0, HostTensor::fromInts(kInt64, {static_cast<int64_t>(values.size())},
                                values));
  } else {
    return node.error() << "attribute '" << name << "' is not supported "
                        << "(sparse and string constants are not)";
  }
  return success();
}

LogicalResult importConstantOfShape(NodeImporter &node) {
  const HostTensor *shapeInput = node.requireConstant(0, "the shape");
  if (!shapeInput)
    return failure();
  std::vector<int64_t> shape = shapeInput->ints();
  if (!checkedElementCount(shape))
    return node.error() << "shape has a negative or absurdly large dim";
  HostTensor fill = HostTensor::fromDoubles(kFloat, {1}, {0.0});
  if (const onnx::AttributeProto *value =
          node.attribute("value", onnx::AttributeProto::TENSOR)) {
    std::string error;
    if (!node.readTensor(value->t(), fill, error))
      return node.error() << "attribute 'value' " << error;
    if (fill.numElements() != 1)
      return node.error() << "attribute 'value' must hold one element";
  }
  if (!node.fitsOnHost(RankedTensorType::get(
          shape, toMlirType(fill.dataType, node.context()))))
    return failure();
  node.setOutput(0, host::remap(fill, shape,
                                [](ArrayRef<int64_t>) { return int64_t(0); }));
  return success();
}

LogicalResult importRange(NodeImporter &node) {
  const HostTensor *start = node.requireConstant(0, "start");
  const HostTensor *limit = start ? node.requireConstant(1, "limit") : nullptr;
  const HostTensor *delta = limit ? node.requireConstant(2, "delta") : nullptr;
  if (!delta)
    return failure();
  if (start->numElements() != 1 || limit->numElements() != 1 ||
      delta->numElements() != 1)
    return node.error() << "start, limit and delta must be scalars";
  double first = start->asDouble(0), last = limit->asDouble(0),
         step = delta->asDouble(0);
  if (step == 0)
    return node.error() << "delta must not be 0";
  double steps = std::ceil((last - first) / step);
  if (!std::isfinite(steps) || steps > double(int64_t(1) << 48))
    return node.error() << "the range has too many elements";
  int64_t count = steps > 0 ? static_cast<int64_t>(steps) : 0;
  if (!node.fitsOnHost(RankedTensorType::get(
          {count}, toMlirType(start->dataType, node.context()))))
    return failure();
  std::vector<double> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(first + static_cast<double>(i) * step);
  node.setOutput(0, HostTensor::fromDoubles(start->dataType, {count}, values));
  return success();
}

LogicalResult importTrilu(NodeImporter &node) {
  RankedTensorType type = node.inputType(0);
  if (type.getRank() < 2)
    return node.error() << "expected an input of rank >= 2, found " << type;
  int64_t k = 0;
  if (node.hasInput(1)) {
    const HostTensor *kInput = node.requireConstant(1, "k");
    if (!kInput)
      return failure();
    if (kInput->numElements() != 1)
      return node.error() << "k must hold one value, found "
                          << kInput->numElements();
    k = kInput->asInt(0);
  }
  bool upper = node.intAttr("upper", 1) != 0;
  int64_t rank = type.getRank();
  // Keeps element (i, j) of the last two dims when j - i >= k (upper) or
  // j - i <= k (lower).
  auto keep = [&](int64_t i, int64_t j) {
    return upper ? j - i >= k : j - i <= k;
  };

  if (const HostTensor *input = node.constant(0)) {
    HostTensor zero = HostTensor::fromDoubles(input->dataType, {1}, {0.0});
    HostTensor result = HostTensor::allocate(input->dataType, input->shape);
    size_t width = typeSize(input->dataType);
    int64_t rows = input->shape[rank - 2], cols = input->shape[rank - 1];
    for (int64_t n = 0; n < input->numElements(); ++n) {
      int64_t j = n % cols, i = (n / cols) % rows;
      const uint8_t *source =
          keep(i, j) ? input->bytes + n * width : zero.bytes;
      std::memcpy(result.mutableBytes() + n * width, source, width);
    }
    node.setOutput(0, std::move(result));
    return success();
  }

  Value x = node.value(0);
  if (!x)
    return failure();
  Type element = type.getElementType();
  node.setOutput(
      0, emit::elementwise(
             node.builder(), node.loc(), type, {x},
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Value i = linalg::IndexOp::create(b, loc, rank - 2);
               Value j = linalg::IndexOp::create(b, loc, rank - 1);
               Value diff = arith::SubIOp::create(b, loc, j, i);
               Value kValue = arith::ConstantIndexOp::create(b, loc, k);
               Value kept =
                   arith::CmpIOp::create(b, loc,
                                         upper ? arith::CmpIPredicate::sge
                                               : arith::CmpIPredicate::sle,
                                         diff, kValue);
               Value zero =
                   arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
               return arith::SelectOp::create(b, loc, kept, args[0], zero);
             }));
  return success();
}

} // namespace resq::onnx_import
