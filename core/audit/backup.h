// `fundlog backup` and `fundlog restore`: a backup that proves itself
// restorable and carries a signed checkpoint of what it holds, and a restore
// that checks the restored log against that checkpoint before it appears.
// The files themselves are core/store/backup.h's business.
//
// Thread-compatible: free functions over directories.
#ifndef FUNDLOG_CORE_AUDIT_BACKUP_H_
#define FUNDLOG_CORE_AUDIT_BACKUP_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "core/merkle/checkpoint.h"
#include "core/store/backup.h"

namespace fundlog {

// BACKUP_DIR/checkpoint-ID: the signed checkpoint of backup ID.
std::string BackupCheckpointPath(const std::string& backup_dir, uint32_t id);

struct BackupReport {
  BackupFiles files;
  uint64_t size = 0;       // records in the backup
  std::string checkpoint;  // the signed note, as stored beside it
  std::string checkpoint_path;
};

// Backs up the log at `log_dir` into `backup_dir` (CopyLogFiles: beside a
// writer, incremental), then restores the new backup into a scratch
// directory inside `backup_dir`, verifies it (VerifyLog: no finding), signs
// a checkpoint of its whole tree with the log's signing key, and stores it
// as BackupCheckpointPath. So the checkpoint is of exactly the state copied.
// A backup whose copy does not verify is deleted and taken again (a few
// times). The live log is only read. kNotFound when `log_dir` holds no log
// or no signing key; kDataLoss when no copy verifies (the message says what
// verify found); other codes as CopyLogFiles.
absl::StatusOr<BackupReport> BackupLog(const std::string& log_dir,
                                       const std::string& backup_dir);

struct RestoreReport {
  uint32_t id = 0;
  uint64_t size = 0;
  merkle::Hash root{};
};

// Restores the latest backup in `backup_dir` into `target_dir`, which must
// not exist (kAlreadyExists: nothing is written). Checks, before the log
// appears at `target_dir`: every file against the backup's checksums; the
// signing key against the verifier key in the restored log; the backup's
// signed checkpoint with `key` (default: the restored log's own verifier
// key); that the restored log's size and root equal the checkpoint's; and
// that VerifyLog finds nothing. kDataLoss saying which check failed (the
// scratch copy is removed); kNotFound when `backup_dir` holds no backup.
absl::StatusOr<RestoreReport> RestoreLog(
    const std::string& backup_dir, const std::string& target_dir,
    const std::optional<merkle::VerifierKey>& key);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_BACKUP_H_
