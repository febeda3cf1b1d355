#include "core/store/files_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace fundlog {

absl::StatusOr<std::unique_ptr<EventLog::FilesLock>> EventLog::FilesLock::Open(
    const std::string& dir, bool create) {
  const std::string path = absl::StrCat(dir, "/", kFilesLockFile);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 && !create && (errno == EACCES || errno == EROFS)) {
      return std::unique_ptr<FilesLock>(new FilesLock(-1));
    }
  }
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<FilesLock>(new FilesLock(fd));
}

EventLog::FilesLock::~FilesLock() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status EventLog::FilesLock::Lock(bool exclusive) {
  if (fd_ < 0) return absl::OkStatus();
  while (::flock(fd_, exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno != EINTR) {
      return absl::InternalError(absl::StrCat("cannot lock ", kFilesLockFile,
                                              ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

bool EventLog::FilesLock::TryLockExclusive() {
  return fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
}

void EventLog::FilesLock::Unlock() {
  if (fd_ >= 0) ::flock(fd_, LOCK_UN);
}

absl::Status EventLog::WithFilesSteady(
    const std::string& path, const std::function<absl::Status()>& visit) {
  absl::StatusOr<std::unique_ptr<FilesLock>> lock =
      FilesLock::Open(path, /*create=*/false);
  if (!lock.ok()) return lock.status();
  if (absl::Status s = (*lock)->Lock(/*exclusive=*/false); !s.ok()) return s;
  absl::Status result = visit();
  (*lock)->Unlock();
  return result;
}

}  // namespace fundlog
