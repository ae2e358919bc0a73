//===- Stage.cpp - one stage of the compile flow --------------------------===//

#include "resq/driver/Stage.h"

#include "resq/driver/DebugOptions.h"
#include "resq/driver/Pipelines.h"

#include "dialects/resq/ResqAttributes.h"
#include "dialects/resq/ResqDialect.h"

#include "mlir/Pass/Pass.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

using namespace mlir;

namespace {

/// `text` as one shell word.
std::string shellQuoted(llvm::StringRef text) {
  std::string quoted = "'";
  for (char c : text)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

} // namespace

LogicalResult resq::driver::StageRunner::run(
    ModuleOp module, llvm::StringRef name, llvm::StringRef replay,
    llvm::function_ref<void(OpPassManager &)> build) const {
  if (dump) {
    *dump << "# " << name << "\n"
          << "resq-opt "
          << shellQuoted(dumped(
                 ("--pass-pipeline=builtin.module(" + replay + ")").str()))
          << "\n";
    dump->flush();
  }
  LogicalResult result = failure();
  withArchive(module, [&] {
    ConfiguredPassManager pm(module->getContext(), name);
    build(pm.get());
    result = pm.run(module);
  });
  return result;
}

void resq::driver::StageRunner::withArchive(
    ModuleOp module, llvm::function_ref<void()> fn) const {
  // Passes that read or write weights find the archive through the module.
  MLIRContext *context = module->getContext();
  auto attrName = ResqDialect::getParamsAttrName();
  Attribute named = module->getAttr(attrName);
  llvm::SmallString<256> absolute(archivePath);
  llvm::sys::fs::make_absolute(absolute);
  context->getOrLoadDialect<ResqDialect>()->allowArchivePath(absolute);
  module->setAttr(attrName, ParamArchiveAttr::get(context, absolute));
  fn();
  module->setAttr(attrName, named);
}

OwningOpRef<ModuleOp>
resq::driver::StageRunner::instrumentedCopy(ModuleOp module,
                                            const llvm::Twine &what) const {
  note(what + ": resq-compile runs the module above instrumented by "
              "--resq-calibrate-instrument");
  OwningOpRef<ModuleOp> instrumented = module.clone();
  if (failed(StageRunner(archivePath)
                 .run(*instrumented, "calibrate-instrument",
                      "resq-calibrate-instrument",
                      buildCalibrateInstrumentPipeline)))
    return nullptr;
  return instrumented;
}

void resq::driver::StageRunner::note(const llvm::Twine &text) const {
  if (!dump)
    return;
  *dump << "# " << dumped(text.str()) << "\n";
  dump->flush();
}

std::string resq::driver::StageRunner::dumped(llvm::StringRef text) const {
  if (stagedFolder.empty())
    return text.str();
  std::string result;
  for (size_t at; (at = text.find(stagedFolder)) != llvm::StringRef::npos;) {
    result += text.take_front(at).str() + finalFolder;
    text = text.drop_front(at + stagedFolder.size());
  }
  return result + text.str();
}

std::string resq::driver::passText(std::unique_ptr<Pass> pass) {
  std::string text;
  llvm::raw_string_ostream os(text);
  pass->printAsTextualPipeline(os);
  return text;
}
