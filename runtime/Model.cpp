//===- Model.cpp - load, bind and run a compiled model --------------------===//
//
// The implementation of include/resq/Runtime.h. A model is the entry function
// of a compiled library (or a JIT), its parsed ABI, and one memref descriptor
// per parameter, filled when the parameter is bound. A run builds descriptors
// for the caller's inputs and outputs and calls the entry with all of them.
//
//===----------------------------------------------------------------------===//

#include "ElfCheck.h"
#include "InputChecks.h"
#include "ModelAbi.h"
#include "RuntimeError.h"

#include "resq/Runtime.h"
#include "resq/manifest/Manifest.h"
#include "resq/params/Archive.h"

#include <dlfcn.h>

#include <memory>
#include <new>
#include <string>
#include <vector>

using namespace resq;
using namespace resq::runtime;

struct resq_model {
  void *library = nullptr;
  void (*entry)(void **) = nullptr;
  std::vector<ArgSpec> args;
  // Index into `args` of the first param and of the first output.
  size_t firstParam = 0, firstOutput = 0;
  // Descriptor words per argument; params' are filled when bound.
  std::vector<std::vector<int64_t>> descriptors;
  std::vector<bool> bound;
  std::vector<std::unique_ptr<params::Archive>> archives;

  ~resq_model() {
    if (library)
      dlclose(library);
  }
};

namespace {

/// {allocated, aligned, offset, sizes..., strides...} of a dense tensor.
std::vector<int64_t> makeDescriptor(const ArgSpec &arg, const void *data) {
  size_t rank = arg.shape.size();
  std::vector<int64_t> words(3 + 2 * rank);
  words[0] = words[1] = reinterpret_cast<int64_t>(data);
  words[2] = 0;
  int64_t stride = 1;
  for (size_t d = rank; d-- > 0;) {
    words[3 + d] = arg.shape[d];
    words[3 + rank + d] = stride;
    stride *= arg.shape[d];
  }
  return words;
}

resq_status finishLoad(resq_model *model, const char *abiText,
                       resq_model **out) {
  std::unique_ptr<resq_model> owned(model);
  std::string error;
  std::optional<std::vector<ArgSpec>> args =
      parseModelAbi(abiText ? abiText : "", error);
  if (!args)
    return fail(RESQ_ERR_INVALID_MODEL, error);
  model->args = std::move(*args);
  // parseModelAbi guarantees the order: inputs, params, outputs.
  for (const ArgSpec &arg : model->args) {
    model->firstParam += arg.role == Role::Input;
    model->firstOutput += arg.role != Role::Output;
  }
  model->descriptors.resize(model->args.size());
  model->bound.assign(model->args.size(), false);
  *out = owned.release();
  return ok();
}

const ArgSpec *findArg(const resq_model *model, resq_role role, int64_t index) {
  if (!model || index < 0)
    return nullptr;
  size_t begin = role == RESQ_INPUT   ? 0
                 : role == RESQ_PARAM ? model->firstParam
                                      : model->firstOutput;
  size_t end = role == RESQ_INPUT   ? model->firstParam
               : role == RESQ_PARAM ? model->firstOutput
                                    : model->args.size();
  if (size_t(index) >= end - begin)
    return nullptr;
  return &model->args[begin + index];
}

std::string describe(params::DType dtype, const std::vector<int64_t> &shape) {
  return std::string(params::dtypeName(dtype)) + " " + formatShape(shape);
}

/// The archive's tensor `name` if it fits `param`; otherwise a message.
const params::TensorInfo *matchParam(const params::Archive &archive,
                                     const ArgSpec &param,
                                     const std::string &path,
                                     std::string &problem) {
  const params::TensorInfo *tensor = archive.find(param.name);
  if (!tensor) {
    problem = "parameter '" + param.name + "' (" +
              describe(param.dtype, param.shape) + ") is missing from '" +
              path + "'";
    return nullptr;
  }
  if (tensor->dtype != param.dtype || tensor->shape != param.shape) {
    problem = "parameter '" + param.name + "' is " +
              describe(tensor->dtype, tensor->shape) + " in '" + path +
              "', the model expects " + describe(param.dtype, param.shape);
    return nullptr;
  }
  return tensor;
}

} // namespace

