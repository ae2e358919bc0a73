//===- ModelFile.cpp - an .onnx file and the data it refers to -----------===//

#include "ModelFile.h"

#include "resq/onnx/Import.h"
#include "resq/params/ConfinedPath.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace resq::onnx_import {

ModelFile::~ModelFile() = default;

std::vector<std::string> ModelFile::filesRead() const {
  std::vector<std::string> files{filePath};
  for (const auto &entry : externalFiles)
    files.push_back(directory + "/" + entry.first);
  return files;
}

std::unique_ptr<ModelFile> ModelFile::load(const std::string &path,
                                           std::string &error) {
  // O_NONBLOCK: a FIFO named as the model is refused below, not waited on.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  struct stat status;
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    error = "'" + path + "' is not a regular file";
    return nullptr;
  }
  if (status.st_size == 0) {
    ::close(fd);
    error = "'" + path + "' is empty, not an ONNX model";
    return nullptr;
  }

  std::unique_ptr<ModelFile> file(new ModelFile());
  bool parsed;
  {
    google::protobuf::io::FileInputStream stream(fd);
    google::protobuf::io::CodedInputStream coded(&stream);
    coded.SetTotalBytesLimit(INT_MAX);
    parsed = file->proto.ParseFromCodedStream(&coded) &&
             coded.ConsumedEntireMessage();
  }
  ::close(fd);
  if (!parsed) {
    error = "'" + path +
            "' is not a valid ONNX protobuf (truncated or "
            "corrupted file)";
    return nullptr;
  }

  int64_t ir = file->proto.ir_version();
  if (ir < kMinOnnxIrVersion || ir > kMaxOnnxIrVersion) {
    error = "'" + path + "' has ONNX IR version " + std::to_string(ir) +
            "; resq supports IR versions " + std::to_string(kMinOnnxIrVersion) +
            " to " + std::to_string(kMaxOnnxIrVersion);
    return nullptr;
  }
  if (!file->proto.has_graph()) {
    error = "'" + path + "' has no graph";
    return nullptr;
  }
  file->filePath = path;
  size_t slash = path.find_last_of('/');
  file->directory = slash == std::string::npos ? "." : path.substr(0, slash);
  return file;
}

/// Typed-field storage of a TensorProto converted to little-endian bytes.
static bool readTypedFields(const onnx::TensorProto &tensor, HostTensor &out,
                            std::string &error) {
  int64_t count = out.numElements();
  auto mismatch = [&](int64_t found) {
    error = "holds " + std::to_string(found) + " values for " +
            std::to_string(count) + " elements";
    return false;
  };
  switch (out.dataType) {
  case kFloat: {
    if (tensor.float_data_size() != count)
      return mismatch(tensor.float_data_size());
    std::vector<double> values(tensor.float_data().begin(),
                               tensor.float_data().end());
    out = HostTensor::fromDoubles(kFloat, out.shape, values);
    return true;
  }
  case kDouble: {
    if (tensor.double_data_size() != count)
      return mismatch(tensor.double_data_size());
    std::vector<double> values(tensor.double_data().begin(),
                               tensor.double_data().end());
    out = HostTensor::fromDoubles(kDouble, out.shape, values);
    return true;
  }
  case kInt64: {
    if (tensor.int64_data_size() != count)
      return mismatch(tensor.int64_data_size());
    std::vector<int64_t> values(tensor.int64_data().begin(),
                                tensor.int64_data().end());
    out = HostTensor::fromInts(kInt64, out.shape, values);
    return true;
  }
  case kFloat16:
  case kBfloat16: {
    // 16-bit floats are stored as their bit patterns in int32_data.
    if (tensor.int32_data_size() != count)
      return mismatch(tensor.int32_data_size());
    HostTensor result = HostTensor::allocate(out.dataType, out.shape);
    for (int64_t i = 0; i < count; ++i) {
      uint16_t bits = static_cast<uint16_t>(tensor.int32_data(i));
      std::memcpy(result.mutableBytes() + 2 * i, &bits, 2);
    }
    out = result;
    return true;
  }
  default: {
    if (tensor.int32_data_size() != count)
      return mismatch(tensor.int32_data_size());
    std::vector<int64_t> values(tensor.int32_data().begin(),
                                tensor.int32_data().end());
    out = HostTensor::fromInts(out.dataType, out.shape, values);
    return true;
  }
  }
}

