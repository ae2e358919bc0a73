//===- ModelAbi.h - a compiled model's argument list ------------*- C++ -*-===//
//
// Parses the text a compiled model's resq_abi() returns (the format is in
// include/resq/Runtime.h).
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUNTIME_MODELABI_H
#define RESQ_RUNTIME_MODELABI_H

#include "resq/params/DType.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace resq::runtime {

enum class Role { Input, Param, Output };

struct ArgSpec {
  Role role;
  std::string name;
  params::DType dtype;
  std::vector<int64_t> shape;
  size_t byteSize = 0;
};

/// The arguments of resq_entry in order, or nullopt with `error` set.
std::optional<std::vector<ArgSpec>> parseModelAbi(const std::string &text,
                                                  std::string &error);

/// "1x16x256", "scalar" for rank 0.
std::string formatShape(const std::vector<int64_t> &shape);

} // namespace resq::runtime

#endif // RESQ_RUNTIME_MODELABI_H
