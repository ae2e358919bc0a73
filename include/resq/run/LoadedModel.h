//===- LoadedModel.h - a model ready to run, compiled or JIT'ed -----------===//
//
// What resq-run executes: a folder written by resq-compile (model.so and
// model.safetensors), or a model file (.onnx/.mlir) JIT-compiled in-process
// with the same pipeline. Either way it runs through the runtime's C API.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUN_LOADEDMODEL_H
#define RESQ_RUN_LOADEDMODEL_H

#include "resq/Runtime.h"
#include "resq/onnx/Import.h"
#include "resq/tensorio/TensorFile.h"

#include <memory>
#include <string>
#include <vector>

namespace resq::driver {
class JitModel;
} // namespace resq::driver

namespace resq::run {

struct TensorSpec {
  std::string name;
  params::DType dtype;
  std::vector<int64_t> shape;
  size_t byteSize;
};

class LoadedModel {
public:
  /// Loads a resq-compile output folder.
  static std::unique_ptr<LoadedModel> openCompiled(const std::string &dir,
                                                   std::string &error);
  /// Imports or parses `path` and JIT-compiles it; the archive is written to
  /// a temporary file that lives as long as the model.
  static std::unique_ptr<LoadedModel> openJit(const std::string &path,
                                              const OnnxImportOptions &import,
                                              std::string &error);
  /// JIT-compiles `module` (which is lowered in place) and binds the
  /// parameters in `archive`.
  static std::unique_ptr<LoadedModel> fromModule(mlir::ModuleOp module,
                                                 const std::string &archive,
                                                 std::string &error);
  ~LoadedModel();

  const std::vector<TensorSpec> &inputs() const { return inputSpecs; }
  const std::vector<TensorSpec> &outputs() const { return outputSpecs; }

  /// Runs on `inputs` (in order; dtype and shape must match) and fills
  /// `outputs`. False with `error` naming the mismatching input.
  bool run(const std::vector<tensorio::Tensor> &inputs,
           std::vector<tensorio::Tensor> &outputs, std::string &error);
  /// Runs on raw buffers of the specs' byte sizes (no checks, no copies).
  bool runRaw(const std::vector<const void *> &inputs,
              const std::vector<void *> &outputs, std::string &error);

private:
  LoadedModel() = default;
  bool describe(std::string &error);
  bool compileAndBind(mlir::ModuleOp module, const std::string &archive,
                      std::string &error);

  resq_model *model = nullptr;
  std::unique_ptr<driver::JitModel> jit;
  std::string temporaryArchive;
  std::vector<TensorSpec> inputSpecs, outputSpecs;
};

} // namespace resq::run

#endif // RESQ_RUN_LOADEDMODEL_H
