//===- ElfCheck.cpp - is a shared library whole before dlopen? ------------===//

#include "ElfCheck.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <elf.h>
#include <memory>
#include <vector>

#include <sys/stat.h>

bool resq::runtime::checkElfFile(const std::string &path, std::string &error) {
  auto fail = [&](const std::string &why) {
    error = "'" + path + "' is not a whole shared library: " + why;
    return false;
  };
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    error = "cannot load '" + path + "': " + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(info.st_mode)) {
    error = "'" + path + "' is not a regular file";
    return false;
  }
  uint64_t size = uint64_t(info.st_size);
  std::unique_ptr<FILE, int (*)(FILE *)> file(std::fopen(path.c_str(), "rb"),
                                              &std::fclose);
  if (!file) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  Elf64_Ehdr header;
  if (std::fread(&header, sizeof(header), 1, file.get()) != 1)
    return fail("shorter than an ELF header");
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
    return fail("no ELF magic");
  if (header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB || header.e_type != ET_DYN)
    return fail("not a 64-bit little-endian shared object");
  auto within = [&](uint64_t offset, uint64_t count, uint64_t entry) {
    return entry != 0 && offset <= size && count <= (size - offset) / entry;
  };
  if (header.e_phentsize != sizeof(Elf64_Phdr) ||
      !within(header.e_phoff, header.e_phnum, sizeof(Elf64_Phdr)))
    return fail("its program headers lie past its end");
  if (header.e_shnum != 0 &&
      (header.e_shentsize != sizeof(Elf64_Shdr) ||
       !within(header.e_shoff, header.e_shnum, sizeof(Elf64_Shdr))))
    return fail("its section headers lie past its end (truncated?)");
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  if (std::fseek(file.get(), long(header.e_phoff), SEEK_SET) != 0 ||
      std::fread(segments.data(), sizeof(Elf64_Phdr), segments.size(),
                 file.get()) != segments.size())
    return fail("cannot read its program headers");
  for (const Elf64_Phdr &segment : segments)
    if (segment.p_type == PT_LOAD &&
        (segment.p_offset > size || segment.p_filesz > size - segment.p_offset))
      return fail("a loadable segment lies past its end (truncated?)");
  return true;
}
