//===- ModuleParams.cpp - the parameter archive a module names ------------===//

#include "passes/common/ModuleParams.h"

#include "dialects/resq/ResqAttributes.h"
#include "dialects/resq/ResqDialect.h"
#include "dialects/resq/ResqOps.h"
#include "resq/params/ConfinedPath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

#include <cstring>
#include <set>

using namespace mlir;
using namespace llvm;

namespace resq {

namespace {

/// The file a location names, looking through names and call sites.
std::string sourceFile(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return file.getFilename().str();
  if (auto name = dyn_cast<NameLoc>(loc))
    return sourceFile(name.getChildLoc());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string file = sourceFile(inner); !file.empty())
        return file;
  return "";
}

const fltSemantics *semanticsOf(params::DType dtype) {
  switch (dtype) {
  case params::DType::F64:
    return &APFloat::IEEEdouble();
  case params::DType::F32:
    return &APFloat::IEEEsingle();
  case params::DType::F16:
    return &APFloat::IEEEhalf();
  case params::DType::BF16:
    return &APFloat::BFloat();
  default:
    return nullptr;
  }
}

std::vector<double> decode(params::DType dtype, const uint8_t *bytes,
                           uint64_t count) {
  std::vector<double> values(count);
  if (dtype == params::DType::F32) {
    for (uint64_t i = 0; i < count; ++i) {
      float f;
      std::memcpy(&f, bytes + 4 * i, 4);
      values[i] = f;
    }
    return values;
  }
  if (dtype == params::DType::F64) {
    std::memcpy(values.data(), bytes, 8 * count);
    return values;
  }
  const fltSemantics &semantics = *semanticsOf(dtype);
  for (uint64_t i = 0; i < count; ++i) {
    uint16_t bits;
    std::memcpy(&bits, bytes + 2 * i, 2);
    values[i] = APFloat(semantics, APInt(16, bits)).convertToDouble();
  }
  return values;
}

std::vector<uint8_t> encode(params::DType dtype,
                            const std::vector<double> &values) {
  size_t width = params::dtypeSize(dtype);
  std::vector<uint8_t> bytes(values.size() * width);
  for (size_t i = 0; i < values.size(); ++i) {
    APFloat value(values[i]);
    bool lost;
    value.convert(*semanticsOf(dtype), APFloat::rmNearestTiesToEven, &lost);
    uint64_t bits = value.bitcastToAPInt().getZExtValue();
    std::memcpy(bytes.data() + i * width, &bits, width); // little endian
  }
  return bytes;
}

} // namespace

std::string ModuleParams::archivePathOf(ModuleOp module, std::string &error) {
  error.clear();
  auto attr =
      module->getAttrOfType<ParamArchiveAttr>(ResqDialect::getParamsAttrName());
  if (!attr)
    return "";
  std::string path = attr.getPath().str();
  auto *dialect = module->getContext()->getLoadedDialect<ResqDialect>();
  if (sys::path::is_absolute(path)) {
    if (dialect && dialect->isAllowedArchivePath(path))
      return path;
    error = "the module names its parameter archive by the absolute path '" +
            path +
            "': a module read from a file must name it relative to its "
            "own folder";
    return "";
  }
  SmallString<256> folder(sourceFile(module.getLoc()));
  sys::path::remove_filename(folder);
  std::string resolved, problem;
  bool beside = !folder.empty() && sys::fs::is_directory(folder);
  if (beside &&
      params::resolveConfinedPath(folder.str().str(), path, resolved, problem))
    return resolved;
  // Not beside the source file: the working directory, under the same rules.
  std::string fromHere, problemHere;
  if (params::resolveConfinedPath("", path, fromHere, problemHere))
    return fromHere;
  error = "the module's parameter archive '" + path + "' " +
          (beside ? problem : problemHere);
  return "";
}

std::unique_ptr<ModuleParams> ModuleParams::open(ModuleOp module,
                                                 std::string &error) {
  std::string path = archivePathOf(module, error);
  if (path.empty())
    return nullptr;
  auto params = std::unique_ptr<ModuleParams>(new ModuleParams);
  params->archivePath = path;
  params->archive = params::Archive::open(params->archivePath, error);
  if (!params->archive)
    return nullptr;
  return params;
}

