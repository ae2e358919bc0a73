//===- MappedFile.cpp - a read-only memory-mapped regular file -----------===//

#include "resq/params/MappedFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace resq::params {

std::shared_ptr<MappedFile>
MappedFile::open(const std::string &path, std::string &error, bool noFollow) {
  int fd =
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (noFollow ? O_NOFOLLOW : 0));
  if (fd < 0) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  struct stat status;
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    error = "'" + path + "' is not a regular file";
    return nullptr;
  }
  std::shared_ptr<MappedFile> file(new MappedFile());
  file->length = static_cast<size_t>(status.st_size);
  if (file->length > 0) {
    void *address =
        ::mmap(nullptr, file->length, PROT_READ, MAP_PRIVATE, fd, 0);
    if (address == MAP_FAILED) {
      ::close(fd);
      error = "cannot map '" + path + "': " + std::strerror(errno);
      return nullptr;
    }
    file->address = address;
  }
  ::close(fd);
  return file;
}

MappedFile::~MappedFile() {
  if (address)
    ::munmap(address, length);
}

} // namespace resq::params
