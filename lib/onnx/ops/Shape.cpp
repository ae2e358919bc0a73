//===- Shape.cpp - ONNX ops that move data without computing -------------===//
//
// Reshape-like ops become tosa.reshape, Transpose tosa.transpose, Concat
// tosa.concat (tensor.concat for types TOSA lacks), Slice and Split
// tosa.slice (tensor.extract_slice with strides, tosa.reverse for negative
// steps). Their shape operands must be known at import time; known data is
// moved on the host.
//
//===----------------------------------------------------------------------===//

#include "../Emit.h"
#include "../HostEval.h"
#include "../NodeImporter.h"
#include "../OpTable.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <algorithm>
#include <cstring>
#include <numeric>

using namespace mlir;

namespace resq::onnx_import {

namespace {

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

/// Output 0 is input 0 with another shape (same elements, same order).
LogicalResult setReshaped(NodeImporter &node, ArrayRef<int64_t> shape) {
  if (const HostTensor *input = node.constant(0)) {
    node.setOutput(0, host::reshape(*input, {shape.begin(), shape.end()}));
    return success();
  }
  Value x = node.value(0);
  if (!x)
    return failure();
  node.setOutput(0, emit::reshape(node.builder(), node.loc(), x, shape));
  return success();
}

/// Normalises a list of axes for `rank`, rejecting duplicates.
std::optional<std::vector<int64_t>>
normalizeAxes(NodeImporter &node, const std::vector<int64_t> &axes,
              int64_t rank) {
  std::vector<int64_t> result;
  for (int64_t axis : axes) {
    std::optional<int64_t> normalized = node.normalizeAxis(axis, rank);
    if (!normalized)
      return std::nullopt;
    if (llvm::is_contained(result, *normalized)) {
      node.error() << "axis " << axis << " is given twice";
      return std::nullopt;
    }
    result.push_back(*normalized);
  }
  return result;
}

/// Axes from the attribute (older opsets) or the optional input.
std::optional<std::vector<int64_t>>
axesOperand(NodeImporter &node, size_t inputIndex, bool fromInput) {
  if (!fromInput)
    return node.intsAttr("axes");
  if (!node.hasInput(inputIndex))
    return std::vector<int64_t>{};
  const HostTensor *axes = node.requireConstant(inputIndex, "axes");
  if (!axes)
    return std::nullopt;
  return axes->ints();
}

} // namespace

LogicalResult importReshape(NodeImporter &node) {
  const HostTensor *shapeInput = node.requireConstant(1, "the target shape");
  if (!shapeInput)
    return failure();
  ArrayRef<int64_t> inputShape = node.inputShape(0);
  bool allowZero = node.opset() >= 14 && node.intAttr("allowzero", 0) != 0;
  std::vector<int64_t> shape = shapeInput->ints();
  int64_t inferred = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !allowZero) {
      if (i >= inputShape.size())
        return node.error()
               << "target shape " << formatShape(shape) << " copies dim " << i
               << " (0), which the input of rank " << inputShape.size()
               << " does not have";
      shape[i] = inputShape[i];
    } else if (shape[i] == -1) {
      if (inferred >= 0)
        return node.error() << "target shape " << formatShape(shape)
                            << " has more than one -1";
      inferred = static_cast<int64_t>(i);
    } else if (shape[i] < 0) {
      return node.error() << "target shape " << formatShape(shape)
                          << " has a negative dim";
    }
  }
  int64_t total = shapeProduct(inputShape);
  if (inferred >= 0) {
    shape[inferred] = 1;
    int64_t known = shapeProduct(shape);
    if (known == 0 || total % known != 0)
      return node.error() << "cannot infer the -1 of " << formatShape(shape)
                          << " for " << total << " elements";
    shape[inferred] = total / known;
  }
  if (!checkedElementCount(shape) || shapeProduct(shape) != total)
    return node.error() << "cannot reshape " << formatShape(inputShape) << " ("
                        << total << " elements) to " << formatShape(shape);
  return setReshaped(node, shape);
}

