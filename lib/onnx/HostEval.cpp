//===- HostEval.cpp - evaluating ONNX ops on known tensors ---------------===//

#include "HostEval.h"

#include <cstring>

namespace resq::onnx_import::host {

std::vector<int64_t> strides(llvm::ArrayRef<int64_t> shape) {
  std::vector<int64_t> result(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    result[i] = result[i + 1] * shape[i + 1];
  return result;
}

/// Calls `visit` with every index of `shape` in row-major order.
static void
forEachIndex(llvm::ArrayRef<int64_t> shape,
             llvm::function_ref<void(llvm::ArrayRef<int64_t>)> visit) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t n = 0; n < count; ++n) {
    visit(index);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

HostTensor
remap(const HostTensor &source, std::vector<int64_t> shape,
      llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> sourceIndex) {
  HostTensor result = HostTensor::allocate(source.dataType, shape);
  size_t width = typeSize(source.dataType);
  uint8_t *out = result.mutableBytes();
  forEachIndex(shape, [&](llvm::ArrayRef<int64_t> index) {
    std::memcpy(out, source.bytes + sourceIndex(index) * width, width);
    out += width;
  });
  return result;
}

HostTensor reshape(const HostTensor &source, std::vector<int64_t> shape) {
  HostTensor result = source;
  result.shape = std::move(shape);
  return result;
}

int64_t broadcastIndex(llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<int64_t> stridesOfShape,
                       llvm::ArrayRef<int64_t> index) {
  size_t offset = index.size() - shape.size();
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] != 1)
      flat += index[offset + d] * stridesOfShape[d];
  return flat;
}

HostTensor combine(llvm::ArrayRef<const HostTensor *> inputs,
                   std::vector<int64_t> shape, int32_t dataType,
                   llvm::function_ref<double(llvm::ArrayRef<double>)> floatOp,
                   llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> intOp) {
  std::vector<std::vector<int64_t>> inputStrides;
  bool floatInputs = false;
  for (const HostTensor *input : inputs) {
    inputStrides.push_back(strides(input->shape));
    floatInputs |= isFloatType(input->dataType);
  }
  std::vector<double> doubles;
  std::vector<int64_t> ints;
  std::vector<double> floatArgs(inputs.size());
  std::vector<int64_t> intArgs(inputs.size());
  forEachIndex(shape, [&](llvm::ArrayRef<int64_t> index) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      int64_t at = broadcastIndex(inputs[i]->shape, inputStrides[i], index);
      if (floatInputs)
        floatArgs[i] = inputs[i]->asDouble(at);
      else
        intArgs[i] = inputs[i]->asInt(at);
    }
    if (floatInputs)
      doubles.push_back(floatOp(floatArgs));
    else
      ints.push_back(intOp(intArgs));
  });
  if (floatInputs)
    return HostTensor::fromDoubles(dataType, std::move(shape), doubles);
  return HostTensor::fromInts(dataType, std::move(shape), ints);
}

} // namespace resq::onnx_import::host
