//===- HostTensor.cpp - tensors the importer knows the value of ----------===//

#include "HostTensor.h"

#include "llvm/ADT/APFloat.h"

#include <cmath>
#include <cstring>

namespace resq::onnx_import {

namespace {
/// The largest tensor the importer accepts: 2^48 elements.
constexpr int64_t kMaxElements = int64_t(1) << 48;

template <typename T> T load(const uint8_t *bytes, int64_t i) {
  T value;
  std::memcpy(&value, bytes + i * sizeof(T), sizeof(T));
  return value;
}

template <typename T> void store(uint8_t *bytes, int64_t i, T value) {
  std::memcpy(bytes + i * sizeof(T), &value, sizeof(T));
}

double halfToDouble(uint16_t bits, const llvm::fltSemantics &semantics) {
  llvm::APFloat value(semantics, llvm::APInt(16, bits));
  bool losesInfo;
  value.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
                &losesInfo);
  return value.convertToDouble();
}

uint16_t doubleToHalf(double x, const llvm::fltSemantics &semantics) {
  llvm::APFloat value(x);
  bool losesInfo;
  value.convert(semantics, llvm::APFloat::rmNearestTiesToEven, &losesInfo);
  return static_cast<uint16_t>(value.bitcastToAPInt().getZExtValue());
}
} // namespace

bool isSupportedType(int32_t dataType) {
  switch (dataType) {
  case kFloat:
  case kUint8:
  case kInt8:
  case kInt32:
  case kInt64:
  case kBool:
  case kFloat16:
  case kDouble:
  case kBfloat16:
    return true;
  default:
    return false;
  }
}

bool isFloatType(int32_t dataType) {
  return dataType == kFloat || dataType == kFloat16 || dataType == kDouble ||
         dataType == kBfloat16;
}

std::string typeName(int32_t dataType) {
  switch (dataType) {
  case kFloat:
    return "FLOAT";
  case kUint8:
    return "UINT8";
  case kInt8:
    return "INT8";
  case kInt32:
    return "INT32";
  case kInt64:
    return "INT64";
  case kBool:
    return "BOOL";
  case kFloat16:
    return "FLOAT16";
  case kDouble:
    return "DOUBLE";
  case kBfloat16:
    return "BFLOAT16";
  case 4:
    return "UINT16";
  case 5:
    return "INT16";
  case 8:
    return "STRING";
  case 12:
    return "UINT32";
  case 13:
    return "UINT64";
  case 14:
    return "COMPLEX64";
  case 15:
    return "COMPLEX128";
  case 17:
    return "FLOAT8E4M3FN";
  case 18:
    return "FLOAT8E4M3FNUZ";
  case 19:
    return "FLOAT8E5M2";
  case 20:
    return "FLOAT8E5M2FNUZ";
  case 21:
    return "UINT4";
  case 22:
    return "INT4";
  case 23:
    return "FLOAT4E2M1";
  default:
    return "data type " + std::to_string(dataType);
  }
}

size_t typeSize(int32_t dataType) {
  switch (dataType) {
  case kDouble:
  case kInt64:
    return 8;
  case kFloat:
  case kInt32:
    return 4;
  case kFloat16:
  case kBfloat16:
    return 2;
  default:
    return 1;
  }
}

mlir::Type toMlirType(int32_t dataType, mlir::MLIRContext *context) {
  switch (dataType) {
  case kFloat:
    return mlir::Float32Type::get(context);
  case kFloat16:
    return mlir::Float16Type::get(context);
  case kBfloat16:
    return mlir::BFloat16Type::get(context);
  case kDouble:
    return mlir::Float64Type::get(context);
  case kInt64:
    return mlir::IntegerType::get(context, 64);
  case kInt32:
    return mlir::IntegerType::get(context, 32);
  case kInt8:
    return mlir::IntegerType::get(context, 8);
  case kUint8:
    // Signless like every integer arith and TOSA compute with; the importer
    // remembers which i8 values are UINT8 (TensorValue::dataType).
    return mlir::IntegerType::get(context, 8);
  case kBool:
    return mlir::IntegerType::get(context, 1);
  default:
    return nullptr;
  }
}

std::optional<int32_t> fromMlirType(mlir::Type type) {
  if (type.isF32())
    return kFloat;
  if (type.isF16())
    return kFloat16;
  if (type.isBF16())
    return kBfloat16;
  if (type.isF64())
    return kDouble;
  if (type.isSignlessInteger(64))
    return kInt64;
  if (type.isSignlessInteger(32))
    return kInt32;
  if (type.isSignlessInteger(8))
    return kInt8;
  if (type.isSignlessInteger(1))
    return kBool;
  return std::nullopt;
}

