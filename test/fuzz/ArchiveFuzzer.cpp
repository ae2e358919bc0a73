//===- ArchiveFuzzer.cpp - libFuzzer target for safetensors archives ------===//
//
// Feeds arbitrary bytes to the archive reader (header length, JSON header,
// dtypes, shapes, offsets) and reads every tensor it accepts, so that an
// accepted archive whose tensors lie outside the buffer is caught by ASan.
// Build and run: docs/reliability.md ("Fuzzing").
//
//===----------------------------------------------------------------------===//

#include "resq/params/Archive.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  std::unique_ptr<resq::params::Archive> archive =
      resq::params::Archive::fromBuffer(data, size, error);
  if (!archive)
    return 0;
  volatile uint8_t sink = 0;
  for (const resq::params::TensorInfo &info : archive->tensors()) {
    const uint8_t *bytes = archive->data(info);
    for (size_t i = 0; i < info.byteSize(); i += 64)
      sink = sink ^ bytes[i];
    if (info.byteSize())
      sink = sink ^ bytes[info.byteSize() - 1];
  }
  return 0;
}