extern "C" {

resq_status resq_model_load(const char *libraryPath, resq_model **out) {
  if (!libraryPath || !out)
    return fail(RESQ_ERR_INVALID_ARGUMENT, "resq_model_load: null argument");
  *out = nullptr;
  // A truncated library would fault inside dlopen rather than fail.
  std::string error;
  if (!checkElfFile(libraryPath, error))
    return fail(RESQ_ERR_IO, error);
  void *library = dlopen(libraryPath, RTLD_NOW | RTLD_LOCAL);
  if (!library)
    return fail(RESQ_ERR_IO,
                std::string("cannot load '") + libraryPath + "': " + dlerror());
  auto *model = new (std::nothrow) resq_model;
  if (!model) {
    dlclose(library);
    return fail(RESQ_ERR_OUT_OF_MEMORY, "out of memory");
  }
  model->library = library;
  auto entry =
      reinterpret_cast<void (*)(void **)>(dlsym(library, "resq_entry"));
  auto abi = reinterpret_cast<const char *(*)()>(dlsym(library, "resq_abi"));
  if (!entry || !abi) {
    delete model;
    return fail(RESQ_ERR_INVALID_MODEL,
                std::string("'") + libraryPath +
                    "' is not a resq model: it does not export resq_entry "
                    "and resq_abi");
  }
  model->entry = entry;
  return finishLoad(model, abi(), out);
}

resq_status resq_model_from_entry(void (*entry)(void **), const char *abi,
                                  resq_model **out) {
  if (!entry || !abi || !out)
    return fail(RESQ_ERR_INVALID_ARGUMENT,
                "resq_model_from_entry: null argument");
  *out = nullptr;
  auto *model = new (std::nothrow) resq_model;
  if (!model)
    return fail(RESQ_ERR_OUT_OF_MEMORY, "out of memory");
  model->entry = entry;
  return finishLoad(model, abi, out);
}

resq_status resq_model_load_dir(const char *dir, resq_model **out) {
  if (!dir || !out)
    return fail(RESQ_ERR_INVALID_ARGUMENT,
                "resq_model_load_dir: null argument");
  // The manifest binds model.so to its archive: a folder left half-written
  // by a failed compilation, or mixing two, is refused before dlopen.
  std::string error;
  if (!resq::manifest::verifyFolder(
          dir, {"model.so", "model.safetensors", "libresq_runtime.so"}, error))
    return fail(RESQ_ERR_INVALID_MODEL, error);
  std::string base = std::string(dir) + "/";
  resq_model *model = nullptr;
  if (resq_status status = resq_model_load((base + "model.so").c_str(), &model))
    return status;
  if (resq_status status = resq_model_bind_archive(
          model, (base + "model.safetensors").c_str())) {
    resq_model_free(model);
    return status;
  }
  *out = model;
  return ok();
}

void resq_model_free(resq_model *model) { delete model; }

resq_status resq_model_bind_archive(resq_model *model, const char *path) {
  if (!model || !path)
    return fail(RESQ_ERR_INVALID_ARGUMENT,
                "resq_model_bind_archive: null argument");
  std::string error;
  std::unique_ptr<params::Archive> archive = params::Archive::open(path, error);
  if (!archive)
    return fail(RESQ_ERR_IO, error);

  // Check every parameter before binding any, and report all problems.
  std::vector<const params::TensorInfo *> tensors;
  std::string problems;
  resq_status status = RESQ_OK;
  for (size_t i = model->firstParam; i < model->firstOutput; ++i) {
    std::string problem;
    const params::TensorInfo *tensor =
        matchParam(*archive, model->args[i], path, problem);
    if (!tensor) {
      problems += (problems.empty() ? "" : "\n") + problem;
      if (status == RESQ_OK)
        status = archive->find(model->args[i].name) ? RESQ_ERR_PARAM_MISMATCH
                                                    : RESQ_ERR_MISSING_PARAM;
    }
    tensors.push_back(tensor);
  }
  if (status != RESQ_OK)
    return fail(status, problems);
  for (size_t i = model->firstParam; i < model->firstOutput; ++i) {
    model->descriptors[i] = makeDescriptor(
        model->args[i], archive->data(*tensors[i - model->firstParam]));
    model->bound[i] = true;
  }
  model->archives.push_back(std::move(archive));
  return ok();
}

resq_status resq_model_bind_param(resq_model *model, const char *name,
                                  resq_dtype dtype, int64_t rank,
                                  const int64_t *shape, const void *data) {
  if (!model || !name || !data || rank < 0 || (rank > 0 && !shape))
    return fail(RESQ_ERR_INVALID_ARGUMENT,
                "resq_model_bind_param: null or negative argument");
  if (!resq_dtype_name(dtype))
    return fail(RESQ_ERR_INVALID_ARGUMENT, "resq_model_bind_param: bad dtype");
  for (size_t i = model->firstParam; i < model->firstOutput; ++i) {
    const ArgSpec &param = model->args[i];
    if (param.name != name)
      continue;
    std::vector<int64_t> given(shape, shape + rank);
    auto givenDType = static_cast<params::DType>(dtype);
    if (givenDType != param.dtype || given != param.shape)
      return fail(RESQ_ERR_PARAM_MISMATCH,
                  "parameter '" + param.name + "' was given as " +
                      describe(givenDType, given) + ", the model expects " +
                      describe(param.dtype, param.shape));
    model->descriptors[i] = makeDescriptor(param, data);
    model->bound[i] = true;
    return ok();
  }
  return fail(RESQ_ERR_INVALID_ARGUMENT,
              std::string("the model has no parameter '") + name + "'");
}

int64_t resq_model_count(const resq_model *model, resq_role role) {
  if (!model)
    return 0;
  switch (role) {
  case RESQ_INPUT:
    return int64_t(model->firstParam);
  case RESQ_PARAM:
    return int64_t(model->firstOutput - model->firstParam);
  case RESQ_OUTPUT:
    return int64_t(model->args.size() - model->firstOutput);
  }
  return 0;
}

resq_status resq_model_info(const resq_model *model, resq_role role,
                            int64_t index, resq_tensor_info *info) {
  const ArgSpec *arg = findArg(model, role, index);
  if (!arg || !info)
    return fail(RESQ_ERR_INVALID_ARGUMENT,
                "resq_model_info: no such argument, or null info");
  info->name = arg->name.c_str();
  info->dtype = static_cast<resq_dtype>(arg->dtype);
  info->rank = int64_t(arg->shape.size());
  info->shape = arg->shape.data();
  info->byte_size = arg->byteSize;
  return ok();
}

resq_status resq_model_run(resq_model *model, const void *const *inputs,
                           void *const *outputs) {
  if (!model)
    return fail(RESQ_ERR_INVALID_ARGUMENT, "resq_model_run: null model");
  size_t numInputs = model->firstParam;
  size_t numOutputs = model->args.size() - model->firstOutput;
  if ((numInputs && !inputs) || (numOutputs && !outputs))
    return fail(RESQ_ERR_INVALID_ARGUMENT,
                "resq_model_run: null input or output array");
  for (size_t i = model->firstParam; i < model->firstOutput; ++i)
    if (!model->bound[i])
      return fail(RESQ_ERR_UNBOUND_PARAM,
                  "parameter '" + model->args[i].name + "' is not bound");
  // Inputs and outputs get descriptors of their own for this call, so that
  // concurrent runs share nothing mutable.
  std::vector<std::vector<int64_t>> local(model->args.size());
  std::vector<void *> argv(model->args.size());
  for (size_t i = 0; i < model->args.size(); ++i) {
    const void *data = nullptr;
    if (i < numInputs)
      data = inputs[i];
    else if (i >= model->firstOutput)
      data = outputs[i - model->firstOutput];
    else {
      argv[i] = model->descriptors[i].data();
      continue;
    }
    if (!data && model->args[i].byteSize)
      return fail(RESQ_ERR_INVALID_ARGUMENT, "resq_model_run: buffer of '" +
                                                 model->args[i].name +
                                                 "' is null");
    local[i] = makeDescriptor(model->args[i], data);
    argv[i] = local[i].data();
  }
  clearInputReports();
  model->entry(argv.data());
  std::string report;
  if (takeInputReport(report))
    return fail(RESQ_ERR_INPUT_VALUE, report);
  return ok();
}

const char *resq_dtype_name(resq_dtype dtype) {
  if (dtype < RESQ_F64 || dtype > RESQ_BOOL)
    return nullptr;
  return params::dtypeName(static_cast<params::DType>(dtype)).data();
}

size_t resq_dtype_size(resq_dtype dtype) {
  if (!resq_dtype_name(dtype))
    return 0;
  return params::dtypeSize(static_cast<params::DType>(dtype));
}

} // extern "C"

static_assert(int(RESQ_F64) == int(params::DType::F64) &&
                  int(RESQ_F32) == int(params::DType::F32) &&
                  int(RESQ_BF16) == int(params::DType::BF16) &&
                  int(RESQ_I8) == int(params::DType::I8) &&
                  int(RESQ_U8) == int(params::DType::U8) &&
                  int(RESQ_BOOL) == int(params::DType::Bool),
              "resq_dtype must follow resq::params::DType");
