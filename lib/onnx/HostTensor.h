//===- HostTensor.h - tensors the importer knows the value of --*- C++ -*-===//
//
// Initializers, Constant nodes and the shape arithmetic of exported graphs
// (Shape -> Gather -> Concat -> Reshape) are evaluated while importing. A
// HostTensor holds such a value: ONNX element type, shape and little-endian
// bytes, which it either owns or borrows from the model or a mapped file.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_LIB_ONNX_HOSTTENSOR_H
#define RESQ_LIB_ONNX_HOSTTENSOR_H

#include "mlir/IR/BuiltinTypes.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace resq::onnx_import {

/// ONNX TensorProto.DataType values the importer supports.
enum OnnxType : int32_t {
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kInt32 = 6,
  kInt64 = 7,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kBfloat16 = 16,
};

bool isSupportedType(int32_t dataType);
bool isFloatType(int32_t dataType);
/// "FLOAT", "INT64", ... (or "data type N" for unknown values).
std::string typeName(int32_t dataType);
size_t typeSize(int32_t dataType);
mlir::Type toMlirType(int32_t dataType, mlir::MLIRContext *context);
/// The inverse of toMlirType (i8 reads as INT8: UINT8 is tracked beside the
/// type); nullopt for types ONNX tensors do not have.
std::optional<int32_t> fromMlirType(mlir::Type type);

/// The product of a static shape's dims.
int64_t shapeProduct(llvm::ArrayRef<int64_t> shape);

/// Number of elements, or nullopt for a negative dim or more than 2^48
/// elements (no real model comes close; the bound keeps sizes in range).
std::optional<int64_t> checkedElementCount(const std::vector<int64_t> &shape);

struct HostTensor {
  int32_t dataType = kFloat;
  std::vector<int64_t> shape;
  const uint8_t *bytes = nullptr;
  /// Owns `bytes` when they are not borrowed from the model.
  std::shared_ptr<const void> owner;

  int64_t numElements() const;
  size_t byteSize() const { return numElements() * typeSize(dataType); }

  /// Element `i` converted to double / int64 (floats truncate toward zero).
  double asDouble(int64_t i) const;
  int64_t asInt(int64_t i) const;
  /// All elements as int64 (for shapes, axes, indices).
  std::vector<int64_t> ints() const;

  /// A new tensor of `dataType` holding `values` converted to it.
  static HostTensor fromInts(int32_t dataType, std::vector<int64_t> shape,
                             const std::vector<int64_t> &values);
  static HostTensor fromDoubles(int32_t dataType, std::vector<int64_t> shape,
                                const std::vector<double> &values);
  /// A new tensor with owned, uninitialised storage.
  static HostTensor allocate(int32_t dataType, std::vector<int64_t> shape);
  uint8_t *mutableBytes() { return const_cast<uint8_t *>(bytes); }
};

} // namespace resq::onnx_import

#endif // RESQ_LIB_ONNX_HOSTTENSOR_H
