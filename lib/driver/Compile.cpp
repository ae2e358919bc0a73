//===- Compile.cpp - resq-compile's flow ----------------------------------===//

#include "resq/driver/Compile.h"
#include "resq/driver/StageTimer.h"

#include "CimTarget.h"
#include "EmitNative.h"
#include "OutputFolder.h"
#include "QuantizeFlow.h"
#include "passes/lower/Passes.h"
#include "resq/driver/Stage.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/FileUtilities.h"
#include "resq/cli/CommandLine.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace llvm;
using namespace resq::driver;

#ifndef RESQ_DEFAULT_LINKER
#define RESQ_DEFAULT_LINKER "cc"
#endif

namespace {

/// The files each --emit writes, besides calibration statistics.
std::vector<std::string> outputsOf(EmitKind emit) {
  switch (emit) {
  case EmitKind::Mlir:
    return {"model.mlir", kArchiveName};
  case EmitKind::Llvm:
    return {"model.ll", kArchiveName};
  case EmitKind::Obj:
    return {"model.o", kArchiveName};
  case EmitKind::Lib:
    break;
  }
  return {kLibraryName, kArchiveName, kRuntimeName};
}

/// libresq_runtime.so of this build or install: <tool dir>/../lib.
std::string defaultRuntimeLibrary() {
  std::string exe = sys::fs::getMainExecutable(nullptr, nullptr);
  SmallString<256> path(exe);
  sys::path::remove_filename(path);
  sys::path::append(path, "..", "lib", kRuntimeName);
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
  if (!resq::cli::keepOutput(*file, error))
    return emitError(loc) << error;
  return success();
}

} // namespace

std::string resq::driver::checkCompileOptions(const CompileOptions &options) {
  if (options.optLevel > 3)
    return "-O" + std::to_string(options.optLevel) + " is not one of -O0..-O3";
  if (options.target == resq::driver::Target::Cim &&
      (options.quantize.scheme == QuantScheme::Fp32 ||
       options.quantize.mode != QuantMode::Int))
    return "--target cim maps integer linear layers onto crossbars: it needs "
           "a quantization scheme in integers (--scheme rtn --quant-mode "
           "int)";
  if (std::string problem = checkQuantizePipeline(options.quantize);
      !problem.empty())
    return problem;
  if (wantsLowRank(options.quantize) && options.calibration.data.empty())
    return "low-rank attention (--kv-rank, --k-rank, --v-rank, "
           "--kv-threshold, --kv-bits-per-token) needs calibration data: "
           "--calibrate FILE";
  return "";
}

namespace {

LogicalResult compileStaged(StringRef inputPath, MLIRContext &context,
                            const CompileOptions &options,
                            const OutputFolder &folder) {
  std::string archivePath = folder.staged(kArchiveName);
  Location loc = FileLineColLoc::get(&context, inputPath, 0, 0);
  OwningOpRef<ModuleOp> module;
  {
    StageTimer timer(options.verbose, "load");
    std::string sourceArchive, error;
    module = loadModel(inputPath, context, options.import, archivePath,
                       &sourceArchive);
    if (!module)
      return failure();
    if (!folder.checkInputs({sourceArchive}, error))
      return emitError(loc) << error;
  }
  StageRunner stages(archivePath,
                     options.dumpPassPipeline ? &llvm::outs() : nullptr);
  SmallString<256> finalFolder(folder.final(""));
  sys::fs::make_absolute(finalFolder);
  stages.setDumpedFolder(folder.staged(""), finalFolder);
  if (failed(applyQuantization(*module, stages, options, folder)))
    return failure();
  if (options.target == resq::driver::Target::Cim &&
      failed(applyCimTarget(*module, stages, options, folder)))
    return failure();
  {
    StageTimer timer(options.verbose, "lower to the LLVM dialect");
    resq::CpuPipelineOptions cpu;
    cpu.entry = options.entry;
    cpu.runtimeKernels = true;
    cpu.runtimeChecks = options.runtimeChecks;
    if (failed(stages.run(
            *module, "lower to the LLVM dialect",
            pipelineText("resq-lower-to-cpu", cpu),
            [&](OpPassManager &pm) { buildResqCpuPipeline(pm, cpu); })))
      return failure();
  }
  if (options.emit == EmitKind::Mlir)
    return writeText(
        folder.staged("model.mlir"),
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
        folder.staged("model.ll"),
        [&](raw_ostream &os) { llvmModule->print(os, nullptr); }, loc);

  std::string objectPath = folder.staged("model.o");
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
  if (std::error_code ec =
          sys::fs::copy_file(runtime, folder.staged(kRuntimeName)))
    return emitError(loc) << "cannot copy the runtime library '" << runtime
                          << "': " << ec.message();
  std::string linker =
      options.linker.empty() ? RESQ_DEFAULT_LINKER : options.linker;
  std::string libraryPath = folder.staged(kLibraryName);
  if (!linkSharedLibrary(linker, objectPath, libraryPath, error))
    return emitError(loc) << error;
  sys::fs::remove(objectPath);
  return success();
}

} // namespace

LogicalResult resq::driver::compileModel(StringRef inputPath,
                                         MLIRContext &context,
                                         const CompileOptions &options) {
  Location loc = FileLineColLoc::get(&context, inputPath, 0, 0);
  if (std::string problem = checkCompileOptions(options); !problem.empty())
    return emitError(loc) << problem;
  OutputFolder folder(options.outputDir);
  std::string error;
  if (!folder.open(outputsOf(options.emit),
                   {inputPath.str(), options.calibration.data,
                    options.calibration.tokenizer, options.cim.calibrationData},
                   error))
    return emitError(loc) << error;
  // The flow writes its files (archive, calibration statistics) into the
  // staging folder.
  if (failed(compileStaged(inputPath, context, options, folder)))
    return failure();
  if (!folder.commit(error))
    return emitError(loc) << error;
  return success();
}
