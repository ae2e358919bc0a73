//===- OutputFolder.h - resq-compile's -o folder, staged --------*- C++ -*-===//
//
// A compilation writes into a staging folder inside -o (.resq-compile-*)
// and moves its files into place only when it has succeeded: a failure
// leaves the folder as it was. Before the move, the previous compilation's
// manifest is removed; after it, files of that compilation that were not
// rewritten are removed and a new model.manifest is written last (see
// resq/manifest/Manifest.h). resq-compile replaces only files a manifest
// lists as its own, and never a file the compilation reads.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_LIB_DRIVER_OUTPUTFOLDER_H
#define RESQ_LIB_DRIVER_OUTPUTFOLDER_H

#include "resq/manifest/Manifest.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace resq::driver {

class OutputFolder {
public:
  explicit OutputFolder(std::string dir) : dir(std::move(dir)) {}
  /// Removes the staging folder (and so, after a failure, what was staged).
  ~OutputFolder();
  OutputFolder(const OutputFolder &) = delete;
  OutputFolder &operator=(const OutputFolder &) = delete;

  /// Creates the folder and the staging folder. Refuses when one of
  /// `outputs` exists in the folder and the folder's manifest does not list
  /// it, or when one of `inputs` is a file of the folder that the
  /// compilation may replace or remove.
  bool open(const std::vector<std::string> &outputs,
            const std::vector<std::string> &inputs, std::string &error);
  /// Refuses `inputs` (known only once loading began) as `open` does.
  bool checkInputs(const std::vector<std::string> &inputs,
                   std::string &error) const;

  /// Where the compilation writes `name`.
  std::string staged(llvm::StringRef name) const;
  /// Where `name` is once committed.
  std::string final(llvm::StringRef name) const;

  /// Moves every staged file into the folder, removes the previous
  /// compilation's other files and writes the manifest.
  bool commit(std::string &error);

private:
  bool checkReplaceable(const std::vector<std::string> &names,
                        std::string &error) const;

  std::string dir;
  std::string staging;
  manifest::Manifest previous;
  /// The outputs given to open, and the manifest.
  std::vector<std::string> planned;
};

} // namespace resq::driver

#endif // RESQ_LIB_DRIVER_OUTPUTFOLDER_H
