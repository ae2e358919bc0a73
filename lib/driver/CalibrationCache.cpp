//===- CalibrationCache.cpp - reuse of calibration statistics -------------===//

#include "CalibrationCache.h"

#include "resq/tensorio/TensorFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <cinttypes>
#include <cstdio>

namespace {

/// Bumped whenever the statistics a calibration writes change meaning.
constexpr uint64_t kFormatVersion = 1;

/// Appends the 128-bit hash of `data` to `digest`.
void appendHash(std::string &digest, llvm::StringRef data) {
  llvm::XXH128_hash_t hash = llvm::xxh3_128bits(
      llvm::ArrayRef<uint8_t>(data.bytes_begin(), data.size()));
  digest.append(reinterpret_cast<const char *>(&hash), sizeof(hash));
}

bool appendFileHash(std::string &digest, const std::string &path,
                    std::string &error) {
  // A directory or a FIFO is refused before it is read (a FIFO would block).
  if (llvm::sys::fs::exists(path) &&
      !resq::tensorio::isRegularFile(path, error))
    return false;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!file) {
    error = "cannot read " + path + ": " + file.getError().message();
    return false;
  }
  appendHash(digest, (*file)->getBuffer());
  return true;
}

} // namespace

std::string calibrationCachePath(mlir::ModuleOp module,
                                 const std::string &archivePath,
                                 const resq::driver::CalibrationOptions &flags,
                                 std::string &error) {
  std::string ir;
  llvm::raw_string_ostream os(ir);
  module->print(os, mlir::OpPrintingFlags().enableDebugInfo(false));
  std::string options;
  llvm::raw_string_ostream(options)
      << "v" << kFormatVersion << " tokens=" << flags.tokens
      << " seq=" << flags.sequence
      << " bos=" << (flags.bosId ? std::to_string(*flags.bosId) : "none");

  std::string digest;
  appendHash(digest, ir);
  appendHash(digest, options);
  if (!appendFileHash(digest, archivePath, error) ||
      !appendFileHash(digest, flags.data, error) ||
      (!flags.tokenizer.empty() &&
       !appendFileHash(digest, flags.tokenizer, error)))
    return "";
  llvm::XXH128_hash_t key = llvm::xxh3_128bits(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(digest.data()), digest.size()));
  char name[64];
  std::snprintf(name, sizeof(name), "%016" PRIx64 "%016" PRIx64 ".safetensors",
                key.high64, key.low64);
  llvm::SmallString<256> path(flags.cacheDir);
  llvm::sys::path::append(path, name);
  return path.str().str();
}

bool copyFileAtomically(const std::string &from, const std::string &to,
                        std::string &error) {
  llvm::SmallString<256> temporary;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(to + ".%%%%%%.tmp", temporary)) {
    error = "cannot create a file beside " + to + ": " + ec.message();
    return false;
  }
  if (std::error_code ec = llvm::sys::fs::copy_file(from, temporary)) {
    llvm::sys::fs::remove(temporary);
    error = "cannot copy " + from + " to " + to + ": " + ec.message();
    return false;
  }
  if (std::error_code ec = llvm::sys::fs::rename(temporary, to)) {
    llvm::sys::fs::remove(temporary);
    error = "cannot write " + to + ": " + ec.message();
    return false;
  }
  return true;
}
