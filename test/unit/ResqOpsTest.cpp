//===- ResqOpsTest.cpp - resq ops built through the C++ API ---------------===//
//
// Passes build resq ops with builders, not text: these tests check that the
// verifiers catch what such code can get wrong, and the helpers they expose.
//
//===----------------------------------------------------------------------===//

#include "ResqTestContext.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <cmath>

using namespace mlir;
using resq::testing::ResqTest;

namespace {

using ResqOps = ResqTest;

TEST_F(ResqOps, LinearBuiltWithTransposedWeightIsRejected) {
  auto args = arguments({tensor({1, 8, 64}), tensor({172, 64})});
  auto op = resq::LinearOp::create(builder, loc, tensor({1, 8, 172}), args[0],
                                   args[1], Value());
  EXPECT_TRUE(failed(verify(op)));
  EXPECT_NE(diagnostics.find("expected weight rows (172) to equal input "
                             "features (64)"),
            std::string::npos)
      << diagnostics;
}

TEST_F(ResqOps, LinearWithBiasVerifies) {
  auto args = arguments({tensor({1, 8, 64}), tensor({64, 172}), tensor({172})});
  auto op = resq::LinearOp::create(builder, loc, tensor({1, 8, 172}), args[0],
                                   args[1], args[2]);
  EXPECT_TRUE(succeeded(verify(op))) << diagnostics;
}

TEST_F(ResqOps, AttentionDefaultScaleIsInverseSqrtHeadDim) {
  auto args = arguments(
      {tensor({1, 16, 64}), tensor({1, 16, 32}), tensor({1, 16, 32})});
  auto op = resq::AttentionOp::create(
      builder, loc, tensor({1, 16, 64}), TypeRange{}, args[0], args[1], args[2],
      Value(), Value(), Value(), builder.getI64IntegerAttr(8),
      builder.getI64IntegerAttr(4), FloatAttr(), UnitAttr());
  ASSERT_TRUE(succeeded(verify(op))) << diagnostics;
  EXPECT_EQ(op.getHeadDim(), 8);
  EXPECT_DOUBLE_EQ(op.getEffectiveScale().value_or(0), 1.0 / std::sqrt(8.0));
}

TEST_F(ResqOps, RopeRotatesTheWholeHeadByDefault) {
  auto args = arguments({tensor({1, 8, 16, 8}), tensor({16, 4})});
  auto op = resq::RopeOp::create(builder, loc, tensor({1, 8, 16, 8}), args[0],
                                 args[1], args[1],
                                 resq::RopePairing::Interleaved, IntegerAttr());
  ASSERT_TRUE(succeeded(verify(op))) << diagnostics;
  EXPECT_EQ(op.getEffectiveRotaryDim(), 8);
}

TEST_F(ResqOps, ParsesWhatItPrints) {
  const char *source = R"mlir(
    func.func @f(%x: tensor<2x64xf32>) -> tensor<2x64xf32> {
      %0 = resq.subspace_quant %x [56 : i4, 8 : i8] clip 0.5 : tensor<2x64xf32>
      return %0 : tensor<2x64xf32>
    })mlir";
  OwningOpRef<ModuleOp> parsed = parseSourceString<ModuleOp>(source, &context);
  ASSERT_TRUE(parsed) << diagnostics;
  resq::SubspaceQuantOp op;
  parsed->walk([&](resq::SubspaceQuantOp found) { op = found; });
  ASSERT_TRUE(op);
  auto ranges = op.getRanges().getAsRange<resq::BitRangeAttr>();
  std::vector<std::pair<int64_t, unsigned>> got;
  for (resq::BitRangeAttr range : ranges)
    got.emplace_back(range.getSize(), range.getBits());
  EXPECT_EQ(got, (std::vector<std::pair<int64_t, unsigned>>{{56, 4}, {8, 8}}));
  EXPECT_DOUBLE_EQ(op.getClipRatio().convertToDouble(), 0.5);
  EXPECT_FALSE(op.getSymmetric());
}

TEST_F(ResqOps, BitRangeRejectsOutOfRangeWidths) {
  auto parse = [&](const char *text) { return parseAttribute(text, &context); };
  EXPECT_FALSE(parse("#resq.range<size = 8, bits = 1>"));
  EXPECT_FALSE(parse("#resq.range<size = 8, bits = 17>"));
  EXPECT_FALSE(parse("#resq.range<size = 0, bits = 4>"));
  EXPECT_TRUE(parse("#resq.range<size = 8, bits = 16>"));
  EXPECT_NE(diagnostics.find("expected a bit width in 2..16, found 17"),
            std::string::npos)
      << diagnostics;
}

} // namespace
