//===- ConfinedPath.cpp - a file named relative to a folder, kept in it ---===//

#include "resq/params/ConfinedPath.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>

namespace resq::params {

bool resolveConfinedPath(const std::string &folder, const std::string &location,
                         std::string &resolved, std::string &problem,
                         bool mustExist) {
  if (location.empty() || location[0] == '/') {
    problem = "must be a path relative to the model's folder";
    return false;
  }
  // The location without "." components and repeated slashes, so that
  // "./w.bin" and "a//w.bin" compare equal to their real paths below.
  std::string normalized;
  for (size_t start = 0; start <= location.size();) {
    size_t end = location.find('/', start);
    if (end == std::string::npos)
      end = location.size();
    std::string part = location.substr(start, end - start);
    if (part == "..") {
      problem = "must not contain '..'";
      return false;
    }
    if (!part.empty() && part != ".")
      normalized += (normalized.empty() ? "" : "/") + part;
    start = end + 1;
  }
  if (normalized.empty()) {
    problem = "names no file";
    return false;
  }
  std::string base = folder.empty() ? "." : folder;
  std::string joined = base + "/" + normalized;
  struct stat status;
  if (::lstat(joined.c_str(), &status) != 0) {
    if (errno != ENOENT || mustExist) {
      problem = std::string("cannot be opened: ") + std::strerror(errno);
      return false;
    }
    // A file to be written: its folder must be confined.
    size_t slash = normalized.rfind('/');
    if (slash != std::string::npos &&
        !resolveConfinedPath(folder, normalized.substr(0, slash), resolved,
                             problem))
      return false;
    resolved = joined;
    return true;
  }
  // A link anywhere on the path would make realpath() differ from the
  // plain join of the real folder and the location.
  char *realFolder = ::realpath(base.c_str(), nullptr);
  char *realFile = ::realpath(joined.c_str(), nullptr);
  std::string expected =
      realFolder ? std::string(realFolder) + "/" + normalized : "";
  bool linked = !realFile || expected != realFile;
  std::free(realFolder);
  std::free(realFile);
  if (S_ISLNK(status.st_mode) || linked) {
    problem = "goes through a symbolic link, which is not allowed";
    return false;
  }
  resolved = joined;
  return true;
}

} // namespace resq::params
