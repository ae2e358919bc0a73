//===- ModelFile.h - an .onnx file and the data it refers to ---*- C++ -*-===//

#ifndef RESQ_LIB_ONNX_MODELFILE_H
#define RESQ_LIB_ONNX_MODELFILE_H

#include "HostTensor.h"

#include "resq/params/MappedFile.h"

#include "onnx/onnx_pb.h"

#include <map>
#include <memory>
#include <string>

namespace resq::onnx_import {

/// A parsed ModelProto plus the external-data files its tensors point into,
/// mapped once and shared by every tensor that uses them.
class ModelFile {
public:
  /// Parses `path` (streaming, so the file's bytes are not held twice) and
  /// checks its IR version. Returns null with `error` set on failure.
  static std::unique_ptr<ModelFile> load(const std::string &path,
                                         std::string &error);
  ~ModelFile();

  const onnx::ModelProto &model() const { return proto; }
  const std::string &path() const { return filePath; }

  /// The value of a TensorProto, from raw_data, a typed field or external
  /// data. External locations must be relative paths inside the model's
  /// folder without `..`, links or ranges past the end of the file.
  bool readTensor(const onnx::TensorProto &tensor, HostTensor &out,
                  std::string &error);

  /// The files read so far: the model and the external data it points into.
  std::vector<std::string> filesRead() const;

private:
  bool readExternal(const onnx::TensorProto &tensor, HostTensor &out,
                    std::string &error);
  bool mapExternalFile(const std::string &location,
                       std::shared_ptr<params::MappedFile> &file,
                       std::string &error);

  onnx::ModelProto proto;
  std::string filePath;
  std::string directory;
  std::map<std::string, std::shared_ptr<params::MappedFile>> externalFiles;
};

/// The value of a TensorProto stored in the proto itself (raw_data or a typed
/// field; raw data is borrowed from `tensor`). External data is an error.
bool readInlineTensor(const onnx::TensorProto &tensor, HostTensor &out,
                      std::string &error);

} // namespace resq::onnx_import

#endif // RESQ_LIB_ONNX_MODELFILE_H
