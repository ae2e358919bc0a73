//===- Npy.cpp - NumPy .npy files (format versions 1-3) -------------------===//
//
// Magic "\x93NUMPY", a version, a header length and a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (1, 16), }, padded so the
// data starts at a multiple of 64 bytes.
//
//===----------------------------------------------------------------------===//

#include "resq/tensorio/TensorFile.h"

#include "resq/params/Archive.h"

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>

using namespace resq;
using namespace resq::tensorio;
using params::DType;

namespace {

struct Descr {
  const char *text;
  DType dtype;
};
// Little-endian (or byte-order free) descrs only.
const Descr kDescrs[] = {
    {"<f4", DType::F32}, {"<f8", DType::F64}, {"<f2", DType::F16},
    {"<i8", DType::I64}, {"<i4", DType::I32}, {"<i2", DType::I16},
    {"|i1", DType::I8},  {"|u1", DType::U8},  {"|b1", DType::Bool},
};

std::optional<DType> dtypeOfDescr(const std::string &descr) {
  for (const Descr &d : kDescrs)
    if (descr == d.text)
      return d.dtype;
  return std::nullopt;
}

const char *descrOf(DType dtype) {
  for (const Descr &d : kDescrs)
    if (d.dtype == dtype)
      return d.text;
  return nullptr;
}

/// A reader of the header's Python dict literal: what numpy's
/// `ast.literal_eval` accepts for it, restricted to strings, booleans and
/// tuples of non-negative integers, with any whitespace and quoting.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : text(text) {}

  /// Parses the dict; false with `error` set. Every key of the format
  /// (descr, fortran_order, shape) must appear exactly once, and nothing
  /// but whitespace may follow the closing brace.
  bool parse(std::string &descr, bool &fortran, std::vector<int64_t> &shape,
             std::string &error) {
    bool seen[3] = {false, false, false};
    if (!consume('{'))
      return fail("the header is not a dict", error);
    while (!consume('}')) {
      std::string key;
      if (!readString(key) || !consume(':'))
        return fail("expected 'key': value", error);
      int index = key == "descr"           ? 0
                  : key == "fortran_order" ? 1
                  : key == "shape"         ? 2
                                           : -1;
      if (index < 0)
        return fail("unknown key '" + key + "'", error);
      if (seen[index])
        return fail("key '" + key + "' appears twice", error);
      seen[index] = true;
      bool ok = index == 0   ? readString(descr)
                : index == 1 ? readBool(fortran)
                             : readShape(shape);
      if (!ok)
        return fail("bad value for '" + key + "'", error);
      if (!consume(',') && !peek('}'))
        return fail("expected ',' or '}' after '" + key + "'", error);
    }
    skipSpace();
    if (at != text.size())
      return fail("bytes after the dict", error);
    for (int i = 0; i < 3; ++i)
      if (!seen[i]) {
        static const char *const keys[] = {"descr", "fortran_order", "shape"};
        error = std::string("no '") + keys[i] + "' key";
        return false;
      }
    return true;
  }

private:
  bool fail(const std::string &why, std::string &error) {
    error = why + " at byte " + std::to_string(at) + " of the header";
    return false;
  }
  void skipSpace() {
    while (at < text.size() && std::strchr(" \t\r\n", text[at]) && text[at])
      ++at;
  }
  bool peek(char c) {
    skipSpace();
    return at < text.size() && text[at] == c;
  }
  bool consume(char c) {
    if (!peek(c))
      return false;
    ++at;
    return true;
  }
  bool readString(std::string &value) {
    skipSpace();
    if (at >= text.size() || (text[at] != '\'' && text[at] != '"'))
      return false;
    size_t end = text.find(text[at], at + 1);
    if (end == std::string::npos)
      return false;
    value = text.substr(at + 1, end - at - 1);
    if (value.find('\\') != std::string::npos)
      return false; // No escapes in a dtype or a key.
    at = end + 1;
    return true;
  }
  bool readBool(bool &value) {
    skipSpace();
    for (bool candidate : {false, true}) {
      const char *word = candidate ? "True" : "False";
      if (text.compare(at, std::strlen(word), word) == 0) {
        at += std::strlen(word);
        value = candidate;
        return true;
      }
    }
    return false;
  }
  /// A tuple: (), (N,), (N, M), (N, M,) ...
  bool readShape(std::vector<int64_t> &shape) {
    shape.clear();
    if (!consume('('))
      return false;
    bool comma = true;
    while (!consume(')')) {
      skipSpace();
      if (!comma || at >= text.size() || !std::isdigit(uint8_t(text[at])))
        return false;
      int64_t dim = 0;
      for (; at < text.size() && std::isdigit(uint8_t(text[at])); ++at) {
        if (dim > (INT64_MAX - 9) / 10)
          return false;
        dim = dim * 10 + (text[at] - '0');
      }
      shape.push_back(dim);
      comma = consume(',');
    }
    // Python's (N) is an int, not a tuple: one dimension needs its comma.
    return shape.size() != 1 || comma;
  }

