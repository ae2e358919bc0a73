//===- Import.cpp - the importer's entry points ---------------------------===//

#include "resq/onnx/Import.h"

#include "GraphImporter.h"
#include "ModelFile.h"
#include "OpTable.h"

#include "dialects/resq/ResqDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Verifier.h"

#include "llvm/Support/Format.h"

#include <map>
#include <set>

using namespace mlir;

namespace resq {

void registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<ResqDialect, arith::ArithDialect, func::FuncDialect,
                  linalg::LinalgDialect, math::MathDialect,
                  tensor::TensorDialect, tosa::TosaDialect>();
}

namespace {

/// One import attempt; `needed` receives the graph inputs a node needed the
/// values of at compile time.
OwningOpRef<ModuleOp> importOnce(llvm::StringRef path, MLIRContext &context,
                                 const OnnxImportOptions &options,
                                 params::ArchiveWriter &archive,
                                 std::vector<std::string> &needed) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  std::string error;
  std::shared_ptr<onnx_import::ModelFile> model =
      onnx_import::ModelFile::load(path.str(), error);
  if (!model) {
    emitError(fileLoc) << error;
    return nullptr;
  }
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  onnx_import::GraphImporter importer(model, *module, options, archive);
  if (failed(importer.run())) {
    needed = importer.graphInputsNeededAtCompileTime();
    return nullptr;
  }
  if (failed(verify(*module)))
    return nullptr;
  if (options.filesRead)
    *options.filesRead = model->filesRead();
  return module;
}

} // namespace

OwningOpRef<ModuleOp> importOnnxModel(llvm::StringRef path,
                                      MLIRContext &context,
                                      const OnnxImportOptions &options,
                                      params::ArchiveWriter &archive) {
  DialectRegistry registry;
  registerOnnxImportDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();

  std::vector<std::string> needed;
  if (options.specializableInputs.empty())
    return importOnce(path, context, options, archive, needed);

  // Import; while an attempt fails for want of input values we have, fix
  // them and try again. Only the last attempt's diagnostics are reported.
  OnnxImportOptions attempt = options;
  while (true) {
    std::vector<Diagnostic> held;
    params::ArchiveWriter trial;
    OwningOpRef<ModuleOp> module;
    {
      ScopedDiagnosticHandler hold(&context, [&](Diagnostic &diag) {
        held.push_back(std::move(diag));
        return success();
      });
      module = importOnce(path, context, attempt, trial, needed);
    }
    if (module) {
      archive = std::move(trial);
      return module;
    }
    bool fixedMore = false;
    for (const std::string &name : needed) {
      auto given = options.specializableInputs.find(name);
      if (given == options.specializableInputs.end() ||
          attempt.constInputs.count(name))
        continue;
      attempt.constInputs[name] = given->second;
      if (options.specializedInputs)
        options.specializedInputs->push_back(name);
      fixedMore = true;
    }
    if (!fixedMore) {
      for (Diagnostic &diag : held)
        context.getDiagEngine().emit(std::move(diag));
      return nullptr;
    }
  }
}

bool listOnnxGraphInputs(llvm::StringRef path, std::vector<std::string> &names,
                         std::string &error) {
  std::unique_ptr<onnx_import::ModelFile> model =
      onnx_import::ModelFile::load(path.str(), error);
  if (!model)
    return false;
  const onnx::GraphProto &graph = model->model().graph();
  std::set<std::string> initializers;
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializers.insert(tensor.name());
  names.clear();
  for (const onnx::ValueInfoProto &input : graph.input())
    if (!initializers.count(input.name()))
      names.push_back(input.name());
  return true;
}

bool printOnnxOpStats(llvm::StringRef path, llvm::raw_ostream &os,
                      std::string &error) {
  std::unique_ptr<onnx_import::ModelFile> model =
      onnx_import::ModelFile::load(path.str(), error);
  if (!model)
    return false;
  int64_t opset = 0;
  for (const onnx::OperatorSetIdProto &import : model->model().opset_import())
    if (import.domain().empty() || import.domain() == "ai.onnx")
      opset = import.version();
  std::map<std::pair<std::string, std::string>, int> counts;
  for (const onnx::NodeProto &node : model->model().graph().node())
    ++counts[{node.domain(), node.op_type()}];

  os << "model: " << path << " (IR version " << model->model().ir_version()
     << ", default opset " << opset << ", "
     << model->model().graph().node_size() << " nodes)\n";
  bool opsetSupported = opset >= kMinOnnxOpset && opset <= kMaxOnnxOpset;
  int unsupported = 0;
  for (const auto &[key, count] : counts) {
    const auto &[domain, op] = key;
    int64_t firstVersion = 0;
    bool known = (domain.empty() || domain == "ai.onnx") && opsetSupported &&
                 onnx_import::lookupOp(op, opset, firstVersion);
    unsupported += !known;
    os << llvm::format("  %-24s %6d  %s\n",
                       (domain.empty() ? op : domain + "." + op).c_str(), count,
                       known ? "supported" : "UNSUPPORTED");
  }
  os << (unsupported ? std::to_string(unsupported) + " op types unsupported"
                     : std::string("all op types supported"))
     << (opsetSupported ? ""
                        : " (the model's opset is outside " +
                              std::to_string(kMinOnnxOpset) + "-" +
                              std::to_string(kMaxOnnxOpset) + ")")
     << "\n";
  return true;
}

} // namespace resq
