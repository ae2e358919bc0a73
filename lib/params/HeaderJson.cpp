//===- HeaderJson.cpp - parse a safetensors header as JSON ---------------===//

#include "HeaderJson.h"

#include <unordered_set>
#include <vector>

namespace resq::params {

namespace {

using Json = nlohmann::json;

/// A header nests three deep (header, tensor, shape); anything much deeper is
/// refused before it costs memory.
constexpr size_t kMaxDepth = 8;

/// A SAX pass that builds nothing and stops at the first duplicate key, the
/// first container past kMaxDepth, or the first syntax error. (nlohmann's
/// parse callbacks could do the same while building the value, but they
/// rescan the enclosing object at each object's end, quadratic in the number
/// of tensors.)
class HeaderChecker final : public nlohmann::json_sax<Json> {
public:
  explicit HeaderChecker(std::string &error) : error(error) {}

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t &) override { return true; }
  bool string(string_t &) override { return true; }
  bool binary(binary_t &) override { return true; }

  bool start_object(std::size_t) override {
    openKeys.emplace_back();
    return enter();
  }
  bool key(string_t &name) override {
    if (openKeys.back().insert(name).second)
      return true;
    error = "duplicate key " + Json(name).dump() + " in the header";
    return false;
  }
  bool end_object() override {
    openKeys.pop_back();
    --depth;
    return true;
  }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override {
    --depth;
    return true;
  }

  bool parse_error(std::size_t position, const std::string &,
                   const nlohmann::detail::exception &problem) override {
    // what() is "[json.exception.parse_error.N] parse error at line L, column
    // C: reason"; keep the reason and give the byte offset instead (position
    // counts from 1, the .npy reader and editors' offsets from 0).
    std::string what = problem.what();
    size_t reason = what.find(": ");
    error = "invalid JSON at byte " +
            std::to_string(position ? position - 1 : 0) + " of the header: " +
            (reason == std::string::npos ? what : what.substr(reason + 2));
    return false;
  }

private:
  bool enter() {
    if (++depth <= kMaxDepth)
      return true;
    error = "the header is nested too deeply (more than " +
            std::to_string(kMaxDepth) + " levels)";
    return false;
  }

  std::string &error;
  size_t depth = 0;
  std::vector<std::unordered_set<std::string>> openKeys;
};

} // namespace

bool parseHeaderJson(std::string_view text, Json &root, std::string &error) {
  HeaderChecker checker(error);
  if (!Json::sax_parse(text.begin(), text.end(), &checker))
    return false;
  // The text is valid JSON now, so this parse cannot fail.
  root = Json::parse(text.begin(), text.end(), nullptr,
                     /*allow_exceptions=*/false);
  return !root.is_discarded();
}

} // namespace resq::params
