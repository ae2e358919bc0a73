//===- DType.cpp - element types of a safetensors parameter archive ------===//

#include "resq/params/DType.h"

#include <array>
#include <utility>

namespace resq::params {

namespace {
struct DTypeRow {
  DType dtype;
  std::string_view name;
  size_t size;
};
constexpr std::array<DTypeRow, 10> kDTypes = {{
    {DType::F64, "F64", 8},
    {DType::F32, "F32", 4},
    {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8},
    {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},
    {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},
    {DType::Bool, "BOOL", 1},
}};

const DTypeRow &row(DType dtype) {
  for (const DTypeRow &r : kDTypes)
    if (r.dtype == dtype)
      return r;
  return kDTypes[0]; // unreachable: every enumerator has a row
}
} // namespace

size_t dtypeSize(DType dtype) { return row(dtype).size; }

std::string_view dtypeName(DType dtype) { return row(dtype).name; }

std::optional<DType> parseDType(std::string_view name) {
  for (const DTypeRow &r : kDTypes)
    if (r.name == name)
      return r.dtype;
  return std::nullopt;
}

} // namespace resq::params
