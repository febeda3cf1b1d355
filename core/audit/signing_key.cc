#include "core/audit/signing_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/io/batch_file.h"

namespace fundlog {

absl::Status WriteSigningKey(const std::string& dir,
                             const merkle::SigningKey& key) {
  const std::string path = (std::filesystem::path(dir) / kSigningKeyFile);
  // O_EXCL: never overwrite a key; 0600: the private key stays private.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(absl::StrCat(path, " already exists"));
    }
    return absl::InternalError(
        absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  const std::string text = absl::StrCat(merkle::EncodeSignerKey(key), "\n");
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return absl::InternalError(
          absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot sync ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<merkle::SigningKey> LoadSigningKey(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / kSigningKeyFile);
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": no signing key"));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " is readable by others (mode ", info.st_mode & 0777,
        "); chmod 600 it"));
  }
  absl::StatusOr<std::string> text = ReadFileBytes(path, 4096);
  if (!text.ok()) return text.status();
  absl::StatusOr<merkle::SigningKey> key = merkle::ParseSignerKey(
      std::string(absl::StripAsciiWhitespace(*text)));
  if (!key.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": ", key.status().message()));
  }
  return key;
}

}  // namespace fundlog
