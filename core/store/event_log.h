// EventLog: the append-only fund log on RocksDB. One directory is one log.
//
// Thread safety: an EventLog may be shared between threads. Appends are
// serialised by an internal mutex (a single writer); reads never take it, and
// may run concurrently with each other and with an append. A read that needs
// several steps to agree (a size and the records under it) takes a LogView.
// One process may open a directory for writing at a time (RocksDB's LOCK file
// enforces it); any number of processes may read it beside that writer, each
// seeing a consistent prefix of the log (docs/format.md, "Readers and
// durability").
//
// The on-disk layout is written down in key_format.h and docs/format.md.
#ifndef FUNDLOG_CORE_STORE_EVENT_LOG_H_
#define FUNDLOG_CORE_STORE_EVENT_LOG_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "fundlog/v1/events.pb.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
class Snapshot;
class WriteBatch;
struct ReadOptions;
}  // namespace rocksdb

namespace fundlog {

class AppendSession;
class RecordRules;

// The log's private signing key, in the log directory (mode 0600).
inline constexpr char kSigningKeyFile[] = "signing.key";

// The schema version this build writes. Opening a log written by a newer
// schema fails with kFailedPrecondition.
inline constexpr uint32_t kSchemaVersion = 1;

struct CreateOptions {
  std::string path;  // the log directory; must not hold a log yet
  std::string
      origin;  // the checkpoint origin line, e.g. "trelleborg.se/fundlog"
  std::string org_name;         // optional
  std::string org_number;       // optional, e.g. "212000-1199"
  std::string verifier_key;     // the checkpoint verifier key in note form
  rocksdb::Env* env = nullptr;  // tests inject faults; null: the default
  // When set, written to PATH/signing.key (mode 0600) before the log
  // becomes visible, so a log never exists without its key.
  std::string signing_key_text;
  // The rules the opened log appends by (record_rules.h); see OpenOptions.
  const RecordRules* rules = nullptr;
  // See OpenOptions::session_spill_bytes.
  size_t session_spill_bytes = size_t{32} << 20;
};

struct OpenOptions {
  std::string path;
  bool read_only = false;       // no writes; several readers may coexist
  rocksdb::Env* env = nullptr;  // tests inject faults; null: the default
  // Tests only: false acknowledges appends before they are synced, so that
  // the power-loss test can show it would notice lost appends. Never false
  // in fundlog itself.
  bool sync_writes = true;
  // What the events mean to the layer above (record_rules.h): validation
  // before an append and the index entries of each record. Required to
  // append or to rebuild the index (kFailedPrecondition without); a reader
  // needs none. Not owned; must outlive the log.
  const RecordRules* rules = nullptr;
  // An append session (append_session.h) keeps up to this many encoded
  // bytes in memory; past it, it writes them to table files beside the log
  // and commits by ingesting those. Tests lower it to take that path with
  // small imports.
  size_t session_spill_bytes = size_t{32} << 20;
};

// Where a batch came from; stored in each record's Provenance.
struct BatchOrigin {
  std::string file_name;    // base name shown in the audit trail
  std::string file_sha256;  // hex SHA-256 of the file's bytes; may be empty
};

// A run of consecutive events of a batch that came from one file.
struct BatchPart {
  BatchOrigin origin;
  int event_count = 0;
};

struct AppendResult {
  uint64_t first_seq = 0;  // sequence number of the batch's first event
  uint64_t new_size = 0;   // the log's size after the append
};

// Meta facts about the log (the `meta` family).
struct LogInfo {
  std::string origin;
  std::string org_name;
  std::string org_number;
  std::string verifier_key;
  uint32_t schema_version = 0;
  uint64_t size = 0;
};

// Reads one level of the `tree` family in index order. Thread-compatible;
// must not outlive the EventLog (or LogView) that made it.
class TreeLevelCursor {
 public:
  virtual ~TreeLevelCursor() = default;
  // The stored value of node (level, index), for indexes asked in strictly
  // increasing order; nullopt when absent. Reads sequentially, so verifying
  // a whole tree costs a scan rather than one lookup per node.
  virtual absl::StatusOr<std::optional<std::string>> Get(uint64_t index) = 0;
};

class EventLog;

// The log as it was at one moment: its size, read from `meta`, and every
// family as they stood then, so that a reader that takes several steps
// (verify: the size, then a scan of every record, then the tree) sees one
// consistent prefix while a writer appends. Holds a RocksDB snapshot.
// Thread-compatible; must not outlive the EventLog that made it. The methods
// are EventLog's, answered as of the view's moment.
// Visits one entry of the `index` family: (key, value).
using IndexVisitor =
    std::function<absl::Status(absl::string_view, absl::string_view)>;

class LogView {
 public:
  ~LogView();
  LogView(LogView&& other) noexcept;
  LogView(const LogView&) = delete;
  LogView& operator=(const LogView&) = delete;
  LogView& operator=(LogView&&) = delete;