std::unique_ptr<ModuleParams> ModuleParams::openOrReport(ModuleOp module,
                                                         StringRef pass) {
  std::string error;
  std::unique_ptr<ModuleParams> params = open(module, error);
  if (!params)
    module.emitError() << "--" << pass
                       << " needs the module's parameter archive: "
                       << (error.empty() ? "the module names none" : error);
  return params;
}

std::optional<std::vector<int64_t>> ModuleParams::shape(StringRef name) const {
  if (auto it = staged.find(name.str()); it != staged.end())
    return it->second.shape;
  if (const params::TensorInfo *info = archive->find(name.str()))
    return info->shape;
  return std::nullopt;
}

std::optional<std::vector<double>> ModuleParams::read(StringRef name) const {
  if (auto it = staged.find(name.str()); it != staged.end()) {
    const Staged &tensor = it->second;
    return decode(tensor.dtype, tensor.bytes.data(),
                  tensor.bytes.size() / params::dtypeSize(tensor.dtype));
  }
  const params::TensorInfo *info = archive->find(name.str());
  if (!info || !semanticsOf(info->dtype))
    return std::nullopt;
  return decode(info->dtype, archive->data(*info),
                info->byteSize() / params::dtypeSize(info->dtype));
}

std::optional<std::string> ModuleParams::fingerprint(ModuleOp module,
                                                     std::string &error) const {
  std::set<std::string> names;
  module.walk([&](ParamOp param) {
    if (!param.getResult().use_empty())
      names.insert(param.getName().str());
  });
  // Each tensor contributes its name, dtype, shape and the hash of its
  // bytes; the list is hashed once more.
  std::vector<uint64_t> words;
  for (const std::string &name : names) {
    ArrayRef<uint8_t> bytes;
    params::DType dtype;
    const std::vector<int64_t> *dims;
    if (auto it = staged.find(name); it != staged.end()) {
      bytes = it->second.bytes;
      dtype = it->second.dtype;
      dims = &it->second.shape;
    } else if (const params::TensorInfo *info = archive->find(name)) {
      bytes = ArrayRef<uint8_t>(archive->data(*info), info->byteSize());
      dtype = info->dtype;
      dims = &info->shape;
    } else {
      error = "the parameter '" + name + "' is not in the archive '" +
              archivePath + "'";
      return std::nullopt;
    }
    words.push_back(xxh3_64bits(name));
    words.push_back(static_cast<uint64_t>(dtype));
    words.push_back(dims->size());
    words.insert(words.end(), dims->begin(), dims->end());
    words.push_back(xxh3_64bits(bytes));
  }
  uint64_t hash = xxh3_64bits(
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(words.data()),
                        words.size() * sizeof(uint64_t)));
  std::string text;
  raw_string_ostream(text) << format_hex_no_prefix(hash, 16);
  return text;
}

std::optional<ModuleParams::RowMatrix>
ModuleParams::readMatrix(Value value) const {
  bool transposed = false;
  ParamOp param = matrixParam(value, &transposed);
  std::optional<std::vector<double>> values =
      param ? read(param.getName()) : std::nullopt;
  std::optional<std::vector<int64_t>> dims =
      param ? shape(param.getName()) : std::nullopt;
  if (!values || !dims || dims->size() != 2 ||
      !cast<RankedTensorType>(value.getType()).getElementType().isF32()) {
    emitError(value.getLoc()) << "expected an f32 matrix parameter";
    return std::nullopt;
  }
  RowMatrix matrix =
      Eigen::Map<RowMatrix>(values->data(), (*dims)[0], (*dims)[1]);
  if (transposed)
    return RowMatrix(matrix.transpose());
  return matrix;
}

