//===- ArchiveTest.cpp - safetensors archives: round trip and bad files ---===//

#include "resq/params/Archive.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

using namespace resq::params;

namespace {

std::string scratchPath(const std::string &name) {
  return ::testing::TempDir() + "resq-archive-" + std::to_string(::getpid()) +
         "-" + name;
}

std::vector<uint8_t> readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

/// A raw archive from a header text and a data section.
std::vector<uint8_t> rawArchive(const std::string &header,
                                const std::vector<uint8_t> &data) {
  std::vector<uint8_t> bytes(8);
  for (size_t i = 0; i < 8; ++i)
    bytes[i] = static_cast<uint8_t>(header.size() >> (8 * i));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

std::string openError(const std::vector<uint8_t> &bytes) {
  std::string error;
  auto archive = Archive::fromBuffer(bytes.data(), bytes.size(), error);
  EXPECT_FALSE(archive);
  return error;
}

TEST(Archive, RoundTripsTensorsNamesAndMetadata) {
  std::mt19937 rng(7);
  std::vector<float> weights(64 * 172);
  for (float &w : weights)
    w = std::uniform_real_distribution<float>(-1, 1)(rng);
  std::vector<int64_t> ids = {1, -2, 3, INT64_MAX, INT64_MIN};
  std::vector<uint8_t> halfs = {0x00, 0x3c, 0x00, 0xc0}; // f16 1.0, -2.0
  const std::string oddName = "layer.0/\"q\"\\proj\n\xc3\xa9";

  ArchiveWriter writer;
  std::string error;
  ASSERT_TRUE(writer.addBorrowed("model.w", DType::F32, {64, 172},
                                 weights.data(), weights.size() * 4, error))
      << error;
  ASSERT_TRUE(
      writer.addBorrowed(oddName, DType::I64, {5}, ids.data(), 40, error))
      << error;
  ASSERT_TRUE(writer.addOwned("h", DType::F16, {2}, halfs, error)) << error;
  ASSERT_TRUE(writer.addOwned("empty", DType::F32, {0, 3}, {}, error)) << error;
  ASSERT_TRUE(writer.addOwned("scalar", DType::U8, {}, {42}, error)) << error;
  writer.setMetadata("producer", "resq \"test\"");
  const std::string path = scratchPath("roundtrip.safetensors");
  ASSERT_TRUE(writer.write(path, error)) << error;

  std::vector<uint8_t> raw = readFile(path);
  uint64_t headerBytes = 0;
  std::memcpy(&headerBytes, raw.data(), 8);
  EXPECT_EQ(headerBytes % 8, 0u) << "data must start 8-byte aligned";

  auto archive = Archive::open(path, error);
  ASSERT_TRUE(archive) << error;
  EXPECT_EQ(archive->tensors().size(), 5u);
  const TensorInfo *w = archive->find("model.w");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->dtype, DType::F32);
  EXPECT_EQ(w->shape, (std::vector<int64_t>{64, 172}));
  EXPECT_EQ(std::memcmp(archive->data(*w), weights.data(), w->byteSize()), 0);
  const TensorInfo *odd = archive->find(oddName);
  ASSERT_TRUE(odd);
  EXPECT_EQ(std::memcmp(archive->data(*odd), ids.data(), 40), 0);
  EXPECT_EQ(archive->find("empty")->byteSize(), 0u);
  EXPECT_EQ(archive->find("scalar")->shape.size(), 0u);
  EXPECT_EQ(*archive->data(*archive->find("scalar")), 42);
  EXPECT_EQ(archive->metadata().at("producer"), "resq \"test\"");
  EXPECT_FALSE(archive->find("missing"));
  std::remove(path.c_str());
}

TEST(Archive, WriterRejectsBadTensors) {
  ArchiveWriter writer;
  std::string error;
  float value = 0;
  EXPECT_TRUE(writer.addBorrowed("a", DType::F32, {1}, &value, 4, error));
  EXPECT_FALSE(writer.addBorrowed("a", DType::F32, {1}, &value, 4, error));
  EXPECT_NE(error.find("duplicate tensor name"), std::string::npos);
  EXPECT_FALSE(writer.addBorrowed("b", DType::F32, {2}, &value, 4, error));
  EXPECT_NE(error.find("do not match its dtype and shape"), std::string::npos);
  EXPECT_FALSE(writer.addBorrowed("c", DType::F32, {-1}, &value, 4, error));
  EXPECT_FALSE(writer.addBorrowed("", DType::F32, {1}, &value, 4, error));
  EXPECT_FALSE(writer.addBorrowed("d\xff", DType::F32, {1}, &value, 4, error));
  EXPECT_NE(error.find("not valid UTF-8"), std::string::npos);
  EXPECT_FALSE(
      writer.addBorrowed("__metadata__", DType::F32, {1}, &value, 4, error));
}

TEST(Archive, WriterCatchesAProducerThatWritesTooLittle) {
  ArchiveWriter writer;
  std::string error;
  ASSERT_TRUE(writer.add(
      "short", DType::U8, {4}, 4,
      [](std::FILE *file) { return std::fputc(1, file) != EOF; }, error));
  const std::string path = scratchPath("short.safetensors");
  EXPECT_FALSE(writer.write(path, error));
  EXPECT_NE(error.find("produced 1 bytes, expected 4"), std::string::npos)
      << error;
  EXPECT_TRUE(readFile(path).empty()) << "no partial archive may remain";
}

TEST(Archive, RejectsMalformedHeaders) {
  std::vector<uint8_t> four(4, 0);
  struct Case {
    std::string header;
    std::vector<uint8_t> data;
    std::string message;
  } cases[] = {
      {"[1]", {}, "the header must be a JSON object"},
      {"{\"a\":", {}, "invalid JSON at byte 5 of the header"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
       "\"a\":{}}",
       four, "duplicate key"},
      {"{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", four,
       "unsupported dtype \"Q4\""},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", four,
       "need 8 bytes but the offsets span 4"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
       four, "non-negative"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
       four, "non-negative integers, not 1.5"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", four,
       "end before they begin"},
      {"{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
       "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,3]}}",
       four, "a hole or an overlap"},
      {"{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", four,
       "tensors cover 2 bytes but the data section has 4"},
      {"{\"a\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]}}", four,
       "tensors cover 8 bytes but the data section has 4"},
      {"{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4],"
       "\"x\":1}}",
       four, "unknown field \"x\""},
      {"{\"__metadata__\":{\"k\":1}}", {}, "must be a string"},
      {"{\"a\":{\"dtype\":\"U8\",\"shape\":[99999999999,99999999999,"
       "99999999999],\"data_offsets\":[0,4]}}",
       four, "shape is too large"},
      {std::string(40, '[') + std::string(40, ']'), {}, "nested too deeply"},
      {"{\"a\":\"\\ud800\"}", {}, "surrogate U+D800..U+DBFF"},
      {"{\"a\xff\":1}", {}, "ill-formed UTF-8"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} x",
       four, "invalid JSON at byte"},
  };
  for (const Case &c : cases) {
    std::string error = openError(rawArchive(c.header, c.data));
    EXPECT_NE(error.find(c.message), std::string::npos)
        << "header " << c.header << "\ngave: " << error;
  }
}