  uint64_t Size() const { return size_; }
  using RawVisitor = std::function<absl::Status(uint64_t, absl::string_view)>;
  using RecordVisitor = std::function<absl::Status(const v1::StoredRecord&)>;
  absl::StatusOr<std::string> ReadRaw(uint64_t seq) const;
  absl::StatusOr<v1::StoredRecord> Read(uint64_t seq) const;
  absl::Status ScanRaw(uint64_t from, uint64_t to,
                       const RawVisitor& visit) const;
  absl::Status ScanStored(const RawVisitor& visit) const;
  absl::Status Scan(uint64_t from, uint64_t to,
                    const RecordVisitor& visit) const;
  absl::Status ScanByEffective(absl::string_view fund_id, absl::CivilDay from,
                               absl::CivilDay to,
                               const RecordVisitor& visit) const;
  absl::Status ScanOverlapping(absl::string_view fund_id,
                               std::optional<absl::CivilDay> from,
                               absl::CivilDay to,
                               const RecordVisitor& visit) const;
  std::unique_ptr<TreeLevelCursor> NewTreeLevelCursor(int level) const;
  absl::StatusOr<std::optional<std::string>> GetIndexEntry(
      absl::string_view key) const;
  absl::StatusOr<std::optional<std::string>> GetTreeNode(
      absl::string_view key) const;
  // As EventLog::ScanIndex, within this view.
  absl::Status ScanIndex(const IndexVisitor& visit) const;

 private:
  friend class EventLog;
  LogView(const EventLog* log, const rocksdb::Snapshot* snapshot);
  rocksdb::ReadOptions Options() const;

  const EventLog* log_;
  const rocksdb::Snapshot* snapshot_;  // released by the destructor
  uint64_t size_ = 0;
};

class EventLog {
 public:
  // Creates a new log directory, atomically: it is built beside `path` and
  // renamed into place when complete. kAlreadyExists when `path` already
  // holds a log; kFailedPrecondition when `path` is a non-empty directory;
  // kInvalidArgument for an empty origin; kInternal on storage errors.
  static absl::StatusOr<std::unique_ptr<EventLog>> Create(
      const CreateOptions& options);

  // Opens an existing log. kNotFound when `path` holds no log (or is not a
  // directory); kPermissionDenied when the user may not read it;
  // kUnavailable when another process holds it open for writing (RocksDB's
  // LOCK); kFailedPrecondition when it was written by a newer schema or its
  // meta is unreadable; kInternal on storage errors.
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(
      const OpenOptions& options);

  // Runs `visit` while holding PATH/files.lock shared, so that no writer
  // process changes the set of files that make up the log meanwhile (see
  // files_lock.h); for copying a live log's files. Waits while a writer
  // opens or deletes files. Returns what `visit` returns; kInternal when
  // the lock cannot be taken.
  static absl::Status WithFilesSteady(
      const std::string& path, const std::function<absl::Status()>& visit);

  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // The number of records, which is also the next sequence number. Never
  // blocks: the size is published after each synced commit, so every record
  // below it is readable.
  uint64_t Size() const;
  LogInfo Info() const;

  // A consistent view of the log as it is now (see LogView). On a view
  // opened read-only its size is the log's; beside an append in this process
  // it is the size before or after that append, never between. kDataLoss
  // when the size in `meta` is unreadable.
  absl::StatusOr<LogView> NewView() const;
  const std::string& path() const { return path_; }

  // Validates every event of `batch` against the log and each other, then
  // writes them all with consecutive sequence numbers in one synced
  // WriteBatch, or writes nothing. Returns:
  //   kInvalidArgument   an event failed validation (message names its index
  //                      in the batch and the field), or the batch is empty
  //                      or over a bound;
  //   kAborted           `expected_size` is set and differs from Size();
  //   kFailedPrecondition the writer is poisoned by an earlier failed write,
  //                      or the log was opened read-only;
  //   kDataLoss          a record already exists where the next one would go;
  //   kInternal          the write failed (the writer is now poisoned).
  absl::StatusOr<AppendResult> Append(const v1::EventBatch& batch,
                                      std::optional<uint64_t> expected_size,
                                      const BatchOrigin& origin = {});

