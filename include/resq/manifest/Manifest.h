//===- Manifest.h - a compiled folder's files, bound by hashes --*- C++ -*-===//
//
// resq-compile writes model.manifest last into its output folder: one line
// per file it wrote (model.so, model.safetensors, libresq_runtime.so, ...)
// with its size and XXH64. A folder whose manifest is missing (a compilation
// that failed or is still running) or does not match its files (model.so of
// one compilation beside the archive of another) is refused before dlopen.
// The manifest also tells resq-compile which files in a folder are its own,
// so it never replaces a user's file. Text format, one line each:
//
//   resq-manifest 1
//   <size> <xxh64, 16 hex digits> <file name>
//
// Plain C++, no MLIR or LLVM: the runtime links it.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_MANIFEST_MANIFEST_H
#define RESQ_MANIFEST_MANIFEST_H

#include <cstdint>
#include <string>
#include <vector>

namespace resq::manifest {

inline constexpr const char *kManifestName = "model.manifest";

struct Entry {
  std::string name;
  uint64_t size = 0;
  uint64_t hash = 0;
};

struct Manifest {
  std::vector<Entry> entries;

  const Entry *find(const std::string &name) const;
  /// The manifest's text (see the file comment).
  std::string format() const;
  /// Parses `text`; false with `error` set (naming the line) when it is not
  /// a manifest: a wrong header, a malformed line, a name that is not a
  /// plain file name, or a name listed twice.
  static bool parse(const std::string &text, Manifest &manifest,
                    std::string &error);
};

/// `dir`/`name`.
std::string pathIn(const std::string &dir, const std::string &name);

/// Reads `dir`/model.manifest. Returns false with `error` set when it is
/// missing or malformed; `missing` tells the two apart.
bool readManifest(const std::string &dir, Manifest &manifest, bool &missing,
                  std::string &error);

/// Hashes `dir`/`name` for each name and writes `dir`/model.manifest
/// through a temporary file renamed into place.
bool writeManifest(const std::string &dir,
                   const std::vector<std::string> &names, std::string &error);

/// Checks that `dir` holds a manifest listing every name in `required`,
/// and that every file it lists has its size and hash. The error names the
/// first file at fault and what to do.
bool verifyFolder(const std::string &dir,
                  const std::vector<std::string> &required, std::string &error);

} // namespace resq::manifest

#endif // RESQ_MANIFEST_MANIFEST_H
