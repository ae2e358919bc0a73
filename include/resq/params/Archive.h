//===- Archive.h - safetensors parameter archives (read and write) --------===//
//
// resq keeps weights out of the IR: a module names a safetensors file and
// refers to its tensors by name. The reader maps the file into memory and
// validates the whole header before handing out a byte; the writer streams
// tensors from caller-owned memory, so weights are never copied twice.
// Plain C++ (no MLIR, no LLVM), so the runtime can link it.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PARAMS_ARCHIVE_H
#define RESQ_PARAMS_ARCHIVE_H

#include "resq/params/DType.h"
#include "resq/params/MappedFile.h"

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace resq::params {

/// One tensor of an archive: where its bytes are, relative to the data
/// section that follows the header.
struct TensorInfo {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0;
  uint64_t end = 0;

  uint64_t byteSize() const { return end - begin; }
};

/// Number of elements of a shape, or nullopt if a dim is negative or the
/// product overflows.
std::optional<uint64_t> elementCount(const std::vector<int64_t> &shape);

/// A read-only, memory-mapped safetensors file.
class Archive {
public:
  /// Opens and validates `path`; on failure returns null and sets `error`.
  static std::unique_ptr<Archive> open(const std::string &path,
                                       std::string &error);
  /// Validates an in-memory archive (the bytes must outlive the Archive).
  static std::unique_ptr<Archive> fromBuffer(const uint8_t *bytes, size_t size,
                                             std::string &error);
  ~Archive();
  Archive(const Archive &) = delete;
  Archive &operator=(const Archive &) = delete;

  /// Tensors in the order of their data.
  const std::vector<TensorInfo> &tensors() const { return tensorList; }
  /// The tensor named `name`, or null.
  const TensorInfo *find(std::string_view name) const;
  /// The first byte of a tensor's data.
  const uint8_t *data(const TensorInfo &tensor) const {
    return dataSection + tensor.begin;
  }
  /// The optional "__metadata__" string map.
  const std::map<std::string, std::string> &metadata() const { return meta; }

private:
  Archive() = default;
  bool parse(const uint8_t *bytes, size_t size, std::string &error);

  std::shared_ptr<MappedFile> file;
  const uint8_t *dataSection = nullptr;
  std::vector<TensorInfo> tensorList;
  std::unordered_map<std::string, size_t> byName;
  std::map<std::string, std::string> meta;
};

/// Collects tensors and writes them as one safetensors file.
class ArchiveWriter {
public:
  /// Writes a tensor's bytes to a stream; returns false on an I/O error.
  using ByteWriter = std::function<bool(std::FILE *)>;

  /// Adds a tensor whose `byteSize` bytes are produced by `write` when the
  /// file is written. Returns false (and sets `error`) for a duplicate or
  /// empty name or a size that does not match dtype and shape.
  bool add(std::string name, DType dtype, std::vector<int64_t> shape,
           uint64_t byteSize, ByteWriter write, std::string &error);
  /// Adds a tensor from memory that must stay valid until write().
  bool addBorrowed(std::string name, DType dtype, std::vector<int64_t> shape,
                   const void *bytes, uint64_t byteSize, std::string &error);
  /// Adds a tensor whose bytes the writer keeps.
  bool addOwned(std::string name, DType dtype, std::vector<int64_t> shape,
                std::vector<uint8_t> bytes, std::string &error);
  void setMetadata(std::string key, std::string value);
  bool contains(std::string_view name) const;

  /// Writes the archive to `path` through a temporary file and a rename, so
  /// a failed write never leaves a truncated archive behind.
  bool write(const std::string &path, std::string &error) const;

private:
  struct Entry {
    TensorInfo info;
    ByteWriter write;
  };
  std::string header() const;

  std::vector<Entry> entries;
  std::unordered_map<std::string, size_t> byName;
  std::vector<std::shared_ptr<std::vector<uint8_t>>> owned;
  std::map<std::string, std::string> meta;
  uint64_t dataSize = 0;
};

} // namespace resq::params

#endif // RESQ_PARAMS_ARCHIVE_H