  // As Append, for a batch joined from several files: `parts` says which
  // file each run of events came from (their counts must sum to the batch
  // size, else kInvalidArgument).
  absl::StatusOr<AppendResult> AppendParts(
      const v1::EventBatch& batch, std::optional<uint64_t> expected_size,
      const std::vector<BatchPart>& parts);

  // Starts an append of many parts that commits as one (an import of a file
  // too large for one batch): see append_session.h. Nothing is written until
  // the session's Commit. kAborted when `expected_size` is set and differs
  // from Size(); kFailedPrecondition when read-only or poisoned. The session
  // must not outlive this log.
  absl::StatusOr<std::unique_ptr<AppendSession>> BeginAppend(
      std::optional<uint64_t> expected_size);

  // The exact stored bytes of record `seq` (the Merkle leaf data).
  // kNotFound when seq >= Size(); kDataLoss when the record is missing.
  absl::StatusOr<std::string> ReadRaw(uint64_t seq) const;

  // Record `seq` parsed. As ReadRaw, plus kDataLoss when unparsable.
  absl::StatusOr<v1::StoredRecord> Read(uint64_t seq) const;

  // Calls `visit(seq, stored_bytes)` for each record with from <= seq < to,
  // in order; stops early with the status `visit` returns if not OK.
  // kDataLoss when a sequence number in the range is missing.
  using RawVisitor = std::function<absl::Status(uint64_t, absl::string_view)>;
  absl::Status ScanRaw(uint64_t from, uint64_t to,
                       const RawVisitor& visit) const;

  // Calls `visit(seq, stored_bytes)` for every key in the `events` family,
  // in key order, whatever the log's size says and whatever gaps there are:
  // for verification, which must see damage rather than stop at it.
  // kDataLoss when a key is not 8 bytes.
  absl::Status ScanStored(const RawVisitor& visit) const;

  // Parsed form of ScanRaw.
  using RecordVisitor = std::function<absl::Status(const v1::StoredRecord&)>;
  absl::Status Scan(uint64_t from, uint64_t to,
                    const RecordVisitor& visit) const;

  // Records of `fund_id` (every fund when empty) whose effective start day
  // lies in [from, to], in (start day, seq) order, through the `index`
  // family. kDataLoss when an index entry names a missing record.
  absl::Status ScanByEffective(absl::string_view fund_id, absl::CivilDay from,
                               absl::CivilDay to,
                               const RecordVisitor& visit) const;

  // Records of `fund_id` (every fund when empty) whose effective time
  // overlaps [from, to] (an open period never ends; no `from`: from the
  // first day), in (start day, seq) order: the records ScanByEffective
  // gives from the first day to `to`, less those that end before `from`.
  // Through the periods by length class when the index holds them
  // (docs/indexes.md), at a cost that follows the records given; on a log
  // whose index predates them, by ScanByEffective from the first day (the
  // visitor then also sees records that end before `from`: callers filter).
  // kDataLoss when an index entry names a missing record.
  absl::Status ScanOverlapping(absl::string_view fund_id,
                               std::optional<absl::CivilDay> from,
                               absl::CivilDay to,
                               const RecordVisitor& visit) const;

  // The sequence number of the event with `event_id`, if any.
  absl::StatusOr<std::optional<uint64_t>> FindEventId(
      absl::string_view event_id) const;

  // The first record imported from a file with this SHA-256, if any.
  absl::StatusOr<std::optional<uint64_t>> FindImportedFile(
      absl::string_view file_sha256) const;

  // Calls `visit(name, seq)` for every name of `kind` the index holds, in
  // name order: the funds established ('U', keys::kIndexFund), the policies
  // ('P') or the accounts defined ('A'), each with the record that last
  // defined it; a seek and the entries of that kind, not a scan of the
  // records. Stops early with the status `visit` returns if not OK.
  // kInvalidArgument for another kind; kDataLoss for an entry whose value is
  // not a seq.
  absl::Status ScanNamed(
      char kind,
      const std::function<absl::Status(absl::string_view, uint64_t)>& visit)
      const;

