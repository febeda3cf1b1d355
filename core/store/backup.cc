#include "core/store/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/store/event_log.h"
#include "core/store/rocks_status.h"
#include "rocksdb/convenience.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/backup_engine.h"
#include "rocksdb/utilities/options_util.h"

namespace fundlog {
namespace {

namespace fs = std::filesystem;

// Attempts at copying beside a writer that removes files (a flush, a
// compaction, or a writer process closing the log) while the copy is being
// taken; the wait between attempts grows and is jittered, so that a backup
// finds a quiet moment between short writer processes.
constexpr int kCopyAttempts = 30;
constexpr int kCopyWaitMaxMillis = 400;

// Reads a small file whole; nullopt when it does not exist.
absl::StatusOr<std::optional<std::string>> ReadSmallFile(
    const std::string& path) {
  std::error_code error;
  if (!fs::exists(path, error)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return absl::InternalError(absl::StrCat("cannot read ", path));
  }
  return text.str();
}

// Creates `path` with mode 0600 (never overwriting) holding `text`, synced.
absl::Status WritePrivateFile(const std::string& path,
                              const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
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

// Puts the log's signing key beside the backups, or checks that the one
// there is the same: one backup directory holds backups of one log.
absl::Status KeepSigningKey(const std::string& log_dir,
                            const std::string& backup_dir) {
  auto key = ReadSmallFile((fs::path(log_dir) / kSigningKeyFile).string());
  if (!key.ok()) return key.status();
  if (!key->has_value()) return absl::OkStatus();  // a log without a key
  const std::string kept = (fs::path(backup_dir) / kSigningKeyFile).string();
  auto existing = ReadSmallFile(kept);
  if (!existing.ok()) return existing.status();
  if (!existing->has_value()) return WritePrivateFile(kept, **key);
  if (**existing != **key) {
    return absl::FailedPreconditionError(absl::StrCat(
        backup_dir, " holds backups of another log (its ", kSigningKeyFile,
        " differs from this log's); back up into a new directory"));
  }
  return absl::OkStatus();
}

size_t CountSharedTables(const std::string& backup_dir) {
  std::error_code error;
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(
           fs::path(backup_dir) / "shared_checksum", error)) {
    if (entry.path().extension() == ".sst") ++count;
  }
  return count;
}

struct EngineDeleter {
  void operator()(rocksdb::BackupEngine* engine) const { delete engine; }
};

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngine, EngineDeleter>>
OpenEngine(const std::string& backup_dir) {
  rocksdb::BackupEngine* engine = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngine::Open(
      rocksdb::Env::Default(), rocksdb::BackupEngineOptions(backup_dir),
      &engine);
  if (!s.ok()) {
    return FromRocks(s,
                     absl::StrCat("cannot open the backups in ", backup_dir));
  }
  return std::unique_ptr<rocksdb::BackupEngine, EngineDeleter>(engine);
}

// Whether `name` is a file RocksDB appends to or replaces (the write-ahead
// log, the MANIFEST and CURRENT, which names it): frozen by a copy, where
// tables, written once, are frozen by a hard link.
bool GrowsInPlace(const std::string& name) {
  return name == "CURRENT" || name.rfind("MANIFEST-", 0) == 0 ||
         fs::path(name).extension() == ".log";
}

// Whether `name` belongs to the database (not the LOCK, RocksDB's info LOG,
// our key or lock files).
bool IsDatabaseFile(const std::string& name) {
  const std::string extension = fs::path(name).extension().string();
  return name == "CURRENT" || name == "IDENTITY" ||
         name.rfind("MANIFEST-", 0) == 0 || name.rfind("OPTIONS-", 0) == 0 ||
         extension == ".sst" || extension == ".log" || extension == ".blob";
}

// Freezes the log's files as they are at one moment into `frozen` (on the
// backup's file system): tables by hard link, the files that grow by copy;
// CURRENT and the MANIFEST first, so that a table the MANIFEST names is
// linked before a writer could remove it. Takes milliseconds, so a writer
// process rarely changes the set of files meanwhile; when it does, opening
// the frozen copy fails and the caller tries again.
absl::Status Freeze(const std::string& log_dir, const std::string& frozen) {
  std::error_code error;
  fs::remove_all(frozen, error);
  fs::create_directories(frozen, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", frozen, ": ", error.message()));
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(log_dir, error)) {
    const std::string name = entry.path().filename().string();
    if (IsDatabaseFile(name)) names.push_back(name);
  }
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot list ", log_dir, ": ", error.message()));
  }
  // CURRENT, then MANIFEST, then the rest (tables, then logs by name).
  auto rank = [](const std::string& name) {
    if (name == "CURRENT") return 0;
    if (name.rfind("MANIFEST-", 0) == 0) return 1;
    return fs::path(name).extension() == ".log" ? 3 : 2;
  };
  std::sort(names.begin(), names.end(), [&](const auto& a, const auto& b) {
    return std::make_pair(rank(a), a) < std::make_pair(rank(b), b);
  });
  for (const std::string& name : names) {
    const fs::path from = fs::path(log_dir) / name;
    const fs::path to = fs::path(frozen) / name;
    if (!GrowsInPlace(name)) {
      fs::create_hard_link(from, to, error);
      if (!error) continue;
      error.clear();  // another file system: copy it
    }
    fs::copy_file(from, to, error);
    if (error && error != std::errc::no_such_file_or_directory) {
      return absl::InternalError(
          absl::StrCat("cannot copy ", from.string(), ": ", error.message()));
    }
    error.clear();  // removed meanwhile: the open below decides
  }
  return absl::OkStatus();
}

// One attempt: freeze the log's files, open the frozen copy read-only, back
// it up, close it.
absl::Status CopyOnce(const std::string& log_dir, const std::string& frozen,
                      rocksdb::BackupEngine& engine) {
  // Under files.lock held shared no writer changes the set of files, so the
  // freeze sees one moment; a log no writer of this version has opened has
  // no lock, and the retries in the caller cover it.
  if (auto s = EventLog::WithFilesSteady(
          log_dir, [&] { return Freeze(log_dir, frozen); });
      !s.ok()) {
    return s;
  }
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  rocksdb::ConfigOptions config;
  config.ignore_unknown_options = true;
  rocksdb::Status s =
      rocksdb::LoadLatestOptions(config, frozen, &db_options, &families);
  if (!s.ok()) {
    return FromRocks(s, absl::StrCat("cannot read the options of ", log_dir));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  s = rocksdb::DB::OpenForReadOnly(db_options, frozen, families, &handles,
                                   &raw_db);
  if (!s.ok()) return FromRocks(s, absl::StrCat("cannot open ", log_dir));
  std::unique_ptr<rocksdb::DB> db(raw_db);
  rocksdb::IOStatus backup =
      engine.CreateNewBackup(db.get(), /*flush_before_backup=*/false);
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  rocksdb::Status closed = db->Close();
  if (!backup.ok()) {
    return FromRocks(backup, absl::StrCat("cannot back up ", log_dir));
  }
  return FromRocks(closed, absl::StrCat("cannot close ", log_dir));
}

BackupFiles FromInfo(const rocksdb::BackupInfo& info) {
  BackupFiles files;
  files.id = info.backup_id;
  files.timestamp = info.timestamp;
  files.bytes = info.size;
  files.files = info.number_files;
  return files;
}

}  // namespace

absl::StatusOr<BackupFiles> CopyLogFiles(const std::string& log_dir,
                                         const std::string& backup_dir) {
  std::error_code error;
  if (!fs::exists(fs::path(log_dir) / "CURRENT", error)) {
    return absl::NotFoundError(absl::StrCat(log_dir, " holds no log"));
  }
  fs::create_directories(backup_dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", backup_dir, ": ", error.message()));
  }
  if (auto s = KeepSigningKey(log_dir, backup_dir); !s.ok()) return s;
  auto engine = OpenEngine(backup_dir);
  if (!engine.ok()) return engine.status();
  const size_t tables_before = CountSharedTables(backup_dir);
  const std::string frozen =
      (fs::path(backup_dir) / absl::StrCat(".frozen-", ::getpid())).string();
  absl::Status copied;
  for (int attempt = 1; attempt <= kCopyAttempts; ++attempt) {
    copied = CopyOnce(log_dir, frozen, **engine);
    if (copied.ok()) break;
    // BackupEngine removes the files of a backup it could not finish.
    const int wait = std::min(kCopyWaitMaxMillis, 10 * attempt * attempt);
    std::this_thread::sleep_for(std::chrono::milliseconds(
        wait / 2 + static_cast<int>(std::random_device()() % (wait / 2 + 1))));
  }
  fs::remove_all(frozen, error);
  if (!copied.ok()) return copied;
  std::vector<rocksdb::BackupInfo> infos;
  (*engine)->GetBackupInfo(&infos);
  if (infos.empty()) {
    return absl::InternalError(absl::StrCat(backup_dir, ": backup not listed"));
  }
  BackupFiles files = FromInfo(infos.back());
  const size_t tables_after = CountSharedTables(backup_dir);
  files.new_tables = static_cast<uint32_t>(
      tables_after > tables_before ? tables_after - tables_before : 0);
  return files;
}

absl::StatusOr<std::vector<BackupFiles>> ListBackups(
    const std::string& backup_dir) {
  std::error_code error;
  if (!fs::is_directory(fs::path(backup_dir) / "meta", error)) {
    return absl::NotFoundError(absl::StrCat(backup_dir, " holds no backup"));
  }
  auto engine = OpenEngine(backup_dir);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupInfo> infos;
  (*engine)->GetBackupInfo(&infos);
  std::vector<rocksdb::BackupID> corrupt;
  (*engine)->GetCorruptedBackups(&corrupt);
  if (!corrupt.empty()) {
    return absl::DataLossError(
        absl::StrCat(backup_dir, ": the file list of backup ", corrupt.front(),
                     " (meta/", corrupt.front(), ") is damaged"));
  }
  if (infos.empty()) {
    return absl::NotFoundError(absl::StrCat(backup_dir, " holds no backup"));
  }
  std::vector<BackupFiles> out;
  for (const rocksdb::BackupInfo& info : infos) out.push_back(FromInfo(info));
  return out;
}

absl::Status CheckBackupFiles(const std::string& backup_dir, uint32_t id) {
  auto engine = OpenEngine(backup_dir);
  if (!engine.ok()) return engine.status();
  rocksdb::IOStatus s =
      (*engine)->VerifyBackup(id, /*verify_with_checksum=*/true);
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat(backup_dir, ": no backup ", id, " (", s.ToString(), ")"));
  }
  // A size or checksum that differs from the file list, or a missing file.
  return absl::DataLossError(
      absl::StrCat(backup_dir, ": backup ", id, " is damaged: ", s.ToString()));
}

