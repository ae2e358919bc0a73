//===- GraphImporter.h - one ONNX graph into one func.func -----*- C++ -*-===//

#ifndef RESQ_LIB_ONNX_GRAPHIMPORTER_H
#define RESQ_LIB_ONNX_GRAPHIMPORTER_H

#include "ModelFile.h"
#include "NodeImporter.h"

#include "resq/onnx/Import.h"
#include "resq/params/Archive.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

namespace resq::onnx_import {

class GraphImporter {
public:
  GraphImporter(std::shared_ptr<ModelFile> model, mlir::ModuleOp module,
                const OnnxImportOptions &options,
                params::ArchiveWriter &archive);

  /// Imports the main graph as func.func @main. Every problem is reported
  /// before this returns failure.
  mlir::LogicalResult run();

  // Used by NodeImporter.
  mlir::OpBuilder &builder() { return opBuilder; }
  const TensorValue *lookup(const std::string &name) const;
  void define(const std::string &name, TensorValue value);
  bool readTensor(const onnx::TensorProto &tensor, HostTensor &out,
                  std::string &error) {
    return model->readTensor(tensor, out, error);
  }
  /// The IR value of a tensor, materialising a host constant as an inline
  /// constant or a resq.param.
  mlir::Value materialize(const std::string &name, mlir::Location loc);
  /// Records that a node needed the value of tensor `name` at compile time
  /// and did not have it.
  void noteNeededAtCompileTime(const std::string &name) {
    neededAtCompileTime.push_back(name);
  }
  /// The graph inputs whose values the tensors noted as needed at compile
  /// time depend on (walking back through the nodes that compute them).
  std::vector<std::string> graphInputsNeededAtCompileTime() const;

private:
  mlir::LogicalResult checkOpsets();
  mlir::LogicalResult checkNodesSupported();
  mlir::LogicalResult importInitializers();
  /// Graph inputs fixed by --const-input, defined like initializers.
  mlir::LogicalResult importConstInputs();
  mlir::FailureOr<mlir::func::FuncOp> createFunction();
  /// Node indices in an order where every input is defined before use.
  mlir::FailureOr<std::vector<int>> sortNodes();
  mlir::LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  mlir::LogicalResult finishFunction(mlir::func::FuncOp func);
  mlir::Location nodeLoc(const onnx::NodeProto &node, size_t index);
  /// Adds a host tensor to the archive under `name` (once).
  bool archiveTensor(const std::string &name,
                     std::shared_ptr<const HostTensor> tensor,
                     mlir::Location loc);
  std::optional<mlir::RankedTensorType>
  graphInputType(const onnx::ValueInfoProto &input);

  std::shared_ptr<ModelFile> model;
  mlir::ModuleOp module;
  const OnnxImportOptions &options;
  params::ArchiveWriter &archive;
  mlir::OpBuilder opBuilder;
  mlir::Location fileLoc;
  int64_t defaultOpset = 0;
  llvm::StringMap<TensorValue> values;
  mlir::Block *entryBlock = nullptr;
  mlir::Operation *lastConstant = nullptr;
  std::vector<std::string> neededAtCompileTime;
};

} // namespace resq::onnx_import

#endif // RESQ_LIB_ONNX_GRAPHIMPORTER_H