  // Throws the `index` family away and derives it again from the records
  // (the index is derived data: every entry follows from a record). Returns
  // the number of entries written. kFailedPrecondition when read-only or
  // poisoned; kDataLoss when a record is missing or unreadable (the index is
  // then left empty of nothing: it is rebuilt only from a whole log).
  // `also`, when set, is called with every record as parsed, in seq order
  // (so a caller derives its own data in the same pass); its error stops
  // the rebuild before anything is written. The new index replaces the old
  // in one step (an ingested SST file, docs/indexes.md).
  absl::StatusOr<uint64_t> RebuildIndex(const RecordVisitor& also = nullptr);

  // Rewrites every table file of every family in the layout this build
  // writes (a full compaction; docs/format.md, "Reader memory"): the bytes
  // of every key stay as they are. Returns the number of table files before
  // and after. kFailedPrecondition when read-only or poisoned; kInternal
  // (or the storage error) when RocksDB fails, with the log as it was.
  struct TablesRewritten {
    uint64_t before = 0;
    uint64_t after = 0;
  };
  absl::StatusOr<TablesRewritten> RewriteTables();

  // Derived data (snapshots, projections): rebuildable, never trusted over
  // the log. Written without touching `events`.
  absl::StatusOr<std::optional<std::string>> GetDerived(
      absl::string_view key) const;
  absl::Status PutDerived(absl::string_view key, absl::string_view value);
  absl::Status ClearDerived();
  // Deletes every derived key that starts with `prefix` (when not empty)
  // and writes `entries`, in one write. The derived value written last is
  // the one a reader checks the others against (derived data is not
  // written atomically with the log, so each layer binds its own).
  absl::Status ReplaceDerived(
      absl::string_view prefix,
      const std::vector<std::pair<std::string, std::string>>& entries);
  // Visits the derived keys that start with `prefix`, in key order.
  absl::Status ScanDerived(absl::string_view prefix,
                           const IndexVisitor& visit) const;

  // Records that a checkpoint of `size` with `root` was signed, so the log
  // never signs two checkpoints of one size with different roots. OK when
  // already recorded with the same root; kFailedPrecondition when recorded
  // with another (a split view: never sign it).
  absl::Status RememberSignedRoot(uint64_t size, absl::string_view root);

  // The largest size <= Size() whose signed root RememberSignedRoot
  // recorded, with that root (32 bytes); nullopt when none. For a reader
  // that republishes a checkpoint the log already signed (serve). kDataLoss
  // when a stored entry is malformed.
  struct SignedRoot {
    uint64_t size = 0;
    std::string root;
  };
  absl::StatusOr<std::optional<SignedRoot>> LatestSignedRoot() const;

  // A cursor over level `level` of the `tree` family.
  std::unique_ptr<TreeLevelCursor> NewTreeLevelCursor(int level) const;

  // A raw entry of the `index` family (key grammar in key_format.h).
  absl::StatusOr<std::optional<std::string>> GetIndexEntry(
      absl::string_view key) const;

  // Calls `visit(key, value)` for every entry of the `index` family in key
  // order, with one consistent view of it; stops early with the status
  // `visit` returns if not OK. kDataLoss when RocksDB finds the family's
  // files damaged (a checksum mismatch). For verification, which compares
  // the whole stored index with the records.
  absl::Status ScanIndex(const IndexVisitor& visit) const;

  // The `tree` family, for the Merkle layer: the stored hash of a complete
  // subtree, or nullopt when absent.
  absl::StatusOr<std::optional<std::string>> GetTreeNode(
      absl::string_view key) const;

 private:
  friend class AppendSession;
  friend class SessionSpill;
  friend class LogView;
  struct Families;
  class FilesLock;
  EventLog(std::string path, std::unique_ptr<rocksdb::DB> db,
           std::unique_ptr<Families> families, bool read_only);

