// AppendSession: an append of many parts that commits as one.
//
// An import of a large file arrives in parts (one batch of vouchers at a
// time) but must be all or nothing: AppendSession validates and encodes each
// part as it comes and keeps the encoded records, index entries and tree
// nodes in one RocksDB WriteBatch. A small import stays there: Commit writes
// that batch, the file's "already imported" mark and the new size in one
// synced write. Once the batch passes OpenOptions::session_spill_bytes, it is
// written out to table files beside the log (session_spill.h) and emptied,
// as often as it fills again; Commit then makes those files, the marks and
// the new size part of the log in one atomic ingestion. Either way, until
// Commit no reader, and no crash, can see any of it, and memory holds at
// most one batch of encoded parts (docs/ingest.md has the figures), not the
// whole import.
//
// Thread-compatible: one thread drives a session. The log may be read, and
// other appends may run, while a session is open; Commit then refuses.
#ifndef FUNDLOG_CORE_STORE_APPEND_SESSION_H_
#define FUNDLOG_CORE_STORE_APPEND_SESSION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/merkle/merkle.h"
#include "core/store/event_log.h"
#include "core/store/staged_facts.h"

namespace rocksdb {
class WriteBatch;
}  // namespace rocksdb

namespace fundlog {

class SessionSpill;

// The encoded size the session's batch in memory may reach (records, index
// entries and tree nodes not yet spilled): RocksDB's WriteBatch holds at
// most 4 GiB. Reached only when OpenOptions::session_spill_bytes is above
// it; by default the batch spills at 32 MiB and an import's size is
// bounded by the disk.
inline constexpr size_t kAppendSessionBytesMax = size_t{2} << 30;

class AppendSession {
 public:
  ~AppendSession();
  AppendSession(const AppendSession&) = delete;
  AppendSession& operator=(const AppendSession&) = delete;

  // Validates `part` against the log plus every part staged before it, and
  // stages it: sequence numbers follow on, and each record's provenance names
  // `origin` with its index counted from the first event of that file in
  // this session (parts of one file continue its numbering). Returns:
  //   kInvalidArgument   an event failed validation (message as
  //                      ValidateBatch's, "event N" counted from the first
  //                      event of `origin` in this session), the
  //                      part is empty or over a batch bound, or the batch
  //                      in memory grew past kAppendSessionBytesMax;
  //   kFailedPrecondition the session failed before or was committed;
  //   storage errors from the log's index, or from writing the spilled
  //   files, unchanged.
  // Any error spoils the session: it stages and commits nothing more.
  absl::Status Add(const v1::EventBatch& part, const BatchOrigin& origin);

  // Writes everything staged, each file's imported mark (the SHA-256 of its
  // origin, pointing at its first record) and the new size, in one synced
  // WriteBatch (or, once spilled, one atomic ingestion of the staged files),
  // or writes nothing. Returns:
  //   kAlreadyExists     a file of the session is already marked imported;
  //   kAborted           the log's size changed since BeginAppend;
  //   kInvalidArgument   nothing was staged;
  //   kFailedPrecondition the session is spoiled or committed, or the writer
  //                      is poisoned;
  //   kDataLoss          a record already exists where the first would go;
  //   kInternal          the write or the ingestion failed (the writer is
  //                      now poisoned), or, spilled, finishing the staged
  //                      files failed (not poisoned: nothing was written);
  //   storage conditions (full disk, ...) keep their code (rocks_status.h).
  absl::StatusOr<AppendResult> Commit();

  // Events staged so far.
  uint64_t staged_events() const { return staged_; }
  // Bytes of the staged WriteBatch (what is in memory now).
  size_t staged_bytes() const;
  // How many times the batch was written out to files (0: Commit writes
  // one WriteBatch).
  int spills() const;

 private:
  friend class EventLog;
  AppendSession(EventLog& log, uint64_t first_seq, int64_t first_appended_at);

  absl::Status Stage(const v1::EventBatch& part, const BatchOrigin& origin);
  // Whether a part staged before holds the named index key `key`.
  absl::StatusOr<bool> StagedHas(absl::string_view key) const;
  absl::Status StageTreeNodes(const std::vector<merkle::Hash>& leaves);

  EventLog& log_;
  const uint64_t first_seq_;
  const int64_t first_appended_at_;
  uint64_t staged_ = 0;
  std::unique_ptr<rocksdb::WriteBatch> write_;
  // Where the batch went once it passed the spill bound; null until then.
  std::unique_ptr<SessionSpill> spill_;
  // Named index keys (event ids, funds, policies, accounts) staged so far:
  // validation of a later part asks for them as if they were in the log
  // (StagedHas). Every name but the event ids (a few hundred funds and
  // accounts):
  StagedNames staged_names_;
  // The event ids not yet spilled, and a 64-bit hash of every staged event
  // id: about 10 bytes per record where a set of the ids took 40. A hash
  // that matches no unspilled id is looked up in the spilled runs: a
  // duplicate id, or a collision (about n^2 / 2^65 in a session of n).
  StagedNames staged_ids_;
  absl::flat_hash_set<uint64_t> id_hashes_;
  // The recorded_on day of each staged record, in seq order, so that a
  // correction in a later part can be checked against an earlier one.
  StagedDays staged_recorded_on_;
  // Roots of the complete subtrees that decompose the staged tree: all that
  // the next part's new nodes can need from the parts before it.
  absl::flat_hash_map<std::pair<int, uint64_t>, merkle::Hash> frontier_;
  // Per origin (name and SHA-256): the next index_in_file.
  absl::flat_hash_map<std::string, uint32_t> next_index_;
  // Files to mark imported: SHA-256 and the sequence number of their first
  // record.
  std::vector<std::pair<std::string, uint64_t>> files_;
  absl::Status spoiled_;
  bool committed_ = false;
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_APPEND_SESSION_H_