LogicalResult importTranspose(NodeImporter &node) {
  ArrayRef<int64_t> inputShape = node.inputShape(0);
  int64_t rank = inputShape.size();
  std::vector<int64_t> perm = node.intsAttr("perm");
  if (perm.empty() && !node.attribute("perm", onnx::AttributeProto::INTS))
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < static_cast<int64_t>(sorted.size()); ++i)
    if (sorted[i] != i || static_cast<int64_t>(perm.size()) != rank)
      return node.error() << "perm " << formatShape(perm)
                          << " is not a permutation of " << rank << " dims";
  std::vector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(inputShape[p]);
  if (const HostTensor *input = node.constant(0)) {
    std::vector<int64_t> sourceStrides = host::strides(input->shape);
    node.setOutput(0, host::remap(*input, shape, [&](ArrayRef<int64_t> index) {
                     int64_t flat = 0;
                     for (int64_t d = 0; d < rank; ++d)
                       flat += index[d] * sourceStrides[perm[d]];
                     return flat;
                   }));
    return success();
  }
  Value x = node.value(0);
  if (!x)
    return failure();
  SmallVector<int32_t> perms(perm.begin(), perm.end());
  node.setOutput(0, emit::transpose(node.builder(), node.loc(), x, perms));
  return success();
}

LogicalResult importUnsqueeze(NodeImporter &node) {
  std::optional<std::vector<int64_t>> axes =
      axesOperand(node, 1, node.opset() >= 13);
  if (!axes)
    return failure();
  ArrayRef<int64_t> inputShape = node.inputShape(0);
  int64_t rank = inputShape.size() + axes->size();
  std::optional<std::vector<int64_t>> normalized =
      normalizeAxes(node, *axes, rank);
  if (!normalized)
    return failure();
  std::vector<int64_t> shape;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(llvm::is_contained(*normalized, d) ? 1
                                                       : inputShape[next++]);
  return setReshaped(node, shape);
}

LogicalResult importSqueeze(NodeImporter &node) {
  std::optional<std::vector<int64_t>> axes =
      axesOperand(node, 1, node.opset() >= 13);
  if (!axes)
    return failure();
  ArrayRef<int64_t> inputShape = node.inputShape(0);
  int64_t rank = inputShape.size();
  std::optional<std::vector<int64_t>> normalized =
      normalizeAxes(node, *axes, rank);
  if (!normalized)
    return failure();
  std::vector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    bool listed = llvm::is_contained(*normalized, d);
    if (listed && inputShape[d] != 1)
      return node.error() << "cannot squeeze axis " << d << " of size "
                          << inputShape[d];
    if (listed || (normalized->empty() && inputShape[d] == 1))
      continue;
    shape.push_back(inputShape[d]);
  }
  return setReshaped(node, shape);
}

LogicalResult importFlatten(NodeImporter &node) {
  ArrayRef<int64_t> inputShape = node.inputShape(0);
  int64_t rank = inputShape.size();
  int64_t axis = node.intAttr("axis", 1);
  if (axis < -rank || axis > rank)
    return node.error() << "axis " << axis << " is out of range for rank "
                        << rank;
  if (axis < 0)
    axis += rank;
  std::vector<int64_t> shape = {shapeProduct(inputShape.take_front(axis)),
                                shapeProduct(inputShape.drop_front(axis))};
  return setReshaped(node, shape);
}

LogicalResult importIdentity(NodeImporter &node) {
  return setReshaped(node, node.inputShape(0));
}

LogicalResult importShape(NodeImporter &node) {
  ArrayRef<int64_t> inputShape = node.inputShape(0);
  int64_t rank = inputShape.size();
  int64_t start = 0, end = rank;
  if (node.opset() >= 15) {
    start = node.intAttr("start", 0);
    end = node.intAttr("end", rank);
  }
  auto clampAxis = [&](int64_t axis) {
    if (axis < 0)
      axis += rank;
    return std::clamp<int64_t>(axis, 0, rank);
  };
  start = clampAxis(start);
  end = std::max(clampAxis(end), start);
  std::vector<int64_t> dims(inputShape.begin() + start,
                            inputShape.begin() + end);
  node.setOutput(0, HostTensor::fromInts(
                        kInt64, {static_cast<int64_t>(dims.size())}, dims));
  return success();
}

