//===- TensorFileFuzzer.cpp - libFuzzer target for .npy and .pb tensors ---===//
//
// Feeds arbitrary bytes to the tensor readers resq-run and resq-compile use
// for inputs, labels, prompts and calibration data: the first byte picks
// the format (.npy or ONNX TensorProto .pb), the rest is the file. An
// accepted tensor is read to its last byte, so a size that does not match
// its shape is caught by ASan; a refusal must be one line without control
// bytes. Build and run: docs/reliability.md.
//
//===----------------------------------------------------------------------===//

#include "resq/params/DType.h"
#include "resq/tensorio/TensorFile.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  bool npy = data[0] & 1;
  // The readers take files (and check they are regular ones): give them one.
  static const std::string base =
      "/tmp/resq-tensor-fuzz-" + std::to_string(::getpid());
  std::string path = base + (npy ? ".npy" : ".pb");
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file)
    return 0;
  std::fwrite(data + 1, 1, size - 1, file);
  std::fclose(file);

  resq::tensorio::Tensor tensor;
  std::string error;
  bool ok = npy ? resq::tensorio::readNpy(path, tensor, error)
                : resq::tensorio::readTensorProto(path, tensor, error);
  // An accepted tensor holds exactly its shape's bytes.
  if (ok && tensor.bytes.size() != static_cast<size_t>(tensor.numElements()) *
                                       resq::params::dtypeSize(tensor.dtype))
    __builtin_trap();
  // A refusal is one printable line: bytes of the file are escaped.
  for (char c : error)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      __builtin_trap();
  return 0;
}
