//===- ConfinedPath.h - a file named relative to a folder -------*- C++ -*-===//
//
// Files that a model names (ONNX external data, the parameter archive of an
// .mlir module) are resolved against the model's folder and must stay in
// it: a relative path, no '..' component, no symbolic link on the way, so
// that a model from elsewhere cannot make a tool read or rewrite a file
// outside its folder. Plain C++ (POSIX), no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_PARAMS_CONFINEDPATH_H
#define RESQ_PARAMS_CONFINEDPATH_H

#include <string>

namespace resq::params {

/// Resolves `location` against `folder` ("" for the working folder). On
/// failure returns false and sets `problem` to what is wrong with the
/// location ("must not contain '..'"), for the caller to prefix. With
/// `mustExist` false, a missing file is accepted (one about to be written)
/// as long as its folder passes the checks.
bool resolveConfinedPath(const std::string &folder, const std::string &location,
                         std::string &resolved, std::string &problem,
                         bool mustExist = true);

} // namespace resq::params

#endif // RESQ_PARAMS_CONFINEDPATH_H
