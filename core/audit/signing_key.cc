#include "core/audit/signing_key.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/io/batch_file.h"

namespace fundlog {

absl::StatusOr<merkle::SigningKey> LoadSigningKey(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / kSigningKeyFile);
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": no signing key"));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is open to others (mode %04o); chmod 600 it", path,
                        info.st_mode & 0777));
  }
  absl::StatusOr<std::string> text = ReadFileBytes(path, 4096);
  if (!text.ok()) return text.status();
  absl::StatusOr<merkle::SigningKey> key =
      merkle::ParseSignerKey(std::string(absl::StripAsciiWhitespace(*text)));
  if (!key.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": ", key.status().message()));
  }
  return key;
}

}  // namespace fundlog
