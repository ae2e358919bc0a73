//===- OnnxImportTest.cpp - the importer's parameter archive --------------===//
//
// Every initializer of an imported model must land in the archive byte for
// byte. The reference is the ModelProto parsed here independently.
//
//===----------------------------------------------------------------------===//

#include "resq/onnx/Import.h"
#include "resq/params/Archive.h"

#include "mlir/IR/MLIRContext.h"
#include "onnx/onnx_pb.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <unistd.h>

namespace {

void expectArchiveHoldsInitializers(const std::string &model) {
  onnx::ModelProto proto;
  {
    std::ifstream in(model, std::ios::binary);
    ASSERT_TRUE(in) << model;
    ASSERT_TRUE(proto.ParseFromIstream(&in)) << model;
  }

  mlir::MLIRContext context;
  resq::params::ArchiveWriter writer;
  resq::OnnxImportOptions options;
  auto module = resq::importOnnxModel(model, context, options, writer);
  ASSERT_TRUE(module) << model;

  std::string path = ::testing::TempDir() + "resq-import-" +
                     std::to_string(::getpid()) + ".safetensors";
  std::string error;
  ASSERT_TRUE(writer.write(path, error)) << error;
  auto archive = resq::params::Archive::open(path, error);
  ASSERT_TRUE(archive) << error;

  ASSERT_GT(proto.graph().initializer_size(), 0);
  for (const onnx::TensorProto &init : proto.graph().initializer()) {
    const resq::params::TensorInfo *tensor = archive->find(init.name());
    ASSERT_TRUE(tensor) << "missing initializer " << init.name();
    ASSERT_TRUE(init.has_raw_data()) << init.name();
    EXPECT_EQ(std::vector<int64_t>(init.dims().begin(), init.dims().end()),
              tensor->shape)
        << init.name();
    ASSERT_EQ(tensor->byteSize(), init.raw_data().size()) << init.name();
    EXPECT_EQ(std::memcmp(archive->data(*tensor), init.raw_data().data(),
                          tensor->byteSize()),
              0)
        << init.name();
  }
  std::remove(path.c_str());
}

TEST(OnnxImport, ArchiveHoldsEveryInitializerOfTheExampleLlama) {
  expectArchiveHoldsInitializers(
      std::string(RESQ_SOURCE_DIR) +
      "/examples/models/tiny_llama_untied_op17.onnx");
}

TEST(OnnxImport, ArchiveHoldsEveryInitializerOfTheExampleMlp) {
  expectArchiveHoldsInitializers(std::string(RESQ_SOURCE_DIR) +
                                 "/examples/models/mlp2_op17.onnx");
}

TEST(OnnxImport, ArchiveHoldsEveryInitializerOfStories260K) {
  // The real pretrained model lives beside the checkout (../shared/models).
  std::string model = std::string(RESQ_SOURCE_DIR) +
                      "/../shared/models/stories260K/"
                      "stories260K_T64_static_op17.onnx";
  if (::access(model.c_str(), R_OK) != 0)
    GTEST_SKIP() << "stories260K is not present at " << model;
  expectArchiveHoldsInitializers(model);
}

} // namespace