LogicalResult importConcat(NodeImporter &node) {
  const onnx::AttributeProto *axisAttr =
      node.requireAttribute("axis", onnx::AttributeProto::INT);
  if (!axisAttr)
    return failure();
  RankedTensorType first = node.inputType(0);
  int64_t rank = first.getRank();
  std::optional<int64_t> axis = node.normalizeAxis(axisAttr->i(), rank);
  if (!axis)
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  shape[*axis] = 0;
  for (size_t i = 0; i < node.numInputs(); ++i) {
    RankedTensorType type = node.inputType(i);
    bool compatible = type.getRank() == rank &&
                      type.getElementType() == first.getElementType();
    for (int64_t d = 0; compatible && d < rank; ++d)
      compatible = d == *axis || type.getDimSize(d) == first.getDimSize(d);
    if (!compatible)
      return node.error() << "input " << i << " (" << type
                          << ") does not concatenate with " << first
                          << " along axis " << *axis;
    shape[*axis] += type.getDimSize(*axis);
  }

  if (node.allInputsConstant()) {
    std::vector<int64_t> offsets;
    int64_t offset = 0;
    for (size_t i = 0; i < node.numInputs(); ++i) {
      offsets.push_back(offset);
      offset += node.inputShape(i)[*axis];
    }
    // Index of a result element in the concatenation of all inputs' bytes.
    std::vector<std::vector<int64_t>> strides;
    for (size_t i = 0; i < node.numInputs(); ++i)
      strides.push_back(host::strides(node.inputShape(i)));
    HostTensor result = HostTensor::allocate(node.constant(0)->dataType,
                                             {shape.begin(), shape.end()});
    size_t width = typeSize(result.dataType);
    std::vector<int64_t> index(rank, 0);
    uint8_t *out = result.mutableBytes();
    for (int64_t n = 0; n < result.numElements(); ++n) {
      size_t input =
          std::upper_bound(offsets.begin(), offsets.end(), index[*axis]) -
          offsets.begin() - 1;
      int64_t flat = 0;
      for (int64_t d = 0; d < rank; ++d)
        flat += (d == *axis ? index[d] - offsets[input] : index[d]) *
                strides[input][d];
      std::memcpy(out, node.constant(input)->bytes + flat * width, width);
      out += width;
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < shape[d])
          break;
        index[d] = 0;
      }
    }
    node.setOutput(0, std::move(result));
    return success();
  }

  if (shapeProduct(shape) == 0) {
    node.setOutput(0, HostTensor::allocate(node.inputDataType(0),
                                           {shape.begin(), shape.end()}));
    return success();
  }
  SmallVector<Value> inputs;
  for (size_t i = 0; i < node.numInputs(); ++i) {
    if (node.inputShape(i)[*axis] == 0)
      continue;
    Value value = node.value(i);
    if (!value)
      return failure();
    inputs.push_back(value);
  }
  auto type = RankedTensorType::get(shape, first.getElementType());
  if (inputs.size() == 1) {
    node.setOutput(0, inputs[0]);
    return success();
  }
  if (emit::isTosaElementType(first.getElementType()))
    node.setOutput(0,
                   tosa::ConcatOp::create(node.builder(), node.loc(), type,
                                          inputs, static_cast<int32_t>(*axis)));
  else
    node.setOutput(0, tensor::ConcatOp::create(node.builder(), node.loc(), type,
                                               *axis, inputs));
  return success();
}

namespace {
/// One axis of a Slice: the first index, the step and the element count.
struct SliceAxis {
  int64_t start, step, count;
};

SliceAxis resolveSliceAxis(int64_t start, int64_t end, int64_t step,
                           int64_t dim) {
  // 128-bit arithmetic: starts, ends and steps may be anywhere in int64.
  __int128 first = start, last = end, stride = step;
  if (first < 0)
    first += dim;
  if (last < 0)
    last += dim;
  __int128 count;
  if (stride > 0) {
    first = std::clamp<__int128>(first, 0, dim);
    last = std::clamp<__int128>(last, 0, dim);
    count = last > first ? (last - first - 1) / stride + 1 : 0;
  } else {
    first = std::clamp<__int128>(first, 0, dim - 1);
    last = std::clamp<__int128>(last, -1, dim - 1);
    count = first > last ? (first - last - 1) / -stride + 1 : 0;
  }
  // A step larger than the dim takes one element; keep it in int64.
  int64_t clampedStep = static_cast<int64_t>(std::clamp<__int128>(
      stride, -static_cast<__int128>(dim) - 1, static_cast<__int128>(dim) + 1));
  return {static_cast<int64_t>(first), clampedStep,
          static_cast<int64_t>(count)};
}
} // namespace

