//===- OpTable.cpp - the versioned table of supported ONNX ops -----------===//
//
// A row per version at which an op's definition changed in a way the
// importer must follow (axes moving from attribute to input, new attributes
// such as Reshape's allowzero or Split's num_outputs, Softmax no longer
// flattening to 2-D). Versions that only widened the type list share the
// handler of the previous row; the handler checks types itself, and reads
// `node.opset()` where the definitions differ. Versions before 13 are listed
// only where the handler follows them; older models get a per-op error.
//
//===----------------------------------------------------------------------===//

#include "OpTable.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"

namespace resq::onnx_import {

const std::vector<OpVersion> &opTable() {
  static const std::vector<OpVersion> table = {
      {"Add", 7, importAdd},
      {"Add", 13, importAdd},
      {"Add", 14, importAdd},
      {"Sub", 7, importSub},
      {"Sub", 13, importSub},
      {"Sub", 14, importSub},
      {"Mul", 7, importMul},
      {"Mul", 13, importMul},
      {"Mul", 14, importMul},
      {"Div", 7, importDiv},
      {"Div", 13, importDiv},
      {"Div", 14, importDiv},
      {"Pow", 7, importPow},
      {"Pow", 12, importPow},
      {"Pow", 13, importPow},
      {"Pow", 15, importPow},
      {"Sqrt", 6, importSqrt},
      {"Sqrt", 13, importSqrt},
      {"Reciprocal", 6, importReciprocal},
      {"Reciprocal", 13, importReciprocal},
      {"Neg", 6, importNeg},
      {"Neg", 13, importNeg},
      {"Exp", 6, importExp},
      {"Exp", 13, importExp},
      {"Sigmoid", 6, importSigmoid},
      {"Sigmoid", 13, importSigmoid},
      {"Tanh", 6, importTanh},
      {"Tanh", 13, importTanh},
      {"Relu", 6, importRelu},
      {"Relu", 13, importRelu},
      {"Relu", 14, importRelu},
      {"Cos", 7, importCos},
      {"Sin", 7, importSin},
      {"Equal", 11, importEqual},
      {"Equal", 13, importEqual},
      {"Equal", 19, importEqual},
      {"Less", 9, importLess},
      {"Less", 13, importLess},
      {"Greater", 9, importGreater},
      {"Greater", 13, importGreater},
      {"Where", 9, importWhere},
      {"Where", 16, importWhere},
      {"Cast", 9, importCast},
      {"Cast", 13, importCast},
      {"Cast", 19, importCast},
      {"Cast", 21, importCast},
      {"Cast", 23, importCast},
      {"Cast", 24, importCast},
      {"Reshape", 5, importReshape},
      {"Reshape", 13, importReshape},
      {"Reshape", 14, importReshape},
      {"Reshape", 19, importReshape},
      {"Reshape", 21, importReshape},
      {"Reshape", 23, importReshape},
      {"Reshape", 24, importReshape},
      {"Transpose", 1, importTranspose},
      {"Transpose", 13, importTranspose},
      {"Transpose", 21, importTranspose},
      {"Transpose", 23, importTranspose},
      {"Transpose", 24, importTranspose},
      {"Unsqueeze", 11, importUnsqueeze},
      {"Unsqueeze", 13, importUnsqueeze},
      {"Unsqueeze", 21, importUnsqueeze},
      {"Unsqueeze", 23, importUnsqueeze},
      {"Unsqueeze", 24, importUnsqueeze},
      {"Squeeze", 11, importSqueeze},
      {"Squeeze", 13, importSqueeze},
      {"Squeeze", 21, importSqueeze},
      {"Squeeze", 23, importSqueeze},
      {"Squeeze", 24, importSqueeze},
      {"Flatten", 11, importFlatten},
      {"Flatten", 13, importFlatten},
      {"Flatten", 21, importFlatten},
      {"Flatten", 23, importFlatten},
      {"Flatten", 24, importFlatten},
      {"Concat", 11, importConcat},
      {"Concat", 13, importConcat},
      {"Slice", 10, importSlice},
      {"Slice", 13, importSlice},
      {"Split", 11, importSplit},
      {"Split", 13, importSplit},
      {"Split", 18, importSplit},
      {"Expand", 8, importExpand},
      {"Expand", 13, importExpand},
      {"Shape", 1, importShape},
      {"Shape", 13, importShape},
      {"Shape", 15, importShape},
      {"Shape", 19, importShape},
      {"Shape", 21, importShape},
      {"Shape", 23, importShape},
      {"Shape", 24, importShape},
      {"Identity", 1, importIdentity},
      {"Identity", 13, importIdentity},
      {"Identity", 14, importIdentity},
      {"Identity", 16, importIdentity},
      {"Identity", 19, importIdentity},
      {"Identity", 21, importIdentity},
      {"Identity", 23, importIdentity},
      {"Identity", 24, importIdentity},
      {"Constant", 1, importConstant},
      {"Constant", 12, importConstant},
      {"Constant", 13, importConstant},
      {"Constant", 19, importConstant},
      {"Constant", 21, importConstant},
      {"Constant", 23, importConstant},
      {"Constant", 24, importConstant},
      {"ConstantOfShape", 9, importConstantOfShape},
      {"ConstantOfShape", 20, importConstantOfShape},
      {"ConstantOfShape", 21, importConstantOfShape},
      {"ConstantOfShape", 23, importConstantOfShape},
      {"ConstantOfShape", 24, importConstantOfShape},
      {"Range", 11, importRange},
      {"Trilu", 14, importTrilu},
      {"Gather", 11, importGather},
      {"Gather", 13, importGather},
      {"MatMul", 9, importMatMul},
      {"MatMul", 13, importMatMul},
      {"Gemm", 11, importGemm},
      {"Gemm", 13, importGemm},
      {"ReduceMean", 11, importReduceMean},
      {"ReduceMean", 13, importReduceMean},
      {"ReduceMean", 18, importReduceMean},
      {"ReduceSum", 11, importReduceSum},
      {"ReduceSum", 13, importReduceSum},
      {"ReduceMax", 12, importReduceMax},
      {"ReduceMax", 13, importReduceMax},
      {"ReduceMax", 18, importReduceMax},
      {"ReduceMax", 20, importReduceMax},
      {"Softmax", 11, importSoftmax},
      {"Softmax", 13, importSoftmax},
      {"RMSNormalization", 23, importRMSNormalization},
      {"RotaryEmbedding", 23, importRotaryEmbedding},
      {"Attention", 23, importAttention},
      {"Attention", 24, importAttention},
  };
  return table;
}

OpArity opArity(llvm::StringRef op, int64_t opset) {
  // Before opset 13 these took their axes or split sizes as attributes.
  if (opset < 13 &&
      llvm::is_contained({"Unsqueeze", "Squeeze", "ReduceSum"}, op))
    return {1, 1, 1, 1};
  if (opset < 13 && op == "Split")
    return {1, 1, 1, kUnbounded};
  // From the ONNX operator specification (opsets 13-24).
  return llvm::StringSwitch<OpArity>(op)
      .Cases({"Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater"},
             {2, 2, 1, 1})
      .Cases({"MatMul", "Reshape", "Expand", "Gather", "Unsqueeze",
              "RMSNormalization"},
             {2, 2, 1, 1})
      .Cases({"Where", "Range"}, {3, 3, 1, 1})
      .Case("Gemm", {2, 3, 1, 1})
      .Case("Concat", {1, kUnbounded, 1, 1})
      .Case("Slice", {3, 5, 1, 1})
      .Case("Split", {1, 2, 1, kUnbounded})
      .Cases({"Squeeze", "ReduceMean", "ReduceSum", "ReduceMax", "Trilu"},
             {1, 2, 1, 1})
      .Case("Constant", {0, 0, 1, 1})
      .Case("RotaryEmbedding", {3, 4, 1, 1})
      .Case("Attention", {3, 7, 1, 4})
      .Default({1, 1, 1, 1});
}

OpHandler lookupOp(llvm::StringRef op, int64_t opset, int64_t &firstVersion) {
  OpHandler best = nullptr;
  int64_t bestVersion = 0;
  firstVersion = 0;
  for (const OpVersion &row : opTable()) {
    if (row.op != op)
      continue;
    if (firstVersion == 0 || row.sinceVersion < firstVersion)
      firstVersion = row.sinceVersion;
    if (row.sinceVersion <= opset && row.sinceVersion > bestVersion) {
      best = row.handler;
      bestVersion = row.sinceVersion;
    }
  }
  return best;
}

} // namespace resq::onnx_import