int64_t shapeProduct(llvm::ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

std::optional<int64_t> checkedElementCount(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || (dim != 0 && count > kMaxElements / dim))
      return std::nullopt;
    count *= dim;
  }
  return count;
}

int64_t HostTensor::numElements() const { return shapeProduct(shape); }

double HostTensor::asDouble(int64_t i) const {
  switch (dataType) {
  case kFloat:
    return load<float>(bytes, i);
  case kDouble:
    return load<double>(bytes, i);
  case kFloat16:
    return halfToDouble(load<uint16_t>(bytes, i), llvm::APFloat::IEEEhalf());
  case kBfloat16:
    return halfToDouble(load<uint16_t>(bytes, i), llvm::APFloat::BFloat());
  default:
    return static_cast<double>(asInt(i));
  }
}

int64_t HostTensor::asInt(int64_t i) const {
  switch (dataType) {
  case kInt64:
    return load<int64_t>(bytes, i);
  case kInt32:
    return load<int32_t>(bytes, i);
  case kInt8:
    return load<int8_t>(bytes, i);
  case kUint8:
    return load<uint8_t>(bytes, i);
  case kBool:
    return load<uint8_t>(bytes, i) != 0;
  default: {
    double value = asDouble(i);
    if (!std::isfinite(value))
      return 0;
    return static_cast<int64_t>(std::trunc(value));
  }
  }
}

std::vector<int64_t> HostTensor::ints() const {
  std::vector<int64_t> values(numElements());
  for (int64_t i = 0; i < numElements(); ++i)
    values[i] = asInt(i);
  return values;
}

HostTensor HostTensor::allocate(int32_t dataType, std::vector<int64_t> shape) {
  HostTensor tensor;
  tensor.dataType = dataType;
  tensor.shape = std::move(shape);
  auto storage = std::make_shared<std::vector<uint8_t>>(
      std::max<size_t>(tensor.byteSize(), 1));
  tensor.bytes = storage->data();
  tensor.owner = storage;
  return tensor;
}

HostTensor HostTensor::fromInts(int32_t dataType, std::vector<int64_t> shape,
                                const std::vector<int64_t> &values) {
  if (isFloatType(dataType)) {
    std::vector<double> doubles(values.begin(), values.end());
    return fromDoubles(dataType, std::move(shape), doubles);
  }
  HostTensor tensor = allocate(dataType, std::move(shape));
  uint8_t *out = tensor.mutableBytes();
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t v = values[i];
    switch (dataType) {
    case kInt64:
      store<int64_t>(out, i, v);
      break;
    case kInt32:
      store<int32_t>(out, i, static_cast<int32_t>(v));
      break;
    case kInt8:
      store<int8_t>(out, i, static_cast<int8_t>(v));
      break;
    case kBool:
      store<uint8_t>(out, i, v != 0);
      break;
    default:
      store<uint8_t>(out, i, static_cast<uint8_t>(v));
      break;
    }
  }
  return tensor;
}

HostTensor HostTensor::fromDoubles(int32_t dataType, std::vector<int64_t> shape,
                                   const std::vector<double> &values) {
  if (!isFloatType(dataType)) {
    std::vector<int64_t> ints(values.size());
    for (size_t i = 0; i < values.size(); ++i)
      ints[i] = std::isfinite(values[i])
                    ? static_cast<int64_t>(std::trunc(values[i]))
                    : 0;
    return fromInts(dataType, std::move(shape), ints);
  }
  HostTensor tensor = allocate(dataType, std::move(shape));
  uint8_t *out = tensor.mutableBytes();
  for (size_t i = 0; i < values.size(); ++i) {
    switch (dataType) {
    case kFloat:
      store<float>(out, i, static_cast<float>(values[i]));
      break;
    case kDouble:
      store<double>(out, i, values[i]);
      break;
    case kFloat16:
      store<uint16_t>(out, i,
                      doubleToHalf(values[i], llvm::APFloat::IEEEhalf()));
      break;
    default:
      store<uint16_t>(out, i, doubleToHalf(values[i], llvm::APFloat::BFloat()));
      break;
    }
  }
  return tensor;
}

} // namespace resq::onnx_import
