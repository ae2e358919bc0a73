//===- HeaderJson.h - parse a safetensors header as JSON -------*- C++ -*-===//
//
// nlohmann/json checks the syntax and the UTF-8 of a header; this adds what
// safetensors needs and JSON allows, before any value is built: no key twice
// in one object (which one would win is up to the reader) and a depth bound.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_LIB_PARAMS_HEADERJSON_H
#define RESQ_LIB_PARAMS_HEADERJSON_H

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace resq::params {

/// Parses `text` into `root`; on failure sets `error` (with the byte offset
/// of a syntax error) and returns false. Linear in the size of `text`.
bool parseHeaderJson(std::string_view text, nlohmann::json &root,
                     std::string &error);

} // namespace resq::params

#endif // RESQ_LIB_PARAMS_HEADERJSON_H