  const std::string &text;
  size_t at = 0;
};

/// `text` with bytes outside printable ASCII written as \xNN, for messages.
std::string printable(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c >= 0x20 && c < 0x7f) {
      out += c;
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", uint8_t(c));
      out += hex;
    }
  }
  return out;
}

} // namespace

bool tensorio::readNpy(const std::string &path, Tensor &tensor,
                       std::string &error) {
  if (!isRegularFile(path, error))
    return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  auto fail = [&](const std::string &why) {
    error = "'" + path + "' is not a readable .npy file: " + why;
    return false;
  };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    return fail("no .npy magic");
  unsigned major = uint8_t(bytes[6]);
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (major < 1 || major > 3)
    return fail("unknown format version " + std::to_string(major));
  size_t headerLength = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerLength |= size_t(uint8_t(bytes[8 + i])) << (8 * i);
  size_t dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.size())
    return fail("truncated header");
  std::string header = bytes.substr(8 + lengthBytes, headerLength);
  std::string descr, why;
  bool fortran = false;
  if (!HeaderParser(header).parse(descr, fortran, tensor.shape, why))
    return fail(
        "bad header (" + printable(why) + "): '" +
        printable(header.substr(0, header.find_last_not_of(" \n") + 1)) + "'");
  std::optional<DType> dtype = dtypeOfDescr(descr);
  if (!dtype)
    return fail("unsupported dtype '" + printable(descr) +
                "' (little-endian f2/f4/f8, i1/i2/i4/i8, u1, b1)");
  if (fortran)
    return fail("Fortran order is not supported; save a C-order array");
  tensor.dtype = *dtype;
  tensor.name.clear();
  std::optional<uint64_t> count = params::elementCount(tensor.shape);
  uint64_t width = params::dtypeSize(*dtype);
  if (!count || *count > UINT64_MAX / width)
    return fail("its header's shape has more elements than fit in memory");
  uint64_t size = *count * width;
  if (bytes.size() - dataStart != size)
    return fail("holds " + std::to_string(bytes.size() - dataStart) +
                " data bytes, its header says " + std::to_string(size));
  tensor.bytes.assign(bytes.begin() + dataStart, bytes.end());
  return true;
}

bool tensorio::writeNpy(const std::string &path, const Tensor &tensor,
                        std::string &error) {
  const char *descr = descrOf(tensor.dtype);
  if (!descr) {
    error = "cannot write " + std::string(params::dtypeName(tensor.dtype)) +
            " to .npy ('" + path + "'); use .pb";
    return false;
  }
  std::string shape = "(";
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    shape += std::to_string(tensor.shape[i]) + ", ";
  if (tensor.shape.size() > 1)
    shape.resize(shape.size() - 2);
  else if (tensor.shape.size() == 1)
    shape.resize(shape.size() - 1);
  shape += ")";
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces and a newline so the data starts on a 64-byte boundary.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    error = "cannot write '" + path + "'";
    return false;
  }
  char prefix[10] = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
  prefix[8] = char(header.size() & 0xff);
  prefix[9] = char(header.size() >> 8);
  out.write(prefix, 10);
  out << header;
  out.write(reinterpret_cast<const char *>(tensor.bytes.data()),
            std::streamsize(tensor.bytes.size()));
  // A full disk shows only when the buffer is flushed: close, then check.
  out.close();
  if (out.fail()) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(path.c_str()); // No incomplete file is left behind.
    return false;
  }
  return true;
}