void ModuleParams::replaceMatrix(OpOperand &use, const RowMatrix &matrix,
                                 StringRef suffix) {
  ParamOp old = matrixParam(use.get());
  std::vector<double> data(matrix.data(), matrix.data() + matrix.size());
  std::string name = add(old.getName().str() + suffix.str(), params::DType::F32,
                         {matrix.rows(), matrix.cols()}, std::move(data));
  OpBuilder b(use.getOwner());
  use.set(ParamOp::create(b, old.getLoc(), use.get().getType(), name));
}

ParamOp matrixParam(Value value, bool *transposed) {
  if (transposed)
    *transposed = false;
  if (auto transpose = value.getDefiningOp<tosa::TransposeOp>()) {
    if (transpose.getPerms() != ArrayRef<int32_t>{1, 0})
      return nullptr;
    if (transposed)
      *transposed = true;
    value = transpose.getInput1();
  }
  auto param = value.getDefiningOp<ParamOp>();
  if (!param || cast<RankedTensorType>(param.getType()).getRank() != 2)
    return nullptr;
  return param;
}

bool ModuleParams::taken(const std::string &name) const {
  return staged.count(name) || archive->find(name);
}

std::string ModuleParams::add(StringRef base, params::DType dtype,
                              std::vector<int64_t> shape,
                              std::vector<double> values) {
  std::vector<uint8_t> bytes = encode(dtype, values);
  return addBytes(base, dtype, std::move(shape), std::move(bytes));
}

std::string ModuleParams::addBytes(StringRef base, params::DType dtype,
                                   std::vector<int64_t> shape,
                                   std::vector<uint8_t> bytes) {
  std::string name = base.str();
  for (int suffix = 1; taken(name); ++suffix)
    name = base.str() + "." + std::to_string(suffix);
  staged[name] = Staged{dtype, std::move(shape), std::move(bytes)};
  stagedOrder.push_back(name);
  return name;
}

bool ModuleParams::rewrite(llvm::function_ref<bool(llvm::StringRef)> keep,
                           std::string &error) {
  params::ArchiveWriter writer;
  for (const params::TensorInfo &info : archive->tensors())
    if (keep(info.name) &&
        !writer.addBorrowed(info.name, info.dtype, info.shape,
                            archive->data(info), info.byteSize(), error))
      return false;
  for (const std::string &name : stagedOrder) {
    const Staged &tensor = staged[name];
    if (!writer.addBorrowed(name, tensor.dtype, tensor.shape,
                            tensor.bytes.data(), tensor.bytes.size(), error))
      return false;
  }
  for (const auto &[key, value] : archive->metadata())
    writer.setMetadata(key, value);
  // The writer renames a temporary file over the archive; the mapping of
  // the old file stays valid until it is reopened below.
  if (!writer.write(archivePath, error))
    return false;
  archive = params::Archive::open(archivePath, error);
  staged.clear();
  stagedOrder.clear();
  return archive != nullptr;
}

bool ModuleParams::commit(std::string &error) {
  return staged.empty() || rewrite([](llvm::StringRef) { return true; }, error);
}

bool ModuleParams::keepOnly(const llvm::StringSet<> &keep, std::string &error) {
  if (!commit(error))
    return false;
  auto kept = [&](llvm::StringRef name) { return keep.contains(name); };
  if (llvm::all_of(archive->tensors(), [&](const params::TensorInfo &info) {
        return kept(info.name);
      }))
    return true;
  return rewrite(kept, error);
}

std::optional<std::vector<double>> constantValues(Value value,
                                                  const ModuleParams *params) {
  while (auto reshape = value.getDefiningOp<tosa::ReshapeOp>())
    value = reshape.getInput1();
  if (auto param = value.getDefiningOp<ParamOp>())
    return params ? params->read(param.getName()) : std::nullopt;
  DenseElementsAttr dense;
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  else if (auto constant = value.getDefiningOp<tosa::ConstOp>())
    dense = dyn_cast<DenseElementsAttr>(constant.getValues());
  if (!dense || !isa<FloatType>(dense.getElementType()))
    return std::nullopt;
  std::vector<double> values;
  values.reserve(dense.getNumElements());
  for (const APFloat &element : dense.getValues<APFloat>())
    values.push_back(element.convertToDouble());
  return values;
}

} // namespace resq
