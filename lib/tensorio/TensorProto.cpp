//===- TensorProto.cpp - ONNX TensorProto .pb files -----------------------===//
//
// The files of ONNX's own test data (input_0.pb, output_0.pb). Reading reuses
// the importer's decoding of raw_data and the typed fields.
//
//===----------------------------------------------------------------------===//

#include "resq/tensorio/TensorFile.h"

#include "lib/onnx/ModelFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>

using namespace resq;
using namespace resq::tensorio;
using params::DType;

namespace {

struct TypePair {
  int32_t onnx;
  DType dtype;
};
const TypePair kTypes[] = {
    {1, DType::F32},  {2, DType::U8},    {3, DType::I8},   {5, DType::I16},
    {6, DType::I32},  {7, DType::I64},   {9, DType::Bool}, {10, DType::F16},
    {11, DType::F64}, {16, DType::BF16},
};

std::optional<DType> fromOnnx(int32_t type) {
  for (const TypePair &t : kTypes)
    if (t.onnx == type)
      return t.dtype;
  return std::nullopt;
}

} // namespace

int32_t tensorio::onnxDataType(DType dtype) {
  for (const TypePair &t : kTypes)
    if (t.dtype == dtype)
      return t.onnx;
  return 0;
}

bool tensorio::readTensorProto(const std::string &path, Tensor &tensor,
                               std::string &error) {
  if (!isRegularFile(path, error))
    return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "'";
    return false;
  }
  onnx::TensorProto proto;
  if (!proto.ParseFromIstream(&in)) {
    error = "'" + path + "' is not an ONNX TensorProto";
    return false;
  }
  std::optional<DType> dtype = fromOnnx(proto.data_type());
  onnx_import::HostTensor host;
  if (!dtype || !onnx_import::readInlineTensor(proto, host, error)) {
    if (!dtype)
      error = "has unsupported element type " +
              onnx_import::typeName(proto.data_type());
    error = "tensor in '" + path + "' " + error;
    return false;
  }
  tensor.dtype = *dtype;
  tensor.shape = host.shape;
  tensor.bytes.assign(host.bytes, host.bytes + host.byteSize());
  tensor.name = proto.name();
  return true;
}

bool tensorio::writeTensorProto(const std::string &path, const Tensor &tensor,
                                std::string &error) {
  onnx::TensorProto proto;
  proto.set_name(tensor.name);
  proto.set_data_type(onnxDataType(tensor.dtype));
  for (int64_t dim : tensor.shape)
    proto.add_dims(dim);
  proto.set_raw_data(tensor.bytes.data(), tensor.bytes.size());
  std::ofstream out(path, std::ios::binary);
  bool ok = out && proto.SerializeToOstream(&out);
  // A full disk shows only when the buffer is flushed: close, then check.
  out.close();
  if (!ok || out.fail()) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(path.c_str()); // No incomplete file is left behind.
    return false;
  }
  return true;
}
