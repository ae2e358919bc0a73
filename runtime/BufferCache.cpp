//===- BufferCache.cpp - the allocator of compiled models' buffers --------===//
//
// Lowered code allocates every intermediate buffer with
// _mlir_memref_to_llvm_alloc and frees it with _mlir_memref_to_llvm_free
// (finalize-memref-to-llvm{use-generic-functions}). With plain malloc, glibc
// returns large freed blocks to the kernel, so each forward pass faulted its
// ~95 MiB of intermediates back in: a third of a 56M-parameter prefill
// (docs/performance.md). A model allocates the same sizes on every pass, so
// freed blocks are kept on per-size free lists and handed out again; the
// cache keeps at most kMaxCachedBytes and frees the rest.
//
//===----------------------------------------------------------------------===//

#include "resq/Runtime.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace {

/// Each block starts with a header holding its usable size; the caller gets
/// the bytes after it, 16-byte aligned like malloc's.
struct alignas(16) Header {
  size_t size;
};

constexpr size_t kMaxCachedBytes = size_t(4) << 30;

class BufferCache {
public:
  void *allocate(size_t size) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = freeLists.find(size);
      if (it != freeLists.end() && !it->second.empty()) {
        Header *block = it->second.back();
        it->second.pop_back();
        cachedBytes -= size;
        return block + 1;
      }
    }
    auto *block = static_cast<Header *>(std::malloc(sizeof(Header) + size));
    if (!block) {
      // Compiled code has no error path for a buffer it cannot get: say
      // why before stopping, instead of faulting on a null buffer.
      std::fprintf(stderr,
                   "resq runtime: out of memory allocating %zu bytes for a "
                   "model's buffer\n",
                   size);
      std::abort();
    }
    block->size = size;
    return block + 1;
  }

  void release(void *pointer) {
    if (!pointer)
      return;
    Header *block = static_cast<Header *>(pointer) - 1;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (cachedBytes + block->size <= kMaxCachedBytes) {
        freeLists[block->size].push_back(block);
        cachedBytes += block->size;
        return;
      }
    }
    std::free(block);
  }

private:
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<Header *>> freeLists;
  size_t cachedBytes = 0;
};

BufferCache &cache() {
  // Never destroyed: compiled code may free buffers during process exit.
  static BufferCache *instance = new BufferCache;
  return *instance;
}

} // namespace

extern "C" RESQ_RUNTIME_EXPORT void *_mlir_memref_to_llvm_alloc(size_t size) {
  return cache().allocate(size);
}

extern "C" RESQ_RUNTIME_EXPORT void _mlir_memref_to_llvm_free(void *pointer) {
  cache().release(pointer);
}