LogicalResult importSlice(NodeImporter &node) {
  const HostTensor *starts = node.requireConstant(1, "starts");
  const HostTensor *ends = starts ? node.requireConstant(2, "ends") : nullptr;
  if (!starts || !ends)
    return failure();
  ArrayRef<int64_t> inputShape = node.inputShape(0);
  int64_t rank = inputShape.size();
  std::vector<int64_t> startValues = starts->ints(), endValues = ends->ints();
  std::vector<int64_t> axes(startValues.size()), steps(startValues.size(), 1);
  std::iota(axes.begin(), axes.end(), 0);
  if (node.hasInput(3)) {
    const HostTensor *axesInput = node.requireConstant(3, "axes");
    if (!axesInput)
      return failure();
    axes = axesInput->ints();
  }
  if (node.hasInput(4)) {
    const HostTensor *stepsInput = node.requireConstant(4, "steps");
    if (!stepsInput)
      return failure();
    steps = stepsInput->ints();
  }
  if (endValues.size() != startValues.size() ||
      axes.size() != startValues.size() || steps.size() != startValues.size())
    return node.error() << "starts, ends, axes and steps have different "
                           "lengths";
  std::optional<std::vector<int64_t>> normalized =
      normalizeAxes(node, axes, rank);
  if (!normalized)
    return failure();

  std::vector<SliceAxis> slices;
  for (int64_t d = 0; d < rank; ++d)
    slices.push_back({0, 1, inputShape[d]});
  for (size_t i = 0; i < normalized->size(); ++i) {
    if (steps[i] == 0)
      return node.error() << "slice step must not be 0";
    int64_t d = (*normalized)[i];
    slices[d] =
        resolveSliceAxis(startValues[i], endValues[i], steps[i], inputShape[d]);
  }
  std::vector<int64_t> shape;
  for (const SliceAxis &axis : slices)
    shape.push_back(axis.count);

  if (const HostTensor *input = node.constant(0)) {
    std::vector<int64_t> sourceStrides = host::strides(input->shape);
    node.setOutput(0, host::remap(*input, shape, [&](ArrayRef<int64_t> index) {
                     int64_t flat = 0;
                     for (int64_t d = 0; d < rank; ++d)
                       flat += (slices[d].start + index[d] * slices[d].step) *
                               sourceStrides[d];
                     return flat;
                   }));
    return success();
  }

  Value x = node.value(0);
  if (!x)
    return failure();
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Type element = node.inputType(0).getElementType();
  // Negative steps: reverse those axes, then slice forward.
  for (int64_t d = 0; d < rank; ++d) {
    if (slices[d].step > 0)
      continue;
    if (!emit::isTosaElementType(element))
      return node.error() << "negative slice steps on " << element
                          << " are not supported";
    x = tosa::ReverseOp::create(b, loc, x.getType(), x,
                                static_cast<int32_t>(d));
    slices[d].start = inputShape[d] - 1 - slices[d].start;
    slices[d].step = -slices[d].step;
  }
  bool unitSteps = llvm::all_of(
      slices, [](const SliceAxis &axis) { return axis.step == 1; });
  SmallVector<int64_t> offsets, sizes, strides;
  for (const SliceAxis &axis : slices) {
    offsets.push_back(axis.start);
    sizes.push_back(axis.count);
    strides.push_back(axis.step);
  }
  if (unitSteps) {
    node.setOutput(0, emit::slice(b, loc, x, offsets, sizes));
    return success();
  }
  auto type = RankedTensorType::get(sizes, element);
  node.setOutput(0, tensor::ExtractSliceOp::create(
                        b, loc, type, x, ValueRange{}, ValueRange{},
                        ValueRange{}, offsets, sizes, strides));
  return success();
}

