//===- LoadedModel.cpp - a model ready to run, compiled or JIT'ed ---------===//

#include "resq/run/LoadedModel.h"

#include "resq/cli/CommandLine.h"
#include "resq/driver/Jit.h"
#include "resq/driver/Load.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace resq;
using namespace resq::run;

LoadedModel::~LoadedModel() {
  if (!jit)
    resq_model_free(model);
  jit.reset();
  if (!temporaryArchive.empty())
    llvm::sys::fs::remove(temporaryArchive);
}

bool LoadedModel::describe(std::string &error) {
  for (resq_role role : {RESQ_INPUT, RESQ_OUTPUT}) {
    auto &specs = role == RESQ_INPUT ? inputSpecs : outputSpecs;
    for (int64_t i = 0, e = resq_model_count(model, role); i < e; ++i) {
      resq_tensor_info info;
      if (resq_model_info(model, role, i, &info) != RESQ_OK) {
        error = resq_last_error();
        return false;
      }
      specs.push_back({info.name, static_cast<params::DType>(info.dtype),
                       std::vector<int64_t>(info.shape, info.shape + info.rank),
                       info.byte_size});
    }
  }
  return true;
}

std::unique_ptr<LoadedModel> LoadedModel::openCompiled(const std::string &dir,
                                                       std::string &error) {
  std::unique_ptr<LoadedModel> loaded(new LoadedModel);
  if (resq_model_load_dir(dir.c_str(), &loaded->model) != RESQ_OK) {
    error = resq_last_error();
    return nullptr;
  }
  if (!loaded->describe(error))
    return nullptr;
  return loaded;
}

std::unique_ptr<LoadedModel>
LoadedModel::openJit(const std::string &path, const OnnxImportOptions &import,
                     std::string &error) {
  std::unique_ptr<LoadedModel> loaded(new LoadedModel);
  llvm::SmallString<128> archive;
  if (llvm::sys::fs::createTemporaryFile("resq-jit", "safetensors", archive)) {
    error = "cannot create a temporary parameter archive";
    return nullptr;
  }
  loaded->temporaryArchive = archive.str().str();

  mlir::DialectRegistry registry;
  driver::registerDriverDialects(registry);
  mlir::MLIRContext context(registry);
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    os << driver::locatedMessage(diag.getLocation(), diag.str()) << "\n";
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      driver::loadModel(path, context, import, loaded->temporaryArchive);
  if (!module) {
    error = diagnostics.empty() ? "cannot load the model" : diagnostics;
    return nullptr;
  }
  if (!loaded->compileAndBind(*module, loaded->temporaryArchive, error))
    return nullptr;
  return loaded;
}

std::unique_ptr<LoadedModel> LoadedModel::fromModule(mlir::ModuleOp module,
                                                     const std::string &archive,
                                                     std::string &error) {
  std::unique_ptr<LoadedModel> loaded(new LoadedModel);
  if (!loaded->compileAndBind(module, archive, error))
    return nullptr;
  return loaded;
}

bool LoadedModel::compileAndBind(mlir::ModuleOp module,
                                 const std::string &archive,
                                 std::string &error) {
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  mlir::ScopedDiagnosticHandler handler(
      module->getContext(), [&](mlir::Diagnostic &diag) {
        os << driver::locatedMessage(diag.getLocation(), diag.str()) << "\n";
        return mlir::success();
      });
  jit = driver::JitModel::compile(module, "main");
  if (!jit) {
    error = diagnostics.empty() ? "JIT compilation failed" : diagnostics;
    return false;
  }
  model = jit->model();
  if (resq_model_bind_archive(model, archive.c_str()) != RESQ_OK) {
    error = resq_last_error();
    return false;
  }
  return describe(error);
}

bool LoadedModel::run(const std::vector<tensorio::Tensor> &inputs,
                      std::vector<tensorio::Tensor> &outputs,
                      std::string &error) {
  if (inputs.size() != inputSpecs.size()) {
    error = "the model takes " + std::to_string(inputSpecs.size()) +
            " inputs, " + std::to_string(inputs.size()) + " were given";
    return false;
  }
  std::vector<const void *> inputPointers;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec &spec = inputSpecs[i];
    if (inputs[i].dtype != spec.dtype || inputs[i].shape != spec.shape) {
      auto describeTensor = [](params::DType dtype,
                               const std::vector<int64_t> &shape) {
        std::string text(params::dtypeName(dtype));
        text += " [";
        for (size_t d = 0; d < shape.size(); ++d)
          text += (d ? "," : "") + std::to_string(shape[d]);
        return text + "]";
      };
      error = "input '" + spec.name + "' is " +
              describeTensor(inputs[i].dtype, inputs[i].shape) +
              ", the model expects " + describeTensor(spec.dtype, spec.shape);
      return false;
    }
    inputPointers.push_back(inputs[i].bytes.data());
  }
  outputs.assign(outputSpecs.size(), tensorio::Tensor());
  std::vector<void *> outputPointers;
  for (size_t i = 0; i < outputSpecs.size(); ++i) {
    outputs[i].dtype = outputSpecs[i].dtype;
    outputs[i].shape = outputSpecs[i].shape;
    outputs[i].name = outputSpecs[i].name;
    outputs[i].bytes.assign(outputSpecs[i].byteSize, 0);
    outputPointers.push_back(outputs[i].bytes.data());
  }
  return runRaw(inputPointers, outputPointers, error);
}

bool LoadedModel::runRaw(const std::vector<const void *> &inputs,
                         const std::vector<void *> &outputs,
                         std::string &error) {
  if (resq_model_run(model, inputs.data(), outputs.data()) != RESQ_OK) {
    error = resq_last_error();
    return false;
  }
  return true;
}
