#include "core/io/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"

namespace fundlog {
namespace {

// A status for `error` (an errno) met while writing `path`.
absl::Status WriteError(const std::string& path, absl::string_view step,
                        int error) {
  std::string message = absl::StrCat("cannot write ", path, ": ", step, ": ",
                                     std::strerror(error));
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(
          absl::StrCat(message, " (does its directory exist?)"));
    case EISDIR:
      return absl::FailedPreconditionError(
          absl::StrCat(message, " (it is a directory)"));
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status WriteAll(int fd, absl::string_view bytes,
                      const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return WriteError(path, "write", errno);
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return absl::OkStatus();
}

// Makes the rename itself durable: the new directory entry is on disk.
absl::Status SyncDirectory(const std::string& dir, const std::string& path) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return WriteError(path, "open its directory", errno);
  const bool synced = ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!synced) return WriteError(path, "fsync its directory", error);
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteFileDurably(const std::string& path,
                              absl::string_view bytes) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return WriteError(path, "rename into place", EISDIR);
  }
  const std::filesystem::path parent =
      std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  // A unique name beside the target, so the rename stays in one file system.
  const std::string pattern = absl::StrCat(path, ".tmp-XXXXXX");
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return WriteError(path, "create a temporary file", errno);
  const std::string temp(name.data(), pattern.size());
  absl::Status status = WriteAll(fd, bytes, path);
  // mkstemp makes the file 0600; an export is an ordinary readable file.
  if (status.ok() && ::fchmod(fd, 0644) != 0) {
    status = WriteError(path, "chmod", errno);
  }
  if (status.ok() && ::fsync(fd) != 0)
    status = WriteError(path, "fsync", errno);
  if (::close(fd) != 0 && status.ok())
    status = WriteError(path, "close", errno);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = WriteError(path, "rename into place", errno);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());  // best effort: the error above is the news
    return status;
  }
  return SyncDirectory(dir, path);
}

}  // namespace fundlog
