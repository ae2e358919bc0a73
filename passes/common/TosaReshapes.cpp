//===- TosaReshapes.cpp - reshapes the greedy driver can fold -------------===//

#include "passes/common/TosaReshapes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

void resq::resolveInferredReshapeDims(Operation *root) {
  root->walk([](tosa::ReshapeOp reshape) {
    auto type = dyn_cast<RankedTensorType>(reshape.getType());
    SmallVector<int64_t> dims;
    if (!type || !type.hasStaticShape() ||
        !tosa::getConstShapeValues(reshape.getShape().getDefiningOp(), dims) ||
        !llvm::is_contained(dims, -1))
      return;
    ImplicitLocOpBuilder b(reshape.getLoc(), reshape);
    reshape.getShapeMutable().assign(
        tosa::getTosaConstShape(b, type.getShape()));
  });
}
