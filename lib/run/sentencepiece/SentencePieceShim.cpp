//===- SentencePieceShim.cpp - libsentencepiece behind a C interface ------===//
//
// Debian's libsentencepiece carries its own copy of protobuf (3.14) and
// exports its symbols; resq's processes also load libprotobuf 3.21 (ONNX).
// Linked together, one copy's calls bind to the other's code and the process
// aborts. So resq-run never links libsentencepiece: it dlopens this shim
// with RTLD_DEEPBIND, which makes the shim and libsentencepiece resolve
// symbols among themselves first, and calls these C functions.
//
//===----------------------------------------------------------------------===//

#include <sentencepiece_processor.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

thread_local std::string lastError;

char *copyString(const std::string &text) {
  char *out = static_cast<char *>(std::malloc(text.size() + 1));
  if (out)
    std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) const char *resq_spm_error(void) {
  return lastError.c_str();
}

__attribute__((visibility("default"))) void *resq_spm_load(const char *path) {
  auto *processor = new sentencepiece::SentencePieceProcessor;
  auto status = processor->Load(path);
  if (!status.ok()) {
    lastError = status.ToString();
    delete processor;
    return nullptr;
  }
  return processor;
}

__attribute__((visibility("default"))) void resq_spm_free(void *handle) {
  delete static_cast<sentencepiece::SentencePieceProcessor *>(handle);
}

__attribute__((visibility("default"))) int64_t
resq_spm_vocabulary_size(void *handle) {
  return static_cast<sentencepiece::SentencePieceProcessor *>(handle)
      ->GetPieceSize();
}

__attribute__((visibility("default"))) int64_t resq_spm_bos_id(void *handle) {
  return static_cast<sentencepiece::SentencePieceProcessor *>(handle)->bos_id();
}

/// Encodes `text`; *ids is malloc'd (free with resq_spm_release).
__attribute__((visibility("default"))) int
resq_spm_encode(void *handle, const char *text, size_t size, int64_t **ids,
                size_t *count) {
  std::vector<int> pieces;
  auto status =
      static_cast<sentencepiece::SentencePieceProcessor *>(handle)->Encode(
          std::string(text, size), &pieces);
  if (!status.ok()) {
    lastError = status.ToString();
    return 1;
  }
  *count = pieces.size();
  *ids = static_cast<int64_t *>(
      std::malloc(sizeof(int64_t) * (pieces.empty() ? 1 : pieces.size())));
  for (size_t i = 0; i < pieces.size(); ++i)
    (*ids)[i] = pieces[i];
  return 0;
}

/// Decodes ids; *text is malloc'd (free with resq_spm_release).
__attribute__((visibility("default"))) int
resq_spm_decode(void *handle, const int64_t *ids, size_t count, char **text) {
  std::vector<int> pieces(ids, ids + count);
  std::string out;
  auto status =
      static_cast<sentencepiece::SentencePieceProcessor *>(handle)->Decode(
          pieces, &out);
  if (!status.ok()) {
    lastError = status.ToString();
    return 1;
  }
  *text = copyString(out);
  return 0;
}

__attribute__((visibility("default"))) void resq_spm_release(void *memory) {
  std::free(memory);
}

} // extern "C"
