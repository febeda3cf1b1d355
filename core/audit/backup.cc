#include "core/audit/backup.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "core/audit/checkpoint_signer.h"
#include "core/audit/signing_key.h"
#include "core/audit/verify_log.h"
#include "core/store/event_log.h"

namespace fundlog {
namespace {

namespace fs = std::filesystem;

// Backups taken again when the copy does not verify (a writer beside it
// changed files under the copy in a way RocksDB's recovery cannot mend).
constexpr int kBackupAttempts = 3;

std::string FirstFindings(const IntegrityReport& report) {
  std::string out;
  int shown = 0;
  for (const Finding& finding : report.findings) {
    if (shown++ == 3) {
      absl::StrAppend(&out, "; and ", report.findings.size() - 3, " more");
      break;
    }
    absl::StrAppend(
        &out, shown > 1 ? "; " : "", finding.kind,
        finding.seq ? absl::StrCat(" at record ", *finding.seq) : std::string(),
        ": ", finding.detail);
  }
  return out;
}

absl::StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `text` to `path` through a synced temporary file and a rename, so
// that `path` is whole or absent.
absl::Status WriteWhole(const std::string& path, const std::string& text) {
  const std::string temp = absl::StrCat(path, ".tmp-", ::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create ", temp, ": ", std::strerror(errno)));
  }
  const bool written = ::write(fd, text.data(), text.size()) ==
                           static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  if (::close(fd) != 0 || !written ||
      ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return absl::InternalError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Removes a scratch directory when it goes out of scope.
class Scratch {
 public:
  explicit Scratch(std::string path) : path_(std::move(path)) { Remove(); }
  ~Scratch() { Remove(); }
  const std::string& path() const { return path_; }
  void Release() { path_.clear(); }

 private:
  void Remove() {
    std::error_code error;
    if (!path_.empty()) fs::remove_all(path_, error);
  }
  std::string path_;
};

// Restores backup `id` into a scratch directory, verifies it and signs a
// checkpoint of it. kDataLoss when verify finds anything.
absl::StatusOr<BackupReport> CheckAndSign(const std::string& backup_dir,
                                          const BackupFiles& files) {
  Scratch scratch(
      (fs::path(backup_dir) / absl::StrCat(".check-", ::getpid())).string());
  if (auto s = RestoreLogFiles(backup_dir, files.id, scratch.path()); !s.ok()) {
    return s;
  }
  BackupReport report;
  report.files = files;
  {
    auto log = EventLog::Open(OpenOptions{.path = scratch.path()});
    if (!log.ok()) {
      return absl::DataLossError(absl::StrCat(
          "backup ", files.id, " does not open: ", log.status().message()));
    }
    auto verified = VerifyLog(**log, std::nullopt);
    if (!verified.ok()) return verified.status();
    if (!verified->findings.empty()) {
      return absl::DataLossError(absl::StrCat(
          "backup ", files.id, " does not verify: ", FirstFindings(*verified)));
    }
    report.size = (*log)->Size();
    auto note = SignCheckpoint(**log, report.size);
    if (!note.ok()) return note.status();
    report.checkpoint = *note;
  }
  report.checkpoint_path = BackupCheckpointPath(backup_dir, files.id);
  if (auto s = WriteWhole(report.checkpoint_path, report.checkpoint); !s.ok()) {
    return s;
  }
  return report;
}

}  // namespace

std::string BackupCheckpointPath(const std::string& backup_dir, uint32_t id) {
  return (fs::path(backup_dir) / absl::StrCat("checkpoint-", id)).string();
}

absl::StatusOr<BackupReport> BackupLog(const std::string& log_dir,
                                       const std::string& backup_dir) {
  std::error_code error;
  if (!fs::exists(fs::path(log_dir) / kSigningKeyFile, error)) {
    return absl::NotFoundError(
        absl::StrCat(log_dir, " has no ", kSigningKeyFile,
                     ": a backup is signed with the log's own key"));
  }
  absl::Status last;
  for (int attempt = 1; attempt <= kBackupAttempts; ++attempt) {
    auto files = CopyLogFiles(log_dir, backup_dir);
    if (!files.ok()) return files.status();
    auto report = CheckAndSign(backup_dir, *files);
    if (report.ok()) return report;
    last = report.status();
    // A copy that does not verify is no backup: remove it, take another.
    if (auto s = DeleteBackup(backup_dir, files->id); !s.ok()) return s;
    if (last.code() != absl::StatusCode::kDataLoss) return last;
  }
  return last;
}

absl::StatusOr<RestoreReport> RestoreLog(
    const std::string& backup_dir, const std::string& target_dir,
    const std::optional<merkle::VerifierKey>& key) {
  std::error_code error;
  if (fs::exists(target_dir, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat(target_dir,
                     " already exists; restore never writes over a log or "
                     "a directory: name a new one"));
  }
  auto backups = ListBackups(backup_dir);
  if (!backups.ok()) return backups.status();
  RestoreReport report;
  report.id = backups->back().id;
  const std::string tag = absl::StrCat(backup_dir, ": backup ", report.id);
  if (auto s = CheckBackupFiles(backup_dir, report.id); !s.ok()) return s;
  auto note = ReadText(BackupCheckpointPath(backup_dir, report.id));
  if (!note.ok()) {
    return absl::DataLossError(absl::StrCat(tag, " has no signed checkpoint (",
                                            note.status().message(), ")"));
  }
  // Restored beside the target and renamed into place once checked.
  Scratch staging(absl::StrCat(target_dir, ".restoring-", ::getpid()));
  if (auto s = RestoreLogFiles(backup_dir, report.id, staging.path());
      !s.ok()) {
    return s;
  }
  {
    auto log =
        EventLog::Open(OpenOptions{.path = staging.path(), .read_only = true});
    if (!log.ok()) {
      return absl::DataLossError(
          absl::StrCat(tag, " does not open: ", log.status().message()));
    }
    const LogInfo info = (*log)->Info();
    auto own_key = merkle::ParseVerifierKey(info.verifier_key);
    if (!own_key.ok()) {
      return absl::DataLossError(
          absl::StrCat(tag, ": the restored log's verifier key is unreadable: ",
                       own_key.status().message()));
    }
    auto signing_key = LoadSigningKey(staging.path());
    if (!signing_key.ok() || merkle::EncodeVerifierKey(merkle::VerifierKeyOf(
                                 *signing_key)) != info.verifier_key) {
      return absl::DataLossError(
          absl::StrCat(tag, ": its ", kSigningKeyFile,
                       " is not the key whose verifier key the log holds"));
    }
    const merkle::VerifierKey& trusted = key ? *key : *own_key;
    auto checkpoint = merkle::OpenCheckpoint(*note, trusted);
    if (!checkpoint.ok()) {
      return absl::DataLossError(
          absl::StrCat(tag, ": its checkpoint does not verify with ",
                       merkle::EncodeVerifierKey(trusted), ": ",
                       checkpoint.status().message()));
    }
    auto verified = VerifyLog(**log, *checkpoint);
    if (!verified.ok()) return verified.status();
    if (!verified->findings.empty()) {
      return absl::DataLossError(
          absl::StrCat(tag, " does not verify: ", FirstFindings(*verified)));
    }
    if (verified->tree_size != checkpoint->size ||
        verified->root != checkpoint->root) {
      return absl::DataLossError(
          absl::StrCat(tag, " holds ", verified->tree_size,
                       " records whose root is not the checkpoint's (size ",
                       checkpoint->size, ")"));
    }
    report.size = verified->tree_size;
    report.root = verified->root;
  }
  // RENAME_NOREPLACE: a directory made at `target_dir` meanwhile is kept.
  if (::renameat2(AT_FDCWD, staging.path().c_str(), AT_FDCWD,
                  target_dir.c_str(), RENAME_NOREPLACE) != 0) {
    return absl::InternalError(absl::StrCat("cannot move the restored log to ",
                                            target_dir, ": ",
                                            std::strerror(errno)));
  }
  staging.Release();
  return report;
}

}  // namespace fundlog
