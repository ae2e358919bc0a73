//===- OutputFolder.cpp - resq-compile's -o folder, written safely --------===//

#include "OutputFolder.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace llvm;

namespace resq::driver {
namespace {

bool existsNoFollow(const std::string &path) {
  sys::fs::file_status status;
  return !sys::fs::status(path, status, /*follow=*/false) &&
         sys::fs::exists(status);
}

bool sameFile(const std::string &a, const std::string &b) {
  bool result = false;
  return !sys::fs::equivalent(a, b, result) && result;
}

} // namespace

OutputFolder::~OutputFolder() {
  if (!staging.empty())
    sys::fs::remove_directories(staging, /*IgnoreErrors=*/true);
}

std::string OutputFolder::staged(StringRef name) const {
  return manifest::pathIn(staging, name.str());
}

std::string OutputFolder::final(StringRef name) const {
  return manifest::pathIn(dir, name.str());
}

bool OutputFolder::checkReplaceable(const std::vector<std::string> &names,
                                    std::string &error) const {
  // A manifest that exists was read by open: it is resq-compile's.
  for (const std::string &name : names)
    if (name != manifest::kManifestName && existsNoFollow(final(name)) &&
        !previous.find(name)) {
      error = "'" + final(name) +
              "' exists and resq-compile did not write it (no " +
              manifest::kManifestName +
              " there lists it): remove it or choose another -o";
      return false;
    }
  return true;
}

bool OutputFolder::checkInputs(const std::vector<std::string> &inputs,
                               std::string &error) const {
  // Files the commit may replace or remove: the previous compilation's and
  // this one's (`-o DIR` for DIR/model.onnx whose data is
  // DIR/model.safetensors).
  std::vector<std::string> owned = planned;
  for (const manifest::Entry &entry : previous.entries)
    owned.push_back(entry.name);
  for (const std::string &input : inputs) {
    if (input.empty())
      continue;
    for (const std::string &name : owned)
      if (sameFile(input, final(name))) {
        error = "'" + input + "' is an input of this compilation, and " +
                "writing the output folder would replace or remove it (as '" +
                final(name) + "'): choose another -o";
        return false;
      }
  }
  return true;
}

bool OutputFolder::open(const std::vector<std::string> &outputs,
                        const std::vector<std::string> &inputs,
                        std::string &error) {
  if (std::error_code ec = sys::fs::create_directories(dir)) {
    error = "cannot create '" + dir + "': " + ec.message();
    return false;
  }
  bool missing = false;
  if (!manifest::readManifest(dir, previous, missing, error) && !missing) {
    error += ": remove it or choose another -o";
    return false;
  }
  planned = outputs;
  planned.push_back(manifest::kManifestName);
  if (!checkReplaceable(planned, error) || !checkInputs(inputs, error))
    return false;
  // An absolute prefix: a relative one is taken in the system's temporary
  // folder, whose renames may cross file systems.
  SmallString<256> prefix(final(".resq-compile")), path;
  sys::fs::make_absolute(prefix);
  if (std::error_code ec = sys::fs::createUniqueDirectory(prefix, path)) {
    error = "cannot create a staging folder in '" + dir + "': " + ec.message();
    return false;
  }
  staging = path.str().str();
  return true;
}

bool OutputFolder::commit(std::string &error) {
  std::vector<std::string> names;
  std::error_code ec;
  for (sys::fs::directory_iterator it(staging, ec), end; !ec && it != end;
       it.increment(ec))
    names.push_back(sys::path::filename(it->path()).str());
  if (ec) {
    error = "cannot list '" + staging + "': " + ec.message();
    return false;
  }
  std::sort(names.begin(), names.end());
  if (!checkReplaceable(names, error))
    return false;
  // Without a manifest the folder is refused by resq-run while it changes.
  if (std::error_code ec = sys::fs::remove(final(manifest::kManifestName))) {
    error = "cannot remove '" + final(manifest::kManifestName) +
            "': " + ec.message();
    return false;
  }
  for (const std::string &name : names)
    if (std::error_code ec = sys::fs::rename(staged(name), final(name))) {
      error = "cannot move '" + staged(name) + "' to '" + final(name) +
              "': " + ec.message();
      return false;
    }
  for (const manifest::Entry &entry : previous.entries)
    if (std::find(names.begin(), names.end(), entry.name) == names.end())
      sys::fs::remove(final(entry.name));
  return manifest::writeManifest(dir, names, error);
}

} // namespace resq::driver
