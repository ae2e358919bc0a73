//===- ModelAbi.cpp - parse a compiled model's argument list --------------===//

#include "ModelAbi.h"

#include "resq/Runtime.h"

#include <limits>
#include <sstream>

using namespace resq;
using namespace resq::runtime;

namespace {

std::vector<std::string> split(const std::string &text, char sep) {
  std::vector<std::string> parts;
  size_t begin = 0;
  while (true) {
    size_t end = text.find(sep, begin);
    parts.push_back(text.substr(begin, end - begin));
    if (end == std::string::npos)
      return parts;
    begin = end + 1;
  }
}

std::optional<int64_t> parseDim(const std::string &text) {
  if (text.empty() || text.size() > 18)
    return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

} // namespace

std::string runtime::formatShape(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "scalar";
  std::ostringstream os;
  for (size_t i = 0; i < shape.size(); ++i)
    os << (i ? "x" : "") << shape[i];
  return os.str();
}

std::optional<std::vector<ArgSpec>>
runtime::parseModelAbi(const std::string &text, std::string &error) {
  std::vector<std::string> lines = split(text, '\n');
  std::string header = "resq-abi " + std::to_string(RESQ_ABI_VERSION);
  if (lines.empty() || lines.front() != header) {
    error = "the model's ABI starts with '" + lines.front() +
            "', this runtime reads '" + header + "'";
    return std::nullopt;
  }
  std::vector<ArgSpec> args;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string &line = lines[i];
    if (line.empty())
      continue;
    auto fail = [&](const std::string &why) {
      error = "malformed ABI line " + std::to_string(i + 1) + " ('" + line +
              "'): " + why;
      return std::nullopt;
    };
    std::vector<std::string> fields = split(line, '\t');
    if (fields.size() != 4)
      return fail("expected 4 tab-separated fields");
    ArgSpec arg;
    if (fields[0] == "input")
      arg.role = Role::Input;
    else if (fields[0] == "param")
      arg.role = Role::Param;
    else if (fields[0] == "output")
      arg.role = Role::Output;
    else
      return fail("unknown role '" + fields[0] + "'");
    arg.name = fields[1];
    std::optional<params::DType> dtype = params::parseDType(fields[2]);
    if (!dtype)
      return fail("unknown dtype '" + fields[2] + "'");
    arg.dtype = *dtype;
    uint64_t elements = 1;
    if (!fields[3].empty()) {
      for (const std::string &dimText : split(fields[3], ',')) {
        std::optional<int64_t> dim = parseDim(dimText);
        if (!dim)
          return fail("bad dimension '" + dimText + "'");
        // Leave room for the element size (at most 8 bytes).
        if (*dim && elements > std::numeric_limits<uint64_t>::max() / 8 /
                                   uint64_t(*dim))
          return fail("tensor too large");
        elements *= uint64_t(*dim);
        arg.shape.push_back(*dim);
      }
    }
    arg.byteSize = elements * params::dtypeSize(arg.dtype);
    if (!args.empty() && arg.role < args.back().role)
      return fail("arguments must be inputs, then params, then outputs");
    args.push_back(std::move(arg));
  }
  return args;
}
