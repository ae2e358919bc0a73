//===- Abi.cpp - the ABI text of a compiled model's entry -----------------===//

#include "passes/lower/Abi.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {

/// The safetensors spelling of an element type, or "" if none fits.
llvm::StringRef dtypeOf(Type element, bool isUnsigned) {
  if (element.isF32())
    return "F32";
  if (element.isF64())
    return "F64";
  if (element.isF16())
    return "F16";
  if (element.isBF16())
    return "BF16";
  if (element.isInteger(1))
    return "BOOL";
  if (element.isInteger(8))
    return isUnsigned ? "U8" : "I8";
  if (element.isInteger(16))
    return "I16";
  if (element.isInteger(32))
    return "I32";
  if (element.isInteger(64))
    return "I64";
  return "";
}

} // namespace

FailureOr<std::string> resq::abi::describeEntry(func::FuncOp entry,
                                                unsigned numInputs) {
  std::string text = "resq-abi 1\n";
  llvm::raw_string_ostream os(text);

  auto describe = [&](llvm::StringRef kind, llvm::StringRef name, Type type,
                      bool isUnsigned) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return entry.emitError() << kind << " '" << name << "' has type " << type
                               << "; a compiled model needs static shapes "
                                  "(import with --input-shape NAME=DxD...)";
    llvm::StringRef dtype = dtypeOf(tensor.getElementType(), isUnsigned);
    if (dtype.empty())
      return entry.emitError() << kind << " '" << name << "' has element type "
                               << tensor.getElementType()
                               << ", which a compiled model cannot exchange";
    if (name.empty() || name.find_first_of("\t\n\r") != llvm::StringRef::npos)
      return entry.emitError() << kind << " name '" << name
                               << "' is empty or contains a tab or newline";
    os << kind << '\t' << name << '\t' << dtype << '\t';
    llvm::interleave(tensor.getShape(), os, ",");
    os << '\n';
    return success();
  };

  auto nameOf = [](DictionaryAttr attrs, llvm::StringRef key,
                   std::string fallback) -> std::string {
    if (attrs)
      if (auto name = attrs.getAs<StringAttr>(key))
        return name.str();
    return fallback;
  };

  for (unsigned i = 0, e = entry.getNumArguments(); i < e; ++i) {
    DictionaryAttr attrs = entry.getArgAttrDict(i);
    bool isInput = i < numInputs;
    std::string name = nameOf(attrs, isInput ? "resq.name" : kParamAttr,
                              "arg" + std::to_string(i));
    bool isUnsigned = attrs && attrs.contains("resq.unsigned");
    if (failed(describe(isInput ? "input" : "param", name,
                        entry.getArgument(i).getType(), isUnsigned)))
      return failure();
  }
  for (unsigned i = 0, e = entry.getNumResults(); i < e; ++i) {
    DictionaryAttr attrs = entry.getResultAttrDict(i);
    std::string name = nameOf(attrs, "resq.name", "result" + std::to_string(i));
    bool isUnsigned = attrs && attrs.contains("resq.unsigned");
    if (failed(describe("output", name, entry.getResultTypes()[i], isUnsigned)))
      return failure();
  }
  return text;
}
