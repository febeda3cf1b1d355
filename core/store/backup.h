// Backups of a log directory with RocksDB's BackupEngine: the files of the
// database (tables, the MANIFEST, the write-ahead log) and the log's
// signing key. Knows files, not records: core/audit/backup.h checks what a
// backup holds and signs it.
//
// A backup directory holds any number of backups of one log; table files
// unchanged since an earlier backup are shared, not copied again, so a
// repeated backup into the same directory copies only what is new. Layout
// (RocksDB's): meta/ID (the file list with sizes and CRC32C checksums),
// private/ID/ (MANIFEST, WAL, OPTIONS), shared_checksum/ (tables), plus our
// signing.key (mode 0600).
//
// Thread-compatible: free functions; one process backs up into a directory
// at a time (RocksDB's BackupEngine takes no lock on it).
#ifndef FUNDLOG_CORE_STORE_BACKUP_H_
#define FUNDLOG_CORE_STORE_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fundlog {

struct BackupFiles {
  uint32_t id = 0;
  int64_t timestamp = 0;    // seconds since the Unix epoch
  uint64_t bytes = 0;       // all files of this backup, shared ones included
  uint32_t files = 0;       // all files of this backup
  uint32_t new_tables = 0;  // table files this backup copied (not shared)
};

// Copies the log at `log_dir` into `backup_dir` (created when missing) as a
// new backup, with the log's signing key. Never opens the log itself, so it
// works beside a writer in another process: it first freezes the log's files
// as they are at one moment into a scratch directory in `backup_dir` (tables
// by hard link, the MANIFEST and write-ahead logs by copy; milliseconds),
// opens that read-only (RocksDB's recovery reads the write-ahead log up to
// its last whole write) and backs it up. When a writer changed the set of
// files during the freeze, the frozen copy does not open and it tries again,
// up to 30 times over about 10 seconds. kNotFound when `log_dir` holds no
// log; kFailedPrecondition when `backup_dir` holds backups of a log with
// another signing key; kInternal on storage errors.
absl::StatusOr<BackupFiles> CopyLogFiles(const std::string& log_dir,
                                         const std::string& backup_dir);

// The backups in `backup_dir`, oldest first. kNotFound when there are none.
absl::StatusOr<std::vector<BackupFiles>> ListBackups(
    const std::string& backup_dir);

// Checks that every file of backup `id` has the size and CRC32C checksum
// recorded when it was taken. kDataLoss naming what differs; kNotFound when
// there is no such backup.
absl::Status CheckBackupFiles(const std::string& backup_dir, uint32_t id);

// Restores the files of backup `id` (and the signing key) into `target_dir`,
// which must not exist (kAlreadyExists otherwise). Does not check them: call
// CheckBackupFiles first. kInternal on storage errors.
absl::Status RestoreLogFiles(const std::string& backup_dir, uint32_t id,
                             const std::string& target_dir);

// Deletes backup `id` (its private files and tables no other backup shares).
absl::Status DeleteBackup(const std::string& backup_dir, uint32_t id);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_BACKUP_H_