absl::Status RestoreLogFiles(const std::string& backup_dir, uint32_t id,
                             const std::string& target_dir) {
  std::error_code error;
  if (fs::exists(target_dir, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat(target_dir, " already exists; restore into a new one"));
  }
  auto engine = OpenEngine(backup_dir);
  if (!engine.ok()) return engine.status();
  rocksdb::IOStatus s =
      (*engine)->RestoreDBFromBackup(id, target_dir, target_dir);
  if (!s.ok()) {
    return FromRocks(s, absl::StrCat("cannot restore backup ", id, " of ",
                                     backup_dir, " into ", target_dir));
  }
  auto key = ReadSmallFile((fs::path(backup_dir) / kSigningKeyFile).string());
  if (!key.ok()) return key.status();
  if (key->has_value()) {
    return WritePrivateFile((fs::path(target_dir) / kSigningKeyFile).string(),
                            **key);
  }
  return absl::OkStatus();
}

absl::Status DeleteBackup(const std::string& backup_dir, uint32_t id) {
  auto engine = OpenEngine(backup_dir);
  if (!engine.ok()) return engine.status();
  return FromRocks(
      (*engine)->DeleteBackup(id),
      absl::StrCat("cannot delete backup ", id, " in ", backup_dir));
}

}  // namespace fundlog
