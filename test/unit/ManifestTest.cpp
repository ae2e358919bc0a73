//===- ManifestTest.cpp - XXH64 and compiled folders' manifests -----------===//

#include "resq/manifest/Manifest.h"
#include "resq/manifest/ContentHash.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/xxhash.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>

using namespace resq::manifest;

namespace {

TEST(ContentHash, MatchesLlvmXxHash64) {
  std::mt19937 random(7);
  std::vector<uint8_t> bytes(4099);
  for (uint8_t &byte : bytes)
    byte = static_cast<uint8_t>(random());
  // Every tail length (0-31 bytes after the stripes) and the short path.
  for (size_t size : {0, 1, 3, 4, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 65, 100,
                      1000, 4096, 4099})
    EXPECT_EQ(hashBytes(bytes.data(), size),
              llvm::xxHash64(llvm::ArrayRef<uint8_t>(bytes.data(), size)))
        << size << " bytes";
}

TEST(Manifest, FormatsAndParses) {
  Manifest manifest;
  manifest.entries = {{"model.so", 19688, 0xbbaa24d7da2f6e13ULL},
                      {"model.safetensors", 0, 0}};
  std::string text = manifest.format();
  EXPECT_EQ(text, "resq-manifest 1\n19688 bbaa24d7da2f6e13 model.so\n"
                  "0 0000000000000000 model.safetensors\n");
  Manifest parsed;
  std::string error;
  ASSERT_TRUE(Manifest::parse(text, parsed, error)) << error;
  ASSERT_EQ(parsed.entries.size(), 2u);
  EXPECT_EQ(parsed.find("model.so")->hash, 0xbbaa24d7da2f6e13ULL);
  EXPECT_EQ(parsed.find("model.so")->size, 19688u);
}

TEST(Manifest, RejectsMalformedText) {
  Manifest parsed;
  std::string error;
  EXPECT_FALSE(Manifest::parse("", parsed, error));
  EXPECT_FALSE(Manifest::parse("resq-manifest 2\n", parsed, error));
  EXPECT_FALSE(
      Manifest::parse("resq-manifest 1\n12 abc model.so\n", parsed, error));
  EXPECT_EQ(error, "line 2 is not '<size> <16 hex digits> <file name>'");
  EXPECT_FALSE(Manifest::parse(
      "resq-manifest 1\n1 0000000000000000 ../model.so\n", parsed, error));
  EXPECT_FALSE(Manifest::parse("resq-manifest 1\n1 0000000000000000 a b\n",
                               parsed, error));
  EXPECT_FALSE(Manifest::parse("resq-manifest 1\n1 0000000000000000 a\n"
                               "2 0000000000000000 a\n",
                               parsed, error));
  EXPECT_EQ(error, "line 3 lists 'a' a second time");
}

class FolderTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> path;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("resq-manifest", path));
    dir = path.str().str();
    write("model.so", "library");
    write("model.safetensors", "weights");
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }
  void write(const std::string &name, const std::string &text) {
    std::ofstream(pathIn(dir, name), std::ios::binary) << text;
  }
  std::string dir;
};

TEST_F(FolderTest, AcceptsTheFilesItWasWrittenFor) {
  std::string error;
  ASSERT_TRUE(writeManifest(dir, {"model.so", "model.safetensors"}, error))
      << error;
  EXPECT_TRUE(verifyFolder(dir, {"model.so"}, error)) << error;
}

TEST_F(FolderTest, RefusesAMissingManifest) {
  std::string error;
  EXPECT_FALSE(verifyFolder(dir, {"model.so"}, error));
  EXPECT_NE(error.find("has no model.manifest"), std::string::npos) << error;
}

TEST_F(FolderTest, RefusesAFileNotListed) {
  std::string error;
  ASSERT_TRUE(writeManifest(dir, {"model.safetensors"}, error)) << error;
  EXPECT_FALSE(verifyFolder(dir, {"model.so"}, error));
  EXPECT_NE(error.find("holds no model.so"), std::string::npos) << error;
}

TEST_F(FolderTest, RefusesAChangedSize) {
  std::string error;
  ASSERT_TRUE(writeManifest(dir, {"model.so", "model.safetensors"}, error));
  write("model.safetensors", "other weights");
  EXPECT_FALSE(verifyFolder(dir, {"model.so"}, error));
  EXPECT_NE(error.find("is 13 bytes, model.manifest says 7"), std::string::npos)
      << error;
}

TEST_F(FolderTest, RefusesChangedContentOfTheSameSize) {
  std::string error;
  ASSERT_TRUE(writeManifest(dir, {"model.so", "model.safetensors"}, error));
  write("model.safetensors", "WEIGHTS");
  EXPECT_FALSE(verifyFolder(dir, {"model.so"}, error));
  EXPECT_NE(error.find("does not match its hash"), std::string::npos) << error;
}

} // namespace
