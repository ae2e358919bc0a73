//===- ModuleParams.h - the parameter archive a module names ---*- C++ -*-===//
//
// Passes that look at weights (a pattern that must know two RoPE tables are
// equal) or rewrite them (norm folding, rotation fusion, quantization) reach
// the module's safetensors archive through this class.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PASSES_COMMON_MODULEPARAMS_H
#define RESQ_PASSES_COMMON_MODULEPARAMS_H

#include "resq/params/Archive.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/StringSet.h"

#include <Eigen/Core>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace resq {

class ParamOp;

class ModuleParams {
public:
  /// The archive `module` names in `resq.params`, confined as ONNX external
  /// data is: a relative path without '..' or symbolic links, resolved
  /// against the folder of the module's source file (its location) first,
  /// then the working directory; an absolute path only if the process named
  /// it itself (ResqDialect::allowArchivePath). "" with `error` set when it
  /// is not allowed; "" with `error` empty when the module names none.
  static std::string archivePathOf(mlir::ModuleOp module, std::string &error);

  /// Opens the archive of archivePathOf. Null if the module names no archive
  /// or it cannot be read (`error` says why; empty when none is named).
  static std::unique_ptr<ModuleParams> open(mlir::ModuleOp module,
                                            std::string &error);

  /// As open(), but reports on `module` why `pass` (its command-line name)
  /// cannot run without the archive.
  static std::unique_ptr<ModuleParams> openOrReport(mlir::ModuleOp module,
                                                    llvm::StringRef pass);

  /// The archive's path as resolved.
  const std::string &path() const { return archivePath; }

  /// The shape of a tensor, staged or in the archive; nullopt if absent.
  std::optional<std::vector<int64_t>> shape(llvm::StringRef name) const;
  /// A float tensor's values (F64/F32/F16/BF16) in row-major order;
  /// nullopt if absent or not a float tensor.
  std::optional<std::vector<double>> read(llvm::StringRef name) const;

  /// A fingerprint of the weights `module` reads: XXH3 over the name,
  /// dtype, shape and bytes of every used `resq.param`, in name order, as
  /// 16 hex digits. It binds calibration statistics to the model (and the
  /// stage of its transformation) they were collected on. Nullopt with
  /// `error` set when a parameter is missing from the archive.
  std::optional<std::string> fingerprint(mlir::ModuleOp module,
                                         std::string &error) const;

  /// Adds a tensor, stored as `dtype` (a float type), under `base` or, if
  /// that name is taken, `base.1`, `base.2`, ...; returns the name.
  std::string add(llvm::StringRef base, params::DType dtype,
                  std::vector<int64_t> shape, std::vector<double> values);
  /// As add(), for a tensor already encoded as `dtype` (little endian).
  std::string addBytes(llvm::StringRef base, params::DType dtype,
                       std::vector<int64_t> shape, std::vector<uint8_t> bytes);
  using RowMatrix =
      Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  /// The values of the 2-D f32 `resq.param` that defines `value`, directly
  /// or through a `tosa.transpose` with perms [1, 0] (an ONNX Gemm's
  /// transposed weight); nullopt (with a diagnostic at `value`) for
  /// anything else.
  std::optional<RowMatrix> readMatrix(mlir::Value value) const;
  /// Makes `use`, which reads a matrix readMatrix() accepts, read a new
  /// parameter holding `matrix` (in the orientation `use` sees), named
  /// after the old one with `suffix`.
  void replaceMatrix(mlir::OpOperand &use, const RowMatrix &matrix,
                     llvm::StringRef suffix);

  /// Rewrites the archive with the added tensors after the existing ones
  /// (through a temporary file and a rename). False with `error` set.
  bool commit(std::string &error);

  /// Rewrites the archive with only the tensors named in `keep` (staged
  /// tensors are committed first), in archive order, keeping the metadata.
  /// Leaves the file alone when nothing would be dropped.
  bool keepOnly(const llvm::StringSet<> &keep, std::string &error);

private:
  struct Staged {
    params::DType dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
  };
  bool taken(const std::string &name) const;
  /// Writes the archive's tensors that `keep` accepts, then the staged ones.
  bool rewrite(llvm::function_ref<bool(llvm::StringRef)> keep,
               std::string &error);

  std::string archivePath;
  std::unique_ptr<params::Archive> archive;
  std::map<std::string, Staged> staged;
  std::vector<std::string> stagedOrder;
};

/// The 2-D `resq.param` behind a matrix operand: `value` itself or the
/// input of a `tosa.transpose` with perms [1, 0] (`transposed` set then).
/// Null for anything else.
ParamOp matrixParam(mlir::Value value, bool *transposed = nullptr);

/// The element values of a constant-valued IR value: a `resq.param` (read
/// from `params`, which may be null), an `arith.constant` or `tosa.const`
/// of dense floats, seen through `tosa.reshape` (row-major order is kept).
/// Nullopt for anything else.
std::optional<std::vector<double>> constantValues(mlir::Value value,
                                                  const ModuleParams *params);

} // namespace resq

#endif // RESQ_PASSES_COMMON_MODULEPARAMS_H
