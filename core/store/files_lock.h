// PATH/files.lock: how readers in other processes open a log beside its
// writer without seeing files vanish under them. Private to core/store.
//
// A writer changes the set of files that make up the log only while it holds
// the lock exclusively: while RocksDB opens (which replays the WAL into new
// table files, deletes the old WAL and starts a new MANIFEST) and while
// obsolete files are deleted (file deletions are otherwise disabled for the
// writer's whole life). A reader holds it shared while it opens, which reads
// the MANIFEST and WALs and, with max_open_files = -1, opens every table
// file; once open it needs no file by name again. So a reader either sees
// the files of one moment or waits a moment. flock(2) locks die with their
// process, so a killed writer or reader leaves nothing to clean.
#ifndef FUNDLOG_CORE_STORE_FILES_LOCK_H_
#define FUNDLOG_CORE_STORE_FILES_LOCK_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/store/event_log.h"

namespace fundlog {

inline constexpr char kFilesLockFile[] = "files.lock";

// One open descriptor of PATH/files.lock. Thread-compatible.
class EventLog::FilesLock {
 public:
  // Opens DIR/files.lock, creating it when `create` (a writer). A reader
  // that may not create it (a log written before the lock existed, in a
  // directory it may not write) gets a FilesLock that locks nothing: no
  // writer of this version has opened that log since. kInternal on other
  // errors.
  static absl::StatusOr<std::unique_ptr<FilesLock>> Open(const std::string& dir,
                                                         bool create);
  ~FilesLock();  // closes the descriptor, which releases any lock
  FilesLock(const FilesLock&) = delete;
  FilesLock& operator=(const FilesLock&) = delete;

  // Waits for the lock, shared or exclusive. kInternal when flock fails.
  absl::Status Lock(bool exclusive);
  // Takes the exclusive lock only if no one holds it; true when taken.
  bool TryLockExclusive();
  void Unlock();

 private:
  explicit FilesLock(int fd) : fd_(fd) {}
  int fd_;  // -1: locks nothing
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_FILES_LOCK_H_
