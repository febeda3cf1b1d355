#include "core/audit/witness_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/io/batch_file.h"
#include "core/io/durable_file.h"
#include "core/merkle/cosignature.h"

namespace fundlog {
namespace {

namespace fs = std::filesystem;

constexpr char kLogsDir[] = "logs";
constexpr char kLogKeyFile[] = "log.vkey";
constexpr char kCheckpointFile[] = "checkpoint";
constexpr char kLockFile[] = "lock";
constexpr size_t kSmallFileMax = 1 << 20;

absl::Status IoError(const std::string& path, absl::string_view step) {
  const int error = errno;
  const std::string message =
      absl::StrCat(path, ": ", step, ": ", std::strerror(error));
  if (error == EACCES || error == EPERM || error == EROFS) {
    return absl::PermissionDeniedError(message);
  }
  return absl::InternalError(message);
}

// Creates `path` with mode 0600, never overwriting, holding `text`, synced.
absl::Status WritePrivateFile(const std::string& path, absl::string_view text) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError(path, "create");
  absl::string_view rest = text;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status s = IoError(path, "write");
      ::close(fd);
      return s;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (::fsync(fd) != 0) {
    absl::Status s = IoError(path, "fsync");
    ::close(fd);
    return s;
  }
  if (::close(fd) != 0) return IoError(path, "close");
  return absl::OkStatus();
}

absl::Status MakeDirectory(const fs::path& path) {
  std::error_code error;
  fs::create_directories(path, error);
  if (error) {
    return absl::InternalError(absl::StrCat(
        "cannot create directory ", path.string(), ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> InitWitness(const std::string& dir,
                                        const std::string& name) {
  absl::StatusOr<merkle::SigningKey> key = merkle::GenerateKey(name);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--name: ", key.status().message()));
  }
  std::error_code error;
  if (fs::exists(dir, error) && !fs::is_empty(dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat(
        dir,
        " exists and is not empty; a witness directory is created once "
        "(keep it: it holds the witness's key and what it has seen)"));
  }
  fs::create_directory(dir, error);
  if (error) {
    return absl::NotFoundError(
        absl::StrCat("cannot create ", dir, ": ", error.message()));
  }
  const std::string vkey =
      merkle::EncodeCosignerVerifierKey(merkle::CosignerVerifierKeyOf(*key));
  if (absl::Status s = WritePrivateFile(
          (fs::path(dir) / kWitnessKeyFile).string(),
          absl::StrCat(merkle::EncodeCosignerSignerKey(*key), "\n"));
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          WriteFileDurably((fs::path(dir) / kWitnessVerifierKeyFile).string(),
                           absl::StrCat(vkey, "\n"));
      !s.ok()) {
    return s;
  }
  return vkey;
}

absl::StatusOr<merkle::SigningKey> LoadWitnessKey(const std::string& dir) {
  const std::string path = (fs::path(dir) / kWitnessKeyFile).string();
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(
        absl::StrCat(dir, " is not a witness directory (no ", kWitnessKeyFile,
                     "; create one with `fundlog witness init`)"));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is open to others (mode %04o); chmod 600 it", path,
                        info.st_mode & 0777));
  }
  absl::StatusOr<std::string> text = ReadFileBytes(path, 4096);
  if (!text.ok()) return text.status();
  absl::StatusOr<merkle::SigningKey> key = merkle::ParseCosignerSignerKey(
      std::string(absl::StripAsciiWhitespace(*text)));
  if (!key.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": ", key.status().message()));
  }
  return key;
}

std::string OriginDirName(const std::string& origin) {
  std::string out;
  for (unsigned char c : origin) {
    if (absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

absl::StatusOr<std::optional<WitnessedLog>> LoadWitnessedLog(
    const std::string& dir, const std::string& origin) {
  const fs::path log_dir = fs::path(dir) / kLogsDir / OriginDirName(origin);
  const std::string key_path = (log_dir / kLogKeyFile).string();
  std::error_code error;
  if (!fs::exists(key_path, error)) return std::nullopt;
  absl::StatusOr<std::string> key_text = ReadFileBytes(key_path, 4096);
  if (!key_text.ok()) return key_text.status();
  WitnessedLog state;
  state.log_key_text = std::string(absl::StripAsciiWhitespace(*key_text));
  absl::StatusOr<merkle::VerifierKey> key =
      merkle::ParseVerifierKey(state.log_key_text);
  if (!key.ok()) {
    return absl::DataLossError(
        absl::StrCat(key_path, ": ", key.status().message()));
  }
  state.log_key = *key;
  const std::string note_path = (log_dir / kCheckpointFile).string();
  if (!fs::exists(note_path, error)) return state;
  absl::StatusOr<std::string> note = ReadFileBytes(note_path, kSmallFileMax);
  if (!note.ok()) return note.status();
  absl::StatusOr<merkle::Checkpoint> checkpoint =
      merkle::OpenCheckpoint(*note, *key);
  if (!checkpoint.ok() || checkpoint->origin != origin) {
    return absl::DataLossError(absl::StrCat(
        note_path, ": the stored checkpoint no longer verifies with ", key_path,
        checkpoint.ok() ? " (another origin)"
                        : absl::StrCat(": ", checkpoint.status().message())));
  }
  state.checkpoint_note = *note;
  state.checkpoint = *checkpoint;
  return state;
}

absl::Status StoreWitnessedLog(const std::string& dir,
                               const std::string& origin,
                               const std::string& log_key_text,
                               const std::string& note) {
  const fs::path log_dir = fs::path(dir) / kLogsDir / OriginDirName(origin);
  if (absl::Status s = MakeDirectory(log_dir); !s.ok()) return s;
  const std::string key_path = (log_dir / kLogKeyFile).string();
  std::error_code error;
  if (!fs::exists(key_path, error)) {
    if (absl::Status s =
            WriteFileDurably(key_path, absl::StrCat(log_key_text, "\n"));
        !s.ok()) {
      return s;
    }
  }
  return WriteFileDurably((log_dir / kCheckpointFile).string(), note);
}

absl::StatusOr<WitnessLock> WitnessLock::Acquire(const std::string& dir) {
  if (absl::StatusOr<merkle::SigningKey> key = LoadWitnessKey(dir);
      !key.ok() && key.status().code() == absl::StatusCode::kNotFound) {
    return key.status();
  }
  const std::string path = (fs::path(dir) / kLockFile).string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return IoError(path, "open");
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    absl::Status s = IoError(path, "flock");
    ::close(fd);
    return s;
  }
  return WitnessLock(fd);
}

WitnessLock::~WitnessLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace fundlog
