//===- MappedFile.h - a read-only memory-mapped regular file ---*- C++ -*-===//
//
// Weights are read where they lie: safetensors archives and ONNX external
// data are mapped, not copied. Plain C++ (POSIX), no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PARAMS_MAPPEDFILE_H
#define RESQ_PARAMS_MAPPEDFILE_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace resq::params {

class MappedFile {
public:
  /// Maps the regular file at `path` read-only; with `noFollow`, a symbolic
  /// link as the last path component is refused. Returns null with `error`
  /// set on failure.
  static std::shared_ptr<MappedFile>
  open(const std::string &path, std::string &error, bool noFollow = false);
  ~MappedFile();
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;

  const uint8_t *data() const { return static_cast<const uint8_t *>(address); }
  size_t size() const { return length; }

private:
  MappedFile() = default;
  void *address = nullptr;
  size_t length = 0;
};

} // namespace resq::params

#endif // RESQ_PARAMS_MAPPEDFILE_H
