//===- ElfCheck.h - is a shared library whole before dlopen? ----*- C++ -*-===//
//
// dlopen maps a library and touches its pages; a truncated file then faults
// (SIGBUS) inside the loader instead of failing. checkElfFile() reads the
// ELF header and checks that every table and segment it names lies within
// the file, so that a truncated or foreign file is an error message.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUNTIME_ELFCHECK_H
#define RESQ_RUNTIME_ELFCHECK_H

#include <string>

namespace resq::runtime {

/// Whether `path` is a regular, complete 64-bit little-endian ELF shared
/// object for this machine. False with `error` saying why.
bool checkElfFile(const std::string &path, std::string &error);

} // namespace resq::runtime

#endif // RESQ_RUNTIME_ELFCHECK_H
