//===- Tokenizer.cpp - SentencePiece text <-> token ids -------------------===//
//
// libsentencepiece is reached through libresq_sentencepiece.so, loaded with
// RTLD_DEEPBIND: the library bundles its own protobuf, which must not mix
// with the one ONNX uses in this process (lib/run/sentencepiece/).
//
//===----------------------------------------------------------------------===//

#include "resq/run/Tokenizer.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>
#include <dlfcn.h>

using namespace resq::run;

namespace {

/// The shim's C functions.
struct ShimApi {
  const char *(*error)();
  void *(*load)(const char *);
  void (*free)(void *);
  int64_t (*vocabularySize)(void *);
  int64_t (*bosId)(void *);
  int (*encode)(void *, const char *, size_t, int64_t **, size_t *);
  int (*decode)(void *, const int64_t *, size_t, char **);
  void (*release)(void *);
};

/// <tool dir>/../lib/libresq_sentencepiece.so.
std::string shimPath() {
  llvm::SmallString<256> path(
      llvm::sys::fs::getMainExecutable(nullptr, nullptr));
  llvm::sys::path::remove_filename(path);
  llvm::sys::path::append(path, "..", "lib", "libresq_sentencepiece.so");
  return path.str().str();
}

const ShimApi *loadShim(std::string &error) {
  static ShimApi api;
  static bool loaded = false;
  if (loaded)
    return &api;
  std::string path = shimPath();
  void *library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (!library) {
    error = "resq was built without SentencePiece, or its shim is missing (" +
            std::string(dlerror()) +
            "); install libsentencepiece-dev and reconfigure";
    return nullptr;
  }
  auto bind = [&](auto &slot, const char *name) {
    slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(
        dlsym(library, name));
    return slot != nullptr;
  };
  if (!bind(api.error, "resq_spm_error") || !bind(api.load, "resq_spm_load") ||
      !bind(api.free, "resq_spm_free") ||
      !bind(api.vocabularySize, "resq_spm_vocabulary_size") ||
      !bind(api.bosId, "resq_spm_bos_id") ||
      !bind(api.encode, "resq_spm_encode") ||
      !bind(api.decode, "resq_spm_decode") ||
      !bind(api.release, "resq_spm_release")) {
    error = "'" + path + "' lacks a resq_spm_* function";
    return nullptr;
  }
  loaded = true;
  return &api;
}

class SentencePieceTokenizer : public Tokenizer {
public:
  SentencePieceTokenizer(const ShimApi &api, void *handle)
      : api(api), handle(handle) {}
  ~SentencePieceTokenizer() override { api.free(handle); }

  bool encode(const std::string &text, std::vector<int64_t> &ids,
              std::string &error) const override {
    int64_t *out = nullptr;
    size_t count = 0;
    if (api.encode(handle, text.data(), text.size(), &out, &count)) {
      error = std::string("cannot encode text: ") + api.error();
      return false;
    }
    ids.assign(out, out + count);
    api.release(out);
    return true;
  }

  bool decode(const std::vector<int64_t> &ids, std::string &text,
              std::string &error) const override {
    for (int64_t id : ids)
      if (id < 0 || id >= vocabularySize()) {
        error = "token id " + std::to_string(id) +
                " is outside the tokenizer's vocabulary";
        return false;
      }
    char *out = nullptr;
    if (api.decode(handle, ids.data(), ids.size(), &out)) {
      error = std::string("cannot decode tokens: ") + api.error();
      return false;
    }
    text = out;
    api.release(out);
    return true;
  }

  int64_t vocabularySize() const override { return api.vocabularySize(handle); }
  int64_t bosId() const override { return api.bosId(handle); }

private:
  const ShimApi &api;
  void *handle;
};

} // namespace

std::unique_ptr<Tokenizer> Tokenizer::load(const std::string &path,
                                           std::string &error) {
  if (!tensorio::isRegularFile(path, error))
    return nullptr;
  const ShimApi *api = loadShim(error);
  if (!api)
    return nullptr;
  void *handle = api->load(path.c_str());
  if (!handle) {
    error =
        "cannot load the SentencePiece model '" + path + "': " + api->error();
    return nullptr;
  }
  return std::make_unique<SentencePieceTokenizer>(*api, handle);
}

bool resq::run::haveSentencePiece() {
  std::string error;
  return loadShim(error) != nullptr;
}

bool resq::run::readTokenFile(const std::string &path,
                              const Tokenizer *tokenizer, tensorio::Tensor &ids,
                              std::string &error) {
  llvm::StringRef name(path);
  if (name.ends_with(".npy") || name.ends_with(".pb"))
    return tensorio::readTensorFile(path, ids, error);
  if (!tokenizer) {
    error = "'" + path +
            "' is text: it needs --tokenizer MODEL (a "
            "SentencePiece .model file)";
    return false;
  }
  if (!tensorio::isRegularFile(path, error))
    return false;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::vector<int64_t> tokens;
  if (!tokenizer->encode((*buffer)->getBuffer().str(), tokens, error))
    return false;
  ids.dtype = params::DType::I64;
  ids.shape = {int64_t(tokens.size())};
  ids.bytes.resize(tokens.size() * sizeof(int64_t));
  std::memcpy(ids.bytes.data(), tokens.data(), ids.bytes.size());
  return true;
}