  // OK when the log was opened with RecordRules; else kFailedPrecondition.
  absl::Status RulesGiven() const;
  static absl::StatusOr<std::unique_ptr<EventLog>> OpenLocked(
      const OpenOptions& options);
  absl::Status LoadMeta();
  absl::Status CheckRecordsMatchSize() const;
  void PurgeObsoleteFilesIfFree();
  // Reads shared by EventLog and LogView: `options` carries the snapshot (or
  // none), `size` the log size that goes with it.
  absl::StatusOr<std::string> ReadRawAt(const rocksdb::ReadOptions& options,
                                        uint64_t size, uint64_t seq) const;
  absl::Status ScanRawAt(const rocksdb::ReadOptions& options, uint64_t size,
                         uint64_t from, uint64_t to,
                         const RawVisitor& visit) const;
  absl::Status ScanStoredAt(const rocksdb::ReadOptions& options,
                            const RawVisitor& visit) const;
  absl::Status ScanByEffectiveAt(const rocksdb::ReadOptions& options,
                                 uint64_t size, absl::string_view fund_id,
                                 absl::CivilDay from, absl::CivilDay to,
                                 const RecordVisitor& visit) const;
  // Visits the records `seqs` names, in that order, read through one
  // MultiGet in seq order. kDataLoss (naming the index) for a record that is
  // missing, beyond `size` or unparsable.
  absl::Status VisitIndexedAt(const rocksdb::ReadOptions& options,
                              uint64_t size, const std::vector<uint64_t>& seqs,
                              const RecordVisitor& visit) const;
  absl::Status ScanOverlappingAt(const rocksdb::ReadOptions& options,
                                 uint64_t size, absl::string_view fund_id,
                                 std::optional<absl::CivilDay> from,
                                 absl::CivilDay to,
                                 const RecordVisitor& visit) const;
  std::unique_ptr<TreeLevelCursor> NewTreeLevelCursorAt(
      const rocksdb::ReadOptions& options, int level) const;
  // Adds the new size and last append time to `write`, writes it synced,
  // and publishes the size; on a failed write poisons the writer. Shared by
  // Append and the append session, so both commit the same way.
  absl::Status CommitWrite(rocksdb::WriteBatch& write, uint64_t new_size,
                           int64_t last_appended)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status ScanIndexAt(const rocksdb::ReadOptions& options,
                           const IndexVisitor& visit) const;
  static absl::Status CreateIn(const std::string& dir,
                               const CreateOptions& options);
  absl::StatusOr<std::optional<uint64_t>> FindNamed(
      char kind, absl::string_view name) const;
  absl::StatusOr<std::optional<std::string>> Get(
      rocksdb::ColumnFamilyHandle*, absl::string_view key,
      const rocksdb::Snapshot* snapshot = nullptr) const;
  absl::Status CommitBatch(const v1::EventBatch& batch,
                           const std::vector<BatchPart>& parts,
                           uint64_t first_seq)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The session's staged write, checked and made durable in one synced
  // WriteBatch (append_session.cc).
  absl::StatusOr<AppendResult> CommitSession(AppendSession& session);
  // A spilled session's files, the marks and the new size, ingested in one
  // atomic step (append_session.cc).
  absl::StatusOr<AppendResult> CommitSpilled(AppendSession& session);
  // Whether `session` may still commit: the writer is not poisoned and the
  // log has not grown since BeginAppend.
  absl::Status WritableFor(const AppendSession& session) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The imported-file marks of `session`, after checking that no record
  // exists at its first sequence number and that none of its files is
  // imported yet.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SessionMarks(
      const AppendSession& session) const;

  const std::string path_;
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<Families> families_;
  const bool read_only_;
  bool sync_writes_ = true;
  const RecordRules* rules_ = nullptr;  // OpenOptions::rules
  size_t session_spill_bytes_ = 0;      // OpenOptions::session_spill_bytes
  // A writer's hold on PATH/files.lock (see OpenLocked); null for readers.
  std::unique_ptr<FilesLock> files_lock_;
  // Set by RocksDB's background threads when a flush or compaction leaves
  // obsolete files behind, for PurgeObsoleteFilesIfFree.
  std::shared_ptr<std::atomic<bool>> files_changed_;

  // Fixed once opened (the size is not used: see size_).
  LogInfo info_;
  // The log's size, published (release) after each synced commit.
  std::atomic<uint64_t> size_{0};

  mutable absl::Mutex write_mu_;
  int64_t last_appended_micros_ ABSL_GUARDED_BY(write_mu_) = 0;
  // Set by the first failed write: the log's state on disk is then unknown,
  // and it must take no more writes until reopened (and recovered by
  // RocksDB's own WAL replay). Mirrors leveldb's RecordBackgroundError.
  absl::Status poisoned_ ABSL_GUARDED_BY(write_mu_);
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_EVENT_LOG_H_
