//===- ArchiveWriter.cpp - write a safetensors file ----------------------===//

#include "resq/params/Archive.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace resq::params {

namespace {
/// safetensors pads its header with spaces so the data starts 8-aligned.
constexpr size_t kDataAlignment = 8;

/// Insertion-ordered, so the header lists the metadata and then the tensors
/// in the order of their bytes.
using OrderedJson = nlohmann::ordered_json;

/// JSON strings are UTF-8; a name that is not could not be read back.
bool isUtf8(const std::string &text) {
  try {
    (void)OrderedJson(text).dump();
    return true;
  } catch (const OrderedJson::type_error &) {
    return false;
  }
}
} // namespace

bool ArchiveWriter::add(std::string name, DType dtype,
                        std::vector<int64_t> shape, uint64_t byteSize,
                        ByteWriter write, std::string &error) {
  if (name.empty() || name == "__metadata__") {
    error = "invalid tensor name \"" + name + "\"";
    return false;
  }
  if (!isUtf8(name)) {
    error = "tensor name \"" + name + "\" is not valid UTF-8";
    return false;
  }
  if (byName.count(name)) {
    error = "duplicate tensor name \"" + name + "\"";
    return false;
  }
  std::optional<uint64_t> count = elementCount(shape);
  if (!count || *count > UINT64_MAX / dtypeSize(dtype) ||
      *count * dtypeSize(dtype) != byteSize) {
    error = "tensor \"" + name + "\": " + std::to_string(byteSize) +
            " bytes do not match its dtype and shape";
    return false;
  }
  TensorInfo info{name, dtype, std::move(shape), dataSize, dataSize + byteSize};
  dataSize += byteSize;
  byName.emplace(name, entries.size());
  entries.push_back({std::move(info), std::move(write)});
  return true;
}

bool ArchiveWriter::addBorrowed(std::string name, DType dtype,
                                std::vector<int64_t> shape, const void *bytes,
                                uint64_t byteSize, std::string &error) {
  return add(
      std::move(name), dtype, std::move(shape), byteSize,
      [bytes, byteSize](std::FILE *file) {
        return byteSize == 0 ||
               std::fwrite(bytes, 1, byteSize, file) == byteSize;
      },
      error);
}

bool ArchiveWriter::addOwned(std::string name, DType dtype,
                             std::vector<int64_t> shape,
                             std::vector<uint8_t> bytes, std::string &error) {
  auto storage = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  if (!addBorrowed(std::move(name), dtype, std::move(shape), storage->data(),
                   storage->size(), error))
    return false;
  owned.push_back(std::move(storage));
  return true;
}

void ArchiveWriter::setMetadata(std::string key, std::string value) {
  meta[std::move(key)] = std::move(value);
}

bool ArchiveWriter::contains(std::string_view name) const {
  return byName.count(std::string(name)) != 0;
}

std::string ArchiveWriter::header() const {
  OrderedJson root = OrderedJson::object();
  if (!meta.empty()) {
    OrderedJson &metadata = root["__metadata__"] = OrderedJson::object();
    for (const auto &[key, value] : meta)
      metadata[key] = value;
  }
  for (const Entry &entry : entries) {
    const TensorInfo &info = entry.info;
    root[info.name] = {{"dtype", std::string(dtypeName(info.dtype))},
                       {"shape", info.shape},
                       {"data_offsets", {info.begin, info.end}}};
  }
  // Names are checked in add(); metadata is informative (producers, paths),
  // so a byte that is not UTF-8 there becomes U+FFFD rather than an error.
  std::string text =
      root.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
  text.append((kDataAlignment - text.size() % kDataAlignment) % kDataAlignment,
              ' ');
  return text;
}

bool ArchiveWriter::write(const std::string &path, std::string &error) const {
  std::string temporary = path + ".tmpXXXXXX";
  int fd = ::mkstemp(temporary.data());
  if (fd < 0) {
    error = "cannot create '" + temporary + "': " + std::strerror(errno);
    return false;
  }
  // mkstemp creates the file 0600; give it the permissions a plain create
  // would (0666 less the umask).
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  std::FILE *file = ::fdopen(fd, "wb");
  auto abandon = [&](const std::string &what) {
    error = what;
    if (file)
      std::fclose(file);
    else
      ::close(fd);
    ::unlink(temporary.c_str());
    return false;
  };
  if (!file)
    return abandon("cannot open '" + temporary + "': " + std::strerror(errno));

  std::string text = header();
  uint8_t length[8];
  for (size_t i = 0; i < 8; ++i)
    length[i] =
        static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * i));
  if (std::fwrite(length, 1, 8, file) != 8 ||
      std::fwrite(text.data(), 1, text.size(), file) != text.size())
    return abandon("cannot write the header of '" + path +
                   "': " + std::strerror(errno));

  off_t dataStart = ::ftello(file);
  for (const Entry &entry : entries) {
    if (!entry.write(file))
      return abandon("cannot write tensor \"" + entry.info.name + "\" to '" +
                     path + "': " + std::strerror(errno));
    off_t written = ::ftello(file) - dataStart;
    if (written != static_cast<off_t>(entry.info.end))
      return abandon(
          "tensor \"" + entry.info.name + "\" produced " +
          std::to_string(written - static_cast<off_t>(entry.info.begin)) +
          " bytes, expected " + std::to_string(entry.info.byteSize()));
  }
  if (std::fflush(file) != 0 || ::fsync(fd) != 0)
    return abandon("cannot flush '" + path + "': " + std::strerror(errno));
  std::fclose(file);
  file = nullptr;
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    error = "cannot rename '" + temporary + "' to '" + path +
            "': " + std::strerror(errno);
    ::unlink(temporary.c_str());
    return false;
  }
  return true;
}

} // namespace resq::params
