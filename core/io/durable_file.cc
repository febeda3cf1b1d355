#include "core/io/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace fundlog {
namespace {

// What DurableFile gathers before one write(2).
constexpr size_t kBufferBytes = size_t{1} << 20;

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

absl::StatusOr<std::unique_ptr<DurableFile>> DurableFile::Create(
    const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return WriteError(path, "rename into place", EISDIR);
  }
  // A unique name beside the target, so the rename stays in one file system.
  const std::string pattern = absl::StrCat(path, ".tmp-XXXXXX");
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return WriteError(path, "create a temporary file", errno);
  return std::unique_ptr<DurableFile>(
      new DurableFile(path, std::string(name.data(), pattern.size()), fd));
}

DurableFile::DurableFile(std::string path, std::string temp, int fd)
    : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}

DurableFile::~DurableFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());  // best effort
}

absl::Status DurableFile::Drain() {
  if (error_.ok()) error_ = WriteAll(fd_, buffer_, path_);
  buffer_.clear();
  return error_;
}

absl::Status DurableFile::Append(absl::string_view bytes) {
  if (!error_.ok() || fd_ < 0) {
    return error_.ok() ? absl::FailedPreconditionError("file committed")
                       : error_;
  }
  size_ += bytes.size();
  if (buffer_.size() + bytes.size() < kBufferBytes) {
    buffer_.append(bytes.data(), bytes.size());
    return absl::OkStatus();
  }
  if (absl::Status s = Drain(); !s.ok()) return s;
  error_ = WriteAll(fd_, bytes, path_);  // large pieces are not copied
  return error_;
}

absl::Status DurableFile::Commit() {
  if (fd_ < 0) return absl::FailedPreconditionError("file committed");
  absl::Status status = Drain();
  // mkstemp makes the file 0600; an export is an ordinary readable file.
  if (status.ok() && ::fchmod(fd_, 0644) != 0) {
    status = WriteError(path_, "chmod", errno);
  }
  if (status.ok() && ::fsync(fd_) != 0) {
    status = WriteError(path_, "fsync", errno);
  }
  if (::close(fd_) != 0 && status.ok()) {
    status = WriteError(path_, "close", errno);
  }
  fd_ = -1;
  if (status.ok() && ::rename(temp_.c_str(), path_.c_str()) != 0) {
    status = WriteError(path_, "rename into place", errno);
  }
  if (!status.ok()) {
    error_ = status;
    return status;  // the destructor removes the temporary file
  }
  committed_ = true;
  const std::filesystem::path parent =
      std::filesystem::path(path_).parent_path();
  return SyncDirectory(parent.empty() ? std::string(".") : parent.string(),
                       path_);
}

absl::Status WriteFileDurably(const std::string& path,
                              absl::string_view bytes) {
  absl::StatusOr<std::unique_ptr<DurableFile>> file = DurableFile::Create(path);
  if (!file.ok()) return file.status();
  if (absl::Status s = (*file)->Append(bytes); !s.ok()) return s;
  return (*file)->Commit();
}

}  // namespace fundlog
