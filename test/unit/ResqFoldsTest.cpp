//===- ResqFoldsTest.cpp - folders of resq ops against references ---------===//

#include "ResqTestContext.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <random>

using namespace mlir;
using resq::testing::ResqTest;

namespace {

using ResqFolds = ResqTest;

/// silu in long double, the reference the folder (double) must match once
/// both are rounded to f32.
float referenceSilu(float x) {
  long double wide = x;
  return static_cast<float>(wide / (1.0L + std::exp(-wide)));
}

TEST_F(ResqFolds, SiluOfRandomConstantsMatchesReference) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-30.0f, 30.0f);
  std::vector<float> inputs(4096);
  for (float &x : inputs)
    x = dist(rng);
  inputs.insert(inputs.end(), {0.0f, -0.0f, 1e-30f, -1e-30f, 88.0f, -88.0f,
                               -104.0f, 3.4e38f, -3.4e38f});

  auto type = tensor({static_cast<int64_t>(inputs.size())});
  auto constant = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(type, llvm::ArrayRef(inputs)));
  auto silu = resq::SiluOp::create(builder, loc, constant);
  SmallVector<OpFoldResult> folded;
  ASSERT_TRUE(succeeded(silu->fold(folded)));
  ASSERT_EQ(folded.size(), 1u);
  auto values = dyn_cast<DenseElementsAttr>(dyn_cast<Attribute>(folded[0]));
  ASSERT_TRUE(values);
  auto got = values.getValues<float>();
  for (size_t i = 0; i < inputs.size(); ++i) {
    float want = referenceSilu(inputs[i]);
    // One f32 rounding of a double result may differ from the rounding of
    // the long double result by at most one ulp.
    EXPECT_LE(std::fabs(got[i] - want),
              std::fabs(std::nextafter(want, INFINITY) - want))
        << "silu(" << inputs[i] << ")";
  }
}

TEST_F(ResqFolds, SiluOfNaNDoesNotFold) {
  auto type = tensor({2});
  float inputs[] = {1.0f, NAN};
  auto constant = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(type, llvm::ArrayRef(inputs)));
  auto silu = resq::SiluOp::create(builder, loc, constant);
  SmallVector<OpFoldResult> folded;
  EXPECT_TRUE(failed(silu->fold(folded)));
}

TEST_F(ResqFolds, RotationFoldsOnlyAgainstItsInverse) {
  auto args = arguments({tensor({4, 64})});
  auto rotate = [&](Value input, int64_t seed, bool inverse) {
    return resq::RotateOp::create(
        builder, loc, input.getType(), input, Value(),
        resq::RotationKindAttr::get(&context, resq::RotationKind::Hadamard),
        builder.getI64IntegerAttr(seed),
        resq::RotationModeAttr::get(&context, resq::RotationMode::Online),
        inverse ? builder.getUnitAttr() : nullptr);
  };
  auto forward = rotate(args[0], 5, false);
  SmallVector<OpFoldResult> folded;

  auto inverse = rotate(forward, 5, true);
  ASSERT_TRUE(succeeded(inverse->fold(folded)));
  EXPECT_EQ(dyn_cast<Value>(folded[0]), args[0]);

  folded.clear();
  EXPECT_TRUE(failed(rotate(forward, 6, true)->fold(folded)));
  EXPECT_TRUE(failed(rotate(forward, 5, false)->fold(folded)));
}

} // namespace
