//===- TensorFile.h - tensors in .npy and ONNX .pb files -------*- C++ -*-===//
//
// resq-run reads a model's inputs from and writes its outputs to NumPy .npy
// files (little-endian, C order) or ONNX TensorProto .pb files, chosen by the
// file's extension.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_TENSORIO_TENSORFILE_H
#define RESQ_TENSORIO_TENSORFILE_H

#include "resq/params/DType.h"

#include <cstdint>
#include <string>
#include <vector>

namespace resq::tensorio {

/// A dense row-major tensor that owns its little-endian bytes.
struct Tensor {
  params::DType dtype = params::DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
  /// The TensorProto's name (empty for .npy).
  std::string name;

  int64_t numElements() const;
};

/// Whether `path` names a regular file (or a link to one) that exists: every
/// reader checks this first, so that a directory is an error and a FIFO or
/// device does not block. False with `error` naming the path.
bool isRegularFile(const std::string &path, std::string &error);

/// Reads `path` (.npy, or .pb as a TensorProto). False with `error` set.
bool readTensorFile(const std::string &path, Tensor &tensor,
                    std::string &error);
/// Writes `path` as .npy or (.pb) a TensorProto named tensor.name.
bool writeTensorFile(const std::string &path, const Tensor &tensor,
                     std::string &error);

/// ONNX TensorProto.DataType of `dtype` (0 if ONNX has none).
int32_t onnxDataType(params::DType dtype);

bool readNpy(const std::string &path, Tensor &tensor, std::string &error);
bool writeNpy(const std::string &path, const Tensor &tensor,
              std::string &error);
bool readTensorProto(const std::string &path, Tensor &tensor,
                     std::string &error);
bool writeTensorProto(const std::string &path, const Tensor &tensor,
                      std::string &error);

} // namespace resq::tensorio

#endif // RESQ_TENSORIO_TENSORFILE_H