LogicalResult importSplit(NodeImporter &node) {
  ArrayRef<int64_t> inputShape = node.inputShape(0);
  std::optional<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", 0), inputShape.size());
  if (!axis)
    return failure();
  int64_t dim = inputShape[*axis];
  int64_t outputs = node.numOutputs();
  if (outputs == 0)
    return node.error() << "Split needs at least one output";
  std::vector<int64_t> sizes;
  if (node.hasInput(1)) {
    const HostTensor *split = node.requireConstant(1, "split");
    if (!split)
      return failure();
    sizes = split->ints();
  } else if (node.opset() < 13 &&
             node.attribute("split", onnx::AttributeProto::INTS)) {
    sizes = node.intsAttr("split");
  } else if (node.opset() >= 18 &&
             node.attribute("num_outputs", onnx::AttributeProto::INT)) {
    int64_t parts = node.intAttr("num_outputs", outputs);
    if (parts != outputs || parts <= 0)
      return node.error() << "num_outputs (" << parts
                          << ") does not match the node's " << outputs
                          << " outputs";
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::clamp<int64_t>(dim - i * chunk, 0, chunk));
  } else {
    if (node.opset() >= 18)
      return node.error() << "expected a 'split' input or a 'num_outputs' "
                             "attribute";
    if (dim % outputs != 0)
      return node.error() << "cannot split " << dim << " into " << outputs
                          << " equal parts";
    sizes.assign(outputs, dim / outputs);
  }
  if (static_cast<int64_t>(sizes.size()) != outputs ||
      std::accumulate(sizes.begin(), sizes.end(), int64_t(0)) != dim ||
      llvm::any_of(sizes, [](int64_t s) { return s < 0; }))
    return node.error() << "split sizes " << formatShape(sizes)
                        << " do not tile " << dim << " into " << outputs
                        << " outputs";

  int64_t offset = 0;
  Value x;
  if (!node.constant(0) && !(x = node.value(0)))
    return failure();
  for (int64_t i = 0; i < outputs; ++i) {
    std::vector<int64_t> shape(inputShape.begin(), inputShape.end());
    shape[*axis] = sizes[i];
    if (const HostTensor *input = node.constant(0)) {
      std::vector<int64_t> sourceStrides = host::strides(input->shape);
      node.setOutput(i, host::remap(*input, shape, [&](ArrayRef<int64_t> idx) {
                       int64_t flat = 0;
                       for (size_t d = 0; d < idx.size(); ++d)
                         flat += (idx[d] + (d == size_t(*axis) ? offset : 0)) *
                                 sourceStrides[d];
                       return flat;
                     }));
    } else {
      SmallVector<int64_t> start(inputShape.size(), 0);
      start[*axis] = offset;
      node.setOutput(i,
                     emit::slice(node.builder(), node.loc(), x, start, shape));
    }
    offset += sizes[i];
  }
  return success();
}

LogicalResult importExpand(NodeImporter &node) {
  const HostTensor *target = node.requireConstant(1, "the target shape");
  if (!target)
    return failure();
  std::vector<int64_t> dims = target->ints();
  ArrayRef<int64_t> inputShape = node.inputShape(0);
  std::optional<SmallVector<int64_t>> shape =
      emit::broadcastShapes(inputShape, dims);
  if (!shape || !checkedElementCount({shape->begin(), shape->end()}))
    return node.error() << "cannot expand " << formatShape(inputShape) << " to "
                        << formatShape(dims);
  if (const HostTensor *input = node.constant(0)) {
    if (!node.fitsOnHost(
            RankedTensorType::get(*shape, node.inputType(0).getElementType())))
      return failure();
    std::vector<int64_t> sourceStrides = host::strides(input->shape);
    node.setOutput(0, host::remap(*input, {shape->begin(), shape->end()},
                                  [&](ArrayRef<int64_t> index) {
                                    return host::broadcastIndex(
                                        input->shape, sourceStrides, index);
                                  }));
    return success();
  }
  Value x = node.value(0);
  if (!x)
    return failure();
  node.setOutput(0, emit::broadcastTo(node.builder(), node.loc(), x, *shape));
  return success();
}

} // namespace resq::onnx_import
