//===- Stage.h - one stage of the compile flow ------------------*- C++ -*-===//
//
// resq-compile runs its flow as stages (prepare, quantize, the target's
// lowering), each a typed pass pipeline run on the module while it names its
// weight archive by full path. With --dump-pass-pipeline each stage also
// prints the resq-opt command that replays it, so that
//   resq-import model.onnx -o m.mlir && cat m.mlir | <the commands, piped>
// gives the module resq-compile compiled.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_DRIVER_STAGE_H
#define RESQ_DRIVER_STAGE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace resq::driver {

class StageRunner {
public:
  /// Stages run on modules whose weights are in `archivePath`; with `dump`,
  /// each prints its resq-opt command there.
  StageRunner(std::string archivePath, llvm::raw_ostream *dump = nullptr)
      : archivePath(std::move(archivePath)), dump(dump) {}

  const std::string &archive() const { return archivePath; }

  /// Paths under `staged` are printed under `final` in the dump: the
  /// commands name files where they are once the compilation committed.
  void setDumpedFolder(llvm::StringRef staged, llvm::StringRef final) {
    stagedFolder = staged.str();
    finalFolder = final.str();
  }

  /// Runs the passes `build` adds as stage `name`. `replay` is the stage
  /// as resq-opt's textual pipeline (a named pipeline and its options).
  mlir::LogicalResult
  run(mlir::ModuleOp module, llvm::StringRef name, llvm::StringRef replay,
      llvm::function_ref<void(mlir::OpPassManager &)> build) const;

  /// A copy of `module` instrumented by --resq-calibrate-instrument for a
  /// calibration run, which the dump records as `what`; null after a
  /// diagnostic.
  mlir::OwningOpRef<mlir::ModuleOp>
  instrumentedCopy(mlir::ModuleOp module, const llvm::Twine &what) const;

  /// Calls `fn` while `module` names this runner's archive (by its
  /// absolute path, allowed), as the passes of run() see it.
  void withArchive(mlir::ModuleOp module, llvm::function_ref<void()> fn) const;

  /// Records a step that resq-opt does not replay (a calibration run) as a
  /// comment of the dump.
  void note(const llvm::Twine &text) const;

private:
  /// `text` with the staged folder replaced by the final one.
  std::string dumped(llvm::StringRef text) const;

  std::string archivePath;
  llvm::raw_ostream *dump;
  std::string stagedFolder, finalFolder;
};

/// `name` followed by the options printed in pass-pipeline syntax, e.g.
/// `resq-quantize-pipeline{scheme=resq ...}`.
template <typename Options>
std::string pipelineText(llvm::StringRef name, const Options &options) {
  std::string text = name.str();
  llvm::raw_string_ostream os(text);
  options.print(os);
  return text;
}

/// `pass` as resq-opt's pipeline syntax names it, with its options.
std::string passText(std::unique_ptr<mlir::Pass> pass);

} // namespace resq::driver

#endif // RESQ_DRIVER_STAGE_H
