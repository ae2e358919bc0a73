//===- HeaderJson.h - the JSON subset of safetensors headers ---*- C++ -*-===//
//
// A safetensors header is a JSON object of objects holding strings, integer
// arrays and a string map. This parser accepts standard JSON but keeps only
// what a header needs: numbers must be integers that fit in int64.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_LIB_PARAMS_HEADERJSON_H
#define RESQ_LIB_PARAMS_HEADERJSON_H

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace resq::params::json {

struct Value {
  enum class Kind { Null, Bool, Integer, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  int64_t integer = 0;
  std::string string;
  std::vector<Value> array;
  std::vector<std::pair<std::string, Value>> object;

  /// The member named `key` of an object, or null.
  const Value *member(std::string_view key) const;
};

/// Parses `text` as one JSON value; on failure sets `error` (with the byte
/// offset) and returns false.
bool parse(std::string_view text, Value &out, std::string &error);

/// Appends `text` to `out` as a quoted JSON string.
void appendQuoted(std::string &out, std::string_view text);

} // namespace resq::params::json

#endif // RESQ_LIB_PARAMS_HEADERJSON_H
