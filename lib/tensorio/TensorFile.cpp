//===- TensorFile.cpp - choose .npy or .pb by extension -------------------===//

#include "resq/tensorio/TensorFile.h"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>

using namespace resq::tensorio;

static bool endsWith(const std::string &text, const std::string &suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int64_t Tensor::numElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

bool resq::tensorio::isRegularFile(const std::string &path,
                                   std::string &error) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(info.st_mode)) {
    error = "'" + path + "' is not a regular file" +
            (S_ISDIR(info.st_mode) ? " (a directory)" : "");
    return false;
  }
  return true;
}

bool resq::tensorio::readTensorFile(const std::string &path, Tensor &tensor,
                                    std::string &error) {
  if (endsWith(path, ".npy"))
    return readNpy(path, tensor, error);
  if (endsWith(path, ".pb"))
    return readTensorProto(path, tensor, error);
  error = "'" + path + "': expected a .npy or .pb file";
  return false;
}

bool resq::tensorio::writeTensorFile(const std::string &path,
                                     const Tensor &tensor, std::string &error) {
  if (endsWith(path, ".npy"))
    return writeNpy(path, tensor, error);
  if (endsWith(path, ".pb"))
    return writeTensorProto(path, tensor, error);
  error = "'" + path + "': expected a .npy or .pb file";
  return false;
}
