//===- ArchiveReader.cpp - validate and map a safetensors file -----------===//

#include "HeaderJson.h"
#include "resq/params/Archive.h"

#include <algorithm>

namespace resq::params {

namespace {
/// The header-size limit of the reference implementation: a larger header
/// is a corrupt or hostile file.
constexpr uint64_t kMaxHeaderBytes = 100u << 20;
constexpr size_t kHeaderLengthBytes = 8;

using Json = nlohmann::json;

/// `value` as JSON, cut short: messages quote what was wrong, and a header
/// value can be megabytes long.
std::string brief(const Json &value) {
  constexpr size_t kMaxQuoted = 40;
  std::string text = value.dump();
  if (text.size() > kMaxQuoted)
    text = text.substr(0, kMaxQuoted) + "...";
  return text;
}

/// A JSON number that is a non-negative integer within int64.
std::optional<int64_t> nonNegativeInteger(const Json &value) {
  if (!value.is_number_unsigned() || value.get<uint64_t>() > INT64_MAX)
    return std::nullopt;
  return static_cast<int64_t>(value.get<uint64_t>());
}
} // namespace

std::optional<uint64_t> elementCount(const std::vector<int64_t> &shape) {
  uint64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return std::nullopt;
    uint64_t d = static_cast<uint64_t>(dim);
    if (d != 0 && count > UINT64_MAX / d)
      return std::nullopt;
    count *= d;
  }
  return count;
}

static bool readTensor(const std::string &name, const Json &value,
                       TensorInfo &info, std::string &error) {
  auto fail = [&](const std::string &what) {
    error = "tensor " + Json(name).dump() + ": " + what;
    return false;
  };
  if (!value.is_object())
    return fail("expected an object");
  for (const auto &[key, member] : value.items())
    if (key != "dtype" && key != "shape" && key != "data_offsets")
      return fail("unknown field " + Json(key).dump());

  auto dtype = value.find("dtype");
  if (dtype == value.end() || !dtype->is_string())
    return fail("missing string field \"dtype\"");
  std::optional<DType> parsed = parseDType(dtype->get<std::string>());
  if (!parsed)
    return fail("unsupported dtype " + brief(*dtype));
  info.dtype = *parsed;

  auto shape = value.find("shape");
  if (shape == value.end() || !shape->is_array())
    return fail("missing array field \"shape\"");
  for (const Json &dim : *shape) {
    std::optional<int64_t> size = nonNegativeInteger(dim);
    if (!size)
      return fail("shape dims must be non-negative integers, not " +
                  brief(dim));
    info.shape.push_back(*size);
  }

  auto offsets = value.find("data_offsets");
  if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2)
    return fail("\"data_offsets\" must be [begin, end]");
  for (const Json &offset : *offsets)
    if (!nonNegativeInteger(offset))
      return fail("data offsets must be non-negative integers, not " +
                  brief(offset));
  info.begin = (*offsets)[0].get<uint64_t>();
  info.end = (*offsets)[1].get<uint64_t>();
  if (info.end < info.begin)
    return fail("data offsets end before they begin");

  std::optional<uint64_t> count = elementCount(info.shape);
  uint64_t width = dtypeSize(info.dtype);
  if (!count || *count > UINT64_MAX / width)
    return fail("shape is too large");
  if (*count * width != info.byteSize())
    return fail("shape and dtype need " + std::to_string(*count * width) +
                " bytes but the offsets span " +
                std::to_string(info.byteSize()));
  info.name = name;
  return true;
}

static bool readMetadata(const Json &value,
                         std::map<std::string, std::string> &meta,
                         std::string &error) {
  if (!value.is_object()) {
    error = "\"__metadata__\" must be an object";
    return false;
  }
  for (const auto &[key, member] : value.items()) {
    if (!member.is_string()) {
      error = "metadata value " + Json(key).dump() + " must be a string";
      return false;
    }
    meta[key] = member.get<std::string>();
  }
  return true;
}

bool Archive::parse(const uint8_t *bytes, size_t size, std::string &error) {
  if (size < kHeaderLengthBytes) {
    error = "file of " + std::to_string(size) +
            " bytes is too short for a safetensors header";
    return false;
  }
  uint64_t headerBytes = 0;
  for (size_t i = 0; i < kHeaderLengthBytes; ++i)
    headerBytes |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  if (headerBytes > kMaxHeaderBytes ||
      headerBytes > size - kHeaderLengthBytes) {
    error = "header length " + std::to_string(headerBytes) +
            " exceeds the file (" + std::to_string(size) +
            " bytes) or the 100 MiB limit";
    return false;
  }
  std::string_view text(
      reinterpret_cast<const char *>(bytes) + kHeaderLengthBytes, headerBytes);
  Json root;
  if (!parseHeaderJson(text, root, error))
    return false;
  if (!root.is_object()) {
    error = "the header must be a JSON object";
    return false;
  }

  for (const auto &[name, value] : root.items()) {
    if (name == "__metadata__") {
      if (!readMetadata(value, meta, error))
        return false;
      continue;
    }
    TensorInfo info;
    if (!readTensor(name, value, info, error))
      return false;
    tensorList.push_back(std::move(info));
  }

  // The data section must be indexed completely, without holes or overlaps.
  std::sort(tensorList.begin(), tensorList.end(),
            [](const TensorInfo &a, const TensorInfo &b) {
              return a.begin < b.begin || (a.begin == b.begin && a.end < b.end);
            });
  uint64_t dataBytes = size - kHeaderLengthBytes - headerBytes;
  uint64_t expectedBegin = 0;
  for (const TensorInfo &info : tensorList) {
    if (info.begin != expectedBegin) {
      error = "tensor \"" + info.name + "\" starts at byte " +
              std::to_string(info.begin) + " of the data, expected " +
              std::to_string(expectedBegin) + " (a hole or an overlap)";
      return false;
    }
    expectedBegin = info.end;
  }
  if (expectedBegin != dataBytes) {
    error = "tensors cover " + std::to_string(expectedBegin) +
            " bytes but the data section has " + std::to_string(dataBytes);
    return false;
  }

  for (size_t i = 0; i < tensorList.size(); ++i)
    byName.emplace(tensorList[i].name, i);
  dataSection = bytes + kHeaderLengthBytes + headerBytes;
  return true;
}

std::unique_ptr<Archive> Archive::fromBuffer(const uint8_t *bytes, size_t size,
                                             std::string &error) {
  std::unique_ptr<Archive> archive(new Archive());
  if (!archive->parse(bytes, size, error))
    return nullptr;
  return archive;
}

std::unique_ptr<Archive> Archive::open(const std::string &path,
                                       std::string &error) {
  std::shared_ptr<MappedFile> file = MappedFile::open(path, error);
  if (!file)
    return nullptr;
  std::unique_ptr<Archive> archive(new Archive());
  archive->file = file;
  if (!archive->parse(file->data(), file->size(), error)) {
    error = "'" + path + "': " + error;
    return nullptr;
  }
  return archive;
}

Archive::~Archive() = default;

const TensorInfo *Archive::find(std::string_view name) const {
  auto it = byName.find(std::string(name));
  return it == byName.end() ? nullptr : &tensorList[it->second];
}

} // namespace resq::params
