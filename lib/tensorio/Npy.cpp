//===- Npy.cpp - NumPy .npy files (format versions 1-3) -------------------===//
//
// Magic "\x93NUMPY", a version, a header length and a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (1, 16), }, padded so the
// data starts at a multiple of 64 bytes.
//
//===----------------------------------------------------------------------===//

#include "resq/tensorio/TensorFile.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

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

/// The quoted value after 'key': in the header dict, or "" if absent.
std::string valueOf(const std::string &header, const std::string &key) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return "";
  size_t colon = header.find(':', at);
  if (colon == std::string::npos)
    return "";
  size_t begin = header.find_first_not_of(' ', colon + 1);
  if (begin == std::string::npos)
    return "";
  if (header[begin] == '\'') {
    size_t end = header.find('\'', begin + 1);
    return end == std::string::npos ? ""
                                    : header.substr(begin + 1, end - begin - 1);
  }
  if (header[begin] == '(') {
    size_t end = header.find(')', begin);
    return end == std::string::npos ? ""
                                    : header.substr(begin, end - begin + 1);
  }
  size_t end = header.find_first_of(",}", begin);
  return header.substr(begin, end - begin);
}

bool parseShape(const std::string &tuple, std::vector<int64_t> &shape) {
  if (tuple.size() < 2 || tuple.front() != '(' || tuple.back() != ')')
    return false;
  shape.clear();
  std::string inner = tuple.substr(1, tuple.size() - 2);
  std::stringstream ss(inner);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t b = item.find_first_not_of(' ');
    if (b == std::string::npos)
      continue;
    size_t e = item.find_last_not_of(' ');
    item = item.substr(b, e - b + 1);
    if (item.empty() || item.size() > 18 ||
        item.find_first_not_of("0123456789") != std::string::npos)
      return false;
    shape.push_back(std::stoll(item));
  }
  return true;
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
  std::string descr = valueOf(header, "descr");
  std::optional<DType> dtype = dtypeOfDescr(descr);
  if (!dtype)
    return fail("unsupported dtype '" + descr +
                "' (little-endian f2/f4/f8, i1/i2/i4/i8, u1, b1)");
  if (valueOf(header, "fortran_order") != "False")
    return fail("Fortran order is not supported; save a C-order array");
  if (!parseShape(valueOf(header, "shape"), tensor.shape))
    return fail("bad shape in header '" + header + "'");
  tensor.dtype = *dtype;
  tensor.name.clear();
  uint64_t size = uint64_t(tensor.numElements()) * params::dtypeSize(*dtype);
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
  if (!out) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}