TEST(Archive, RejectsBadLengthFields) {
  EXPECT_NE(openError({1, 2, 3}).find("too short"), std::string::npos);
  std::vector<uint8_t> huge(16, 0xff);
  EXPECT_NE(openError(huge).find("exceeds the file"), std::string::npos);
}

TEST(Archive, EveryTruncationOfAValidFileIsRejected) {
  ArchiveWriter writer;
  std::string error;
  std::vector<uint8_t> bytes(24, 7);
  ASSERT_TRUE(writer.addOwned("x", DType::I32, {2, 3}, bytes, error));
  const std::string path = scratchPath("trunc.safetensors");
  ASSERT_TRUE(writer.write(path, error)) << error;
  std::vector<uint8_t> raw = readFile(path);
  for (size_t length = 0; length < raw.size(); ++length) {
    std::string message;
    EXPECT_FALSE(Archive::fromBuffer(raw.data(), length, message)) << length;
    EXPECT_FALSE(message.empty());
  }
  EXPECT_TRUE(Archive::fromBuffer(raw.data(), raw.size(), error)) << error;
  std::remove(path.c_str());
}

TEST(Archive, OpenReportsMissingFilesAndDirectories) {
  std::string error;
  EXPECT_FALSE(Archive::open("/nonexistent/x.safetensors", error));
  EXPECT_NE(error.find("cannot open"), std::string::npos);
  EXPECT_FALSE(Archive::open("/tmp", error));
  EXPECT_NE(error.find("not a regular file"), std::string::npos);
}

} // namespace
