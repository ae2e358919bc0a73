//===- DType.h - element types of a safetensors parameter archive ---------===//

#ifndef RESQ_PARAMS_DTYPE_H
#define RESQ_PARAMS_DTYPE_H

#include <cstddef>
#include <optional>
#include <string_view>

namespace resq::params {

/// The safetensors element types resq reads and writes.
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

/// Bytes per element.
size_t dtypeSize(DType dtype);

/// The safetensors spelling: "F32", "BF16", "BOOL", ...
std::string_view dtypeName(DType dtype);

/// The inverse of dtypeName; nullopt for names resq does not support.
std::optional<DType> parseDType(std::string_view name);

} // namespace resq::params

#endif // RESQ_PARAMS_DTYPE_H
