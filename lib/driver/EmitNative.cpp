//===- EmitNative.cpp - LLVM IR, object files, shared libraries -----------===//

#include "EmitNative.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "resq/cli/CommandLine.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

using namespace llvm;

std::unique_ptr<TargetMachine>
resq::driver::createTargetMachine(StringRef cpu, unsigned optLevel,
                                  std::string &error) {
  InitializeNativeTarget();
  InitializeNativeTargetAsmPrinter();
  Triple triple(sys::getProcessTriple());
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpuName = cpu.str();
  std::string features;
  if (cpu == "host") {
    cpuName = sys::getHostCPUName().str();
    SmallVector<std::string> flags;
    for (const auto &feature : sys::getHostCPUFeatures())
      flags.push_back((feature.second ? "+" : "-") + feature.first().str());
    features = join(flags, ",");
  }
  CodeGenOptLevel level = optLevel == 0   ? CodeGenOptLevel::None
                          : optLevel == 1 ? CodeGenOptLevel::Less
                          : optLevel == 2 ? CodeGenOptLevel::Default
                                          : CodeGenOptLevel::Aggressive;
  std::unique_ptr<TargetMachine> machine(
      target->createTargetMachine(triple, cpuName, features, TargetOptions(),
                                  Reloc::PIC_, std::nullopt, level));
  if (!machine)
    error = "cannot create a target machine for CPU '" + cpuName + "'";
  return machine;
}

std::unique_ptr<Module>
resq::driver::translateAndOptimize(mlir::ModuleOp module, LLVMContext &context,
                                   TargetMachine &machine, unsigned optLevel,
                                   std::string &error) {
  std::unique_ptr<Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context, "model");
  if (!llvmModule) {
    error = "cannot translate the lowered module to LLVM IR";
    return nullptr;
  }
  llvmModule->setTargetTriple(machine.getTargetTriple());
  llvmModule->setDataLayout(machine.createDataLayout());
  auto optimize = mlir::makeOptimizingTransformer(optLevel, 0, &machine);
  if (Error err = optimize(llvmModule.get())) {
    error = toString(std::move(err));
    return nullptr;
  }
  return llvmModule;
}

bool resq::driver::writeObjectFile(Module &module, TargetMachine &machine,
                                   StringRef path, std::string &error) {
  std::error_code ec;
  raw_fd_ostream os(path, ec, sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return false;
  }
  legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, os, nullptr,
                                  CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return false;
  }
  passes.run(module);
  return resq::cli::flushOutput(os, "'" + path.str() + "'", error);
}

bool resq::driver::linkSharedLibrary(StringRef linker, StringRef object,
                                     StringRef output, std::string &error) {
  // A name is looked up on PATH; a path must name an executable.
  ErrorOr<std::string> program = sys::findProgramByName(linker);
  if (!program || !sys::fs::can_execute(*program)) {
    error = "linker '" + linker.str() + "' not found (set --linker)";
    return false;
  }
  SmallString<256> dir(output);
  sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  std::string libDir = "-L" + dir.str().str();
  // The model links the runtime copy beside it; $ORIGIN finds it there
  // wherever the folder is moved.
  SmallVector<StringRef> args = {*program,
                                 "-shared",
                                 "-o",
                                 output,
                                 object,
                                 libDir,
                                 "-lresq_runtime",
                                 "-Wl,-rpath,$ORIGIN",
                                 "-Wl,--no-undefined",
                                 "-lm",
                                 "-lc"};
  std::string message;
  SmallString<256> log;
  sys::fs::createTemporaryFile("resq-link", "log", log);
  std::optional<StringRef> redirects[] = {std::nullopt, log.str(), log.str()};
  int rc = sys::ExecuteAndWait(*program, args, std::nullopt, redirects, 0, 0,
                               &message);
  if (rc != 0) {
    auto text = MemoryBuffer::getFile(log);
    error = "linking '" + output.str() + "' failed" +
            (message.empty() ? "" : ": " + message) +
            (text ? "\n" + (*text)->getBuffer().str() : "");
    sys::fs::remove(log);
    return false;
  }
  sys::fs::remove(log);
  return true;
}
