//===- LayerNames.cpp - the name a linear layer goes by -------------------===//

#include "passes/common/LayerNames.h"

#include "passes/common/ModuleParams.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace resq {

std::string layerName(Operation *linear) {
  if (auto op = dyn_cast<LinearOp>(linear)) {
    ParamOp param = matrixParam(op.getWeight());
    return param ? param.getName().str() : "";
  }
  auto op = dyn_cast<QLinearOp>(linear);
  ParamOp param =
      op ? op.getWeights().front().getDefiningOp<ParamOp>() : ParamOp();
  if (!param)
    return "";
  StringRef name = param.getName();
  size_t dot = name.rfind(".int");
  if (dot != StringRef::npos && name.size() > dot + 4 &&
      llvm::all_of(name.substr(dot + 4), llvm::isDigit))
    name = name.take_front(dot);
  return name.str();
}

} // namespace resq