/// Element type and shape of a TensorProto, checked.
static bool readTensorHeader(const onnx::TensorProto &tensor, HostTensor &out,
                             std::string &error) {
  out = HostTensor();
  out.dataType = tensor.data_type();
  if (!isSupportedType(out.dataType)) {
    error = "has unsupported element type " + typeName(out.dataType);
    return false;
  }
  out.shape.assign(tensor.dims().begin(), tensor.dims().end());
  if (!checkedElementCount(out.shape)) {
    error = "has a negative or absurdly large dim";
    return false;
  }
  return true;
}

bool ModelFile::readTensor(const onnx::TensorProto &tensor, HostTensor &out,
                           std::string &error) {
  if (tensor.has_data_location() &&
      tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return readTensorHeader(tensor, out, error) &&
           readExternal(tensor, out, error);
  return readInlineTensor(tensor, out, error);
}

bool readInlineTensor(const onnx::TensorProto &tensor, HostTensor &out,
                      std::string &error) {
  if (!readTensorHeader(tensor, out, error))
    return false;
  if (tensor.has_data_location() &&
      tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    error = "stores its data in an external file";
    return false;
  }
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (raw.size() != out.byteSize()) {
      error = "has " + std::to_string(raw.size()) + " bytes of raw data for " +
              std::to_string(out.byteSize()) + " bytes of elements";
      return false;
    }
    out.bytes = reinterpret_cast<const uint8_t *>(raw.data());
    return true;
  }
  return readTypedFields(tensor, out, error);
}

/// Parses a decimal byte offset or length; rejects signs and junk.
static bool parseByteCount(const std::string &text, uint64_t &value) {
  if (text.empty() || text.size() > 19)
    return false;
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

bool ModelFile::mapExternalFile(const std::string &location,
                                std::shared_ptr<params::MappedFile> &file,
                                std::string &error) {
  auto cached = externalFiles.find(location);
  if (cached != externalFiles.end()) {
    file = cached->second;
    return true;
  }
  std::string joined, problem;
  if (!params::resolveConfinedPath(directory, location, joined, problem,
                                   /*mustExist=*/false)) {
    error = "external data location '" + location + "' " + problem;
    return false;
  }
  struct stat status;
  if (::stat(joined.c_str(), &status) != 0) {
    error =
        "cannot open external data '" + location + "': " + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(status.st_mode)) {
    error = "external data '" + location + "' is not a regular file";
    return false;
  }

  std::string openError;
  std::shared_ptr<params::MappedFile> mapped =
      params::MappedFile::open(joined, openError, /*noFollow=*/true);
  if (!mapped) {
    error = "external data '" + location + "': " + openError;
    return false;
  }
  externalFiles.emplace(location, mapped);
  file = mapped;
  return true;
}

bool ModelFile::readExternal(const onnx::TensorProto &tensor, HostTensor &out,
                             std::string &error) {
  std::string location;
  uint64_t offset = 0, length = out.byteSize();
  bool hasLength = false;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset") {
      if (!parseByteCount(entry.value(), offset)) {
        error = "has an invalid external data offset '" + entry.value() + "'";
        return false;
      }
    } else if (entry.key() == "length") {
      if (!parseByteCount(entry.value(), length)) {
        error = "has an invalid external data length '" + entry.value() + "'";
        return false;
      }
      hasLength = true;
    }
  }
  std::shared_ptr<params::MappedFile> file;
  if (!mapExternalFile(location, file, error))
    return false;
  if (hasLength && length != out.byteSize()) {
    error = "has an external data length of " + std::to_string(length) +
            " bytes for " + std::to_string(out.byteSize()) +
            " bytes of elements";
    return false;
  }
  if (offset > file->size() || out.byteSize() > file->size() - offset) {
    error = "reads bytes " + std::to_string(offset) + " to " +
            std::to_string(offset + out.byteSize()) + " of external data '" +
            location + "', which has only " + std::to_string(file->size()) +
            " bytes";
    return false;
  }
  out.bytes = file->data() + offset;
  out.owner = file;
  return true;
}

} // namespace resq::onnx_import
