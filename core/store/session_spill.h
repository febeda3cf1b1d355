// SessionSpill: an append session's staged keys in table files beside the
// log, so that a large import holds a bounded amount in memory.
//
// An AppendSession (append_session.h) stages into one WriteBatch. When that
// batch passes OpenOptions::session_spill_bytes, the session hands it to a
// SessionSpill, which writes its keys into table files (RocksDB's
// SstFileWriter) named PATH/session-*.staged and empties it:
//   - records: one file, in sequence order (each part follows the last);
//   - tree nodes: one file per level (within a level, each part's nodes
//     follow the last part's);
//   - index entries: one sorted run per spill (event ids arrive in no order).
// Finish turns them into one table per family, merging the runs, and adds
// the small meta entries, ready for one atomic IngestExternalFiles: the
// records, the tree, the index and the new size become visible together,
// or (on an error or a crash) none of them. No reader looks at a .staged
// file; a writer's open removes any that a crash left behind.
//
// Private to core/store. Thread-compatible.
#ifndef FUNDLOG_CORE_STORE_SESSION_SPILL_H_
#define FUNDLOG_CORE_STORE_SESSION_SPILL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/store/event_log.h"
#include "rocksdb/db.h"

namespace rocksdb {
class SstFileReader;
class SstFileWriter;
class WriteBatch;
}  // namespace rocksdb

namespace fundlog {

// What a session's spilled keys are committed with.
struct SpillCommit {
  // The families' files, the meta family's last (readers in this process
  // publish the new size only after the call returns; see event_log.h).
  std::vector<rocksdb::IngestExternalFileArg> args;
};

class SessionSpill {
 public:
  // Files are named `prefix`-N.staged; `families` of `db`.
  SessionSpill(std::string prefix, rocksdb::DB& db,
               const EventLog::Families& families);
  // Removes every file it wrote that RocksDB did not take.
  ~SessionSpill();
  SessionSpill(const SessionSpill&) = delete;
  SessionSpill& operator=(const SessionSpill&) = delete;

  // Writes every Put of `batch` (records, tree and index families only) to
  // the files and clears `batch`.
  absl::Status Spill(rocksdb::WriteBatch& batch);

  // Spills what is left in `batch`, adds `index_extra` (any order) and
  // `meta` (any order) and closes every file. Call once.
  absl::StatusOr<SpillCommit> Finish(
      rocksdb::WriteBatch& batch,
      std::vector<std::pair<std::string, std::string>> index_extra,
      std::vector<std::pair<std::string, std::string>> meta);

  // Whether the index entries spilled so far hold `key` (a seek in each
  // sorted run).
  absl::StatusOr<bool> HasIndexKey(absl::string_view key);

  // Leaves every file written so far in place when destroyed (after a
  // failed ingestion, whose outcome is unknown until the log is reopened).
  void KeepFiles() { written_.clear(); }

  // How many times Spill ran (Finish's own spill included).
  int spills() const { return spills_; }

 private:
  class Router;

  std::string NewFileName();
  absl::StatusOr<std::unique_ptr<rocksdb::SstFileWriter>> NewWriter(
      rocksdb::ColumnFamilyHandle* family, bool compressed, std::string* name);
  // Writes sorted `entries` (equal keys: the last one wins) as one file.
  absl::StatusOr<std::string> WriteRun(
      rocksdb::ColumnFamilyHandle* family,
      std::vector<std::pair<std::string_view, std::string_view>>& entries);
  // Merges sorted files of `family` (equal keys: the later file wins) into
  // one compressed file.
  absl::StatusOr<std::string> Merge(rocksdb::ColumnFamilyHandle* family,
                                    const std::vector<std::string>& files);

  const std::string prefix_;
  rocksdb::DB& db_;
  const EventLog::Families& families_;
  int next_file_ = 0;
  int spills_ = 0;
  bool finished_ = false;
  std::vector<std::string> written_;  // every file, removed at the end
  std::unique_ptr<rocksdb::SstFileWriter> records_;
  std::string records_name_;
  bool records_empty_ = true;
  std::map<int, std::pair<std::unique_ptr<rocksdb::SstFileWriter>, std::string>>
      tree_levels_;
  std::vector<std::string> index_runs_;
  // Readers of index_runs_, opened by HasIndexKey as needed.
  std::vector<std::unique_ptr<rocksdb::SstFileReader>> run_readers_;
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_SESSION_SPILL_H_
