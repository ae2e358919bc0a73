//===- Manifest.cpp - read, write and check model.manifest ----------------===//

#include "resq/manifest/Manifest.h"
#include "resq/manifest/ContentHash.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace resq::manifest {
namespace {

constexpr const char *kHeader = "resq-manifest 1";

/// A name the manifest may list: a file directly in the folder.
bool isPlainName(const std::string &name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find('/') == std::string::npos &&
         name.find_first_of(" \t\r\n") == std::string::npos;
}

bool readSmallFile(const std::string &path, std::string &text, bool &missing,
                   std::string &error) {
  // Non-blocking, so a FIFO in its place is refused rather than waited on.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  missing = fd < 0 && errno == ENOENT;
  if (fd < 0) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  struct stat status;
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) ||
      status.st_size > (1 << 20)) {
    ::close(fd);
    error = "'" + path + "' is not a manifest (not a small regular file)";
    return false;
  }
  text.resize(static_cast<size_t>(status.st_size));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::read(fd, &text[done], text.size() - done);
    if (n <= 0) {
      ::close(fd);
      error = "cannot read '" + path + "'";
      return false;
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return true;
}

std::string hex(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof(text), "%016" PRIx64, value);
  return text;
}

} // namespace

std::string pathIn(const std::string &dir, const std::string &name) {
  if (dir.empty())
    return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

const Entry *Manifest::find(const std::string &name) const {
  for (const Entry &entry : entries)
    if (entry.name == name)
      return &entry;
  return nullptr;
}

std::string Manifest::format() const {
  std::string text = std::string(kHeader) + "\n";
  for (const Entry &entry : entries)
    text += std::to_string(entry.size) + " " + hex(entry.hash) + " " +
            entry.name + "\n";
  return text;
}

bool Manifest::parse(const std::string &text, Manifest &manifest,
                     std::string &error) {
  manifest.entries.clear();
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line != kHeader) {
    error = "its first line is not '" + std::string(kHeader) + "'";
    return false;
  }
  for (int number = 2; std::getline(lines, line); ++number) {
    Entry entry;
    char hashText[17], name[256];
    int used = 0;
    bool ok = std::sscanf(line.c_str(), "%" SCNu64 " %16[0-9a-f] %255s%n",
                          &entry.size, hashText, name, &used) == 3 &&
              static_cast<size_t>(used) == line.size() &&
              std::strlen(hashText) == 16;
    if (ok) {
      entry.hash = std::strtoull(hashText, nullptr, 16);
      entry.name = name;
      ok = isPlainName(entry.name);
    }
    if (!ok) {
      error = "line " + std::to_string(number) +
              " is not '<size> <16 hex digits> <file name>'";
      return false;
    }
    if (manifest.find(entry.name)) {
      error = "line " + std::to_string(number) + " lists '" + entry.name +
              "' a second time";
      return false;
    }
    manifest.entries.push_back(entry);
  }
  return true;
}

bool readManifest(const std::string &dir, Manifest &manifest, bool &missing,
                  std::string &error) {
  std::string path = pathIn(dir, kManifestName);
  std::string text;
  if (!readSmallFile(path, text, missing, error))
    return false;
  std::string problem;
  if (!Manifest::parse(text, manifest, problem)) {
    error = "'" + path + "' is not a resq-compile manifest: " + problem;
    return false;
  }
  return true;
}

bool writeManifest(const std::string &dir,
                   const std::vector<std::string> &names, std::string &error) {
  Manifest manifest;
  for (const std::string &name : names) {
    Entry entry;
    entry.name = name;
    if (!hashFile(pathIn(dir, name), entry.size, entry.hash, error))
      return false;
    manifest.entries.push_back(entry);
  }
  std::string path = pathIn(dir, kManifestName);
  std::string temporary = path + ".tmp";
  std::FILE *file = std::fopen(temporary.c_str(), "wb");
  if (!file) {
    error = "cannot write '" + temporary + "': " + std::strerror(errno);
    return false;
  }
  std::string text = manifest.format();
  bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  written = std::fclose(file) == 0 && written;
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(temporary.c_str());
    return false;
  }
  return true;
}

bool verifyFolder(const std::string &dir,
                  const std::vector<std::string> &required,
                  std::string &error) {
  Manifest manifest;
  bool missing = false;
  if (!readManifest(dir, manifest, missing, error)) {
    if (missing)
      error = "'" + dir + "' has no " + kManifestName +
              ": it is not a folder written by resq-compile, or its "
              "compilation did not finish (compile the model again)";
    return false;
  }
  for (const std::string &name : required)
    if (!manifest.find(name)) {
      error = "'" + dir + "' holds no " + name + " (its " + kManifestName +
              " does not list it: compiled with another --emit?)";
      return false;
    }
  // Sizes first: they are cheap and catch most mix-ups.
  for (const Entry &entry : manifest.entries) {
    std::string path = pathIn(dir, entry.name);
    struct stat status;
    if (::stat(path.c_str(), &status) != 0) {
      error = "cannot read '" + path + "' (listed in " + kManifestName +
              "): " + std::strerror(errno);
      return false;
    }
    if (static_cast<uint64_t>(status.st_size) != entry.size) {
      error = "'" + path + "' is " + std::to_string(status.st_size) +
              " bytes, " + kManifestName + " says " +
              std::to_string(entry.size) +
              ": the folder mixes files of different compilations or a "
              "file was changed (compile the model again)";
      return false;
    }
  }
  for (const Entry &entry : manifest.entries) {
    std::string path = pathIn(dir, entry.name);
    uint64_t size = 0, hash = 0;
    if (!hashFile(path, size, hash, error))
      return false;
    if (size != entry.size || hash != entry.hash) {
      error = "'" + path + "' does not match its hash in " + kManifestName +
              ": the folder mixes files of different compilations or a "
              "file was changed (compile the model again)";
      return false;
    }
  }
  return true;
}

} // namespace resq::manifest
