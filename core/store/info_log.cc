#include "core/store/info_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>

namespace fundlog {

std::shared_ptr<TolerantInfoLog> TolerantInfoLog::Open(const std::string& dir,
                                                       size_t bytes_max) {
  const std::string path = (std::filesystem::path(dir) / "LOG").string();
  struct stat info;
  if (::stat(path.c_str(), &info) == 0 &&
      static_cast<size_t>(info.st_size) > bytes_max / 2) {
    // A failed rename only means the LOG grows past the limit; it is not
    // worth refusing the open for.
    (void)::rename(path.c_str(), (path + ".old").c_str());
  }
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  return std::shared_ptr<TolerantInfoLog>(
      new TolerantInfoLog(fd, bytes_max / 2));
}

TolerantInfoLog::~TolerantInfoLog() { (void)CloseImpl(); }

rocksdb::Status TolerantInfoLog::CloseImpl() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  return rocksdb::Status::OK();
}

bool TolerantInfoLog::failed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failed_;
}

void TolerantInfoLog::Logv(const char* format, va_list ap) {
  char line[2048];
  struct timeval now;
  ::gettimeofday(&now, nullptr);
  struct tm parts;
  ::localtime_r(&now.tv_sec, &parts);
  int used = std::snprintf(
      line, sizeof(line), "%04d/%02d/%02d-%02d:%02d:%02d.%06ld ",
      parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
      parts.tm_min, parts.tm_sec, static_cast<long>(now.tv_usec));
  if (used < 0) return;
  int body = std::vsnprintf(line + used, sizeof(line) - used, format, ap);
  if (body < 0) return;
  size_t length = std::min(sizeof(line) - 2, static_cast<size_t>(used + body));
  line[length++] = '\n';
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd_ < 0 || failed_ || written_ >= bytes_max_) return;
  const ssize_t n = ::write(fd_, line, length);
  if (n != static_cast<ssize_t>(length)) {
    failed_ = true;
    return;
  }
  written_ += length;
}

}  // namespace fundlog
