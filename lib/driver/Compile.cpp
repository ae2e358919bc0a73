//===- Compile.cpp - resq-compile's flow ----------------------------------===//

#include "resq/driver/Compile.h"
#include "resq/driver/StageTimer.h"

#include "CimTarget.h"
#include "EmitNative.h"
#include "QuantizeFlow.h"
#include "passes/lower/Passes.h"
#include "resq/driver/Stage.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace llvm;
using resq::driver::StageTimer;

#ifndef RESQ_DEFAULT_LINKER
#define RESQ_DEFAULT_LINKER "cc"
#endif

namespace {

std::string inDir(StringRef dir, StringRef name) {
  SmallString<256> path(dir);
  sys::path::append(path, name);
  return path.str().str();
}

/// libresq_runtime.so of this build or install: <tool dir>/../lib.
std::string defaultRuntimeLibrary() {
  std::string exe = sys::fs::getMainExecutable(nullptr, nullptr);
  SmallString<256> path(exe);
  sys::path::remove_filename(path);
  sys::path::append(path, "..", "lib", resq::driver::kRuntimeName);
  return path.str().str();
}

LogicalResult writeText(StringRef path,
                        mlir::function_ref<void(raw_ostream &)> write,
                        Location loc) {
  std::string error;
  auto file = mlir::openOutputFile(path, &error);
  if (!file)
    return emitError(loc) << error;
  write(file->os());
  file->keep();
  return success();
}

} // namespace

std::string resq::driver::checkCompileOptions(const CompileOptions &options) {
  if (options.optLevel > 3)
    return "-O" + std::to_string(options.optLevel) + " is not one of -O0..-O3";
  if (options.target == Target::Cim &&
      (options.quantize.scheme == QuantScheme::Fp32 ||
       options.quantize.mode != QuantMode::Int))
    return "--target cim maps integer linear layers onto crossbars: it needs "
           "a quantization scheme in integers (--scheme rtn --quant-mode "
           "int)";
  return "";
}

LogicalResult resq::driver::compileModel(StringRef inputPath,
                                         MLIRContext &context,
                                         const CompileOptions &options) {
  Location loc = FileLineColLoc::get(&context, inputPath, 0, 0);
  if (std::string problem = checkCompileOptions(options); !problem.empty())
    return emitError(loc) << problem;
  if (std::error_code ec = sys::fs::create_directories(options.outputDir))
    return emitError(loc) << "cannot create '" << options.outputDir
                          << "': " << ec.message();
  std::string archivePath = inDir(options.outputDir, kArchiveName);

  OwningOpRef<ModuleOp> module;
  {
    StageTimer timer(options.verbose, "load");
    module = loadModel(inputPath, context, options.import, archivePath);
    if (!module)
      return failure();
  }
  StageRunner stages(archivePath,
                     options.dumpPassPipeline ? &llvm::outs() : nullptr);
  if (failed(applyQuantization(*module, stages, options)))
    return failure();
  if (options.target == Target::Cim &&
      failed(applyCimTarget(*module, stages, options)))
    return failure();
  {
    StageTimer timer(options.verbose, "lower to the LLVM dialect");
    CpuPipelineOptions cpu;
    cpu.entry = options.entry;
    cpu.runtimeKernels = true;
    if (failed(stages.run(
            *module, "lower to the LLVM dialect",
            pipelineText("resq-lower-to-cpu", cpu),
            [&](OpPassManager &pm) { buildResqCpuPipeline(pm, cpu); })))
      return failure();
  }
  if (options.emit == EmitKind::Mlir)
    return writeText(
        inDir(options.outputDir, "model.mlir"),
        [&](raw_ostream &os) { module->print(os); }, loc);

  std::string error;
  std::unique_ptr<TargetMachine> machine =
      createTargetMachine(options.targetCpu, options.optLevel, error);
  if (!machine)
    return emitError(loc) << error;
  LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule;
  {
    StageTimer timer(options.verbose, "translate and optimize LLVM IR");
    llvmModule = translateAndOptimize(*module, llvmContext, *machine,
                                      options.optLevel, error);
    if (!llvmModule)
      return emitError(loc) << error;
  }
  if (options.emit == EmitKind::Llvm)
    return writeText(
        inDir(options.outputDir, "model.ll"),
        [&](raw_ostream &os) { llvmModule->print(os, nullptr); }, loc);

  std::string objectPath = inDir(options.outputDir, "model.o");
  {
    StageTimer timer(options.verbose, "emit object code");
    if (!writeObjectFile(*llvmModule, *machine, objectPath, error))
      return emitError(loc) << error;
  }
  if (options.emit == EmitKind::Obj)
    return success();

  StageTimer timer(options.verbose, "link");
  std::string runtime = options.runtimeLibrary.empty() ? defaultRuntimeLibrary()
                                                       : options.runtimeLibrary;
  std::string runtimeCopy = inDir(options.outputDir, kRuntimeName);
  SmallString<256> a, b;
  bool same = !sys::fs::real_path(runtime, a) &&
              !sys::fs::real_path(runtimeCopy, b) && a == b;
  if (!same)
    if (std::error_code ec = sys::fs::copy_file(runtime, runtimeCopy))
      return emitError(loc) << "cannot copy the runtime library '" << runtime
                            << "': " << ec.message();
  std::string linker =
      options.linker.empty() ? RESQ_DEFAULT_LINKER : options.linker;
  std::string libraryPath = inDir(options.outputDir, kLibraryName);
  if (!linkSharedLibrary(linker, objectPath, libraryPath, error))
    return emitError(loc) << error;
  sys::fs::remove(objectPath);
  return success();
}
