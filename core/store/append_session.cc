// The append session (append_session.h) and the EventLog methods that open
// and commit one.
#include "core/store/append_session.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "absl/functional/function_ref.h"
#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "core/store/record_entries.h"
#include "core/store/record_rules.h"
#include "core/store/rocks_status.h"
#include "core/store/session_spill.h"
#include "core/store/tree_writer.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace fundlog {
namespace {

// Answers validation's questions from the staged parts, then the log.
class SessionContext : public ValidationContext {
 public:
  SessionContext(
      const EventLog& log,
      absl::FunctionRef<absl::StatusOr<bool>(absl::string_view)> staged,
      const StagedDays& staged_recorded_on, uint64_t size)
      : log_(log),
        staged_(staged),
        staged_recorded_on_(staged_recorded_on),
        size_(size) {}
  uint64_t Size() const override { return size_; }
  absl::StatusOr<bool> HasEventId(absl::string_view id) const override {
    return Has(keys::kIndexEventId, id);
  }
  absl::StatusOr<bool> HasFund(absl::string_view fund_id) const override {
    return Has(keys::kIndexFund, fund_id);
  }
  absl::StatusOr<bool> HasPolicy(absl::string_view policy_id) const override {
    return Has(keys::kIndexPolicy, policy_id);
  }
  absl::StatusOr<bool> HasAccount(absl::string_view account) const override {
    return Has(keys::kIndexAccount, account);
  }
  absl::StatusOr<std::string> RecordedOn(uint64_t seq) const override {
    const uint64_t log_size = size_ - staged_recorded_on_.count();
    if (seq >= log_size) return staged_recorded_on_.At(seq - log_size);
    absl::StatusOr<std::string> raw = log_.ReadRaw(seq);
    if (!raw.ok()) return raw.status();
    v1::StoredRecord record;
    if (!record.ParseFromString(*raw)) {
      return absl::DataLossError(
          absl::StrCat("record ", seq, " does not parse as a StoredRecord"));
    }
    return record.event().recorded_on();
  }

 private:
  absl::StatusOr<bool> Has(char kind, absl::string_view name) const {
    const std::string key = keys::NamedKey(kind, name);
    absl::StatusOr<bool> staged = staged_(key);
    if (!staged.ok() || *staged) return staged;
    absl::StatusOr<std::optional<std::string>> value = log_.GetIndexEntry(key);
    if (!value.ok()) return value.status();
    return value->has_value();
  }
  const EventLog& log_;
  absl::FunctionRef<absl::StatusOr<bool>(absl::string_view)> staged_;
  // recorded_on of each staged record, from the session's first seq on.
  const StagedDays& staged_recorded_on_;
  const uint64_t size_;
};

// Staged frontier nodes first, then the log's own tree.
class FrontierReader : public merkle::NodeReader {
 public:
  FrontierReader(
      const EventLog& log,
      const absl::flat_hash_map<std::pair<int, uint64_t>, merkle::Hash>& nodes)
      : base_(log), nodes_(nodes) {}
  absl::StatusOr<merkle::Hash> GetNode(int level,
                                       uint64_t index) const override {
    auto it = nodes_.find(std::pair(level, index));
    if (it != nodes_.end()) return it->second;
    return base_.GetNode(level, index);
  }

 private:
  LogNodeReader base_;
  const absl::flat_hash_map<std::pair<int, uint64_t>, merkle::Hash>& nodes_;
};

// ValidateBatch counts "event N" within the part; the session's contract
// counts from the file's first event, as index_in_file does.
absl::Status CountedInFile(const absl::Status& status, uint32_t offset) {
  constexpr absl::string_view kEvent = "event ";
  absl::string_view message = status.message();
  const size_t end = message.find(' ', kEvent.size());
  uint64_t index = 0;
  if (status.code() != absl::StatusCode::kInvalidArgument || offset == 0 ||
      !absl::StartsWith(message, kEvent) || end == message.npos ||
      !absl::SimpleAtoi(message.substr(kEvent.size(), end - kEvent.size()),
                        &index)) {
    return status;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(kEvent, index + offset, message.substr(end)));
}

}  // namespace

AppendSession::AppendSession(EventLog& log, uint64_t first_seq,
                             int64_t first_appended_at)
    : log_(log),
      first_seq_(first_seq),
      first_appended_at_(first_appended_at),
      write_(std::make_unique<rocksdb::WriteBatch>()) {}

AppendSession::~AppendSession() = default;

size_t AppendSession::staged_bytes() const { return write_->GetDataSize(); }

int AppendSession::spills() const {
  return spill_ == nullptr ? 0 : spill_->spills();
}

// The staged files of one session: PATH/session-PID-N-K.staged (the writer's
// open removes any a crash left, event_log.cc).
static std::string SpillPrefix(const std::string& log_path) {
  static std::atomic<uint64_t> next{0};
  return absl::StrCat(log_path, "/session-", getpid(), "-",
                      next.fetch_add(1, std::memory_order_relaxed));
}

absl::Status AppendSession::Add(const v1::EventBatch& part,
                                const BatchOrigin& origin) {
  if (committed_) {
    return absl::FailedPreconditionError("the session is already committed");
  }
  if (!spoiled_.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the session failed before and takes no more parts (",
                     spoiled_.message(), ")"));
  }
  absl::Status s = Stage(part, origin);
  if (s.ok() && write_->GetDataSize() > log_.session_spill_bytes_) {
    if (spill_ == nullptr) {
      spill_ = std::make_unique<SessionSpill>(SpillPrefix(log_.path_),
                                              *log_.db_, *log_.families_);
    }
    s = spill_->Spill(*write_);
    if (s.ok()) staged_ids_.Clear();  // now in the spilled runs
  }
  if (s.ok() && write_->GetDataSize() > kAppendSessionBytesMax) {
    s = absl::InvalidArgumentError(
        absl::StrCat("the import encodes to more than ", kAppendSessionBytesMax,
                     " bytes, the limit of one import; split it"));
  }
  if (!s.ok()) {
    spoiled_ = s;
    write_->Clear();  // nothing of it will be written: free it now
    spill_.reset();   // and its files removed
  }
  return s;
}

absl::StatusOr<bool> AppendSession::StagedHas(absl::string_view key) const {
  if (staged_names_.Contains(key) || staged_ids_.Contains(key)) return true;
  if (key.empty() || key[0] != keys::kIndexEventId || spill_ == nullptr ||
      !id_hashes_.contains(absl::Hash<absl::string_view>()(key))) {
    return false;
  }
  return spill_->HasIndexKey(key);
}

absl::Status AppendSession::Stage(const v1::EventBatch& part,
                                  const BatchOrigin& origin) {
  const uint64_t first = first_seq_ + staged_;
  uint32_t& index_in_file =
      next_index_[absl::StrCat(origin.file_name, "\n", origin.file_sha256)];
  if (absl::Status s = log_.rules_->ValidateBatch(
          part,
          SessionContext(
              log_, [this](absl::string_view key) { return StagedHas(key); },
              staged_recorded_on_, first));
      !s.ok()) {
    return CountedInFile(s, index_in_file);
  }
  const EventLog::Families& families = *log_.families_;
  absl::Status s;
  std::vector<std::pair<std::string, std::string>> index_entries;
  std::string key_buffer;
  std::vector<merkle::Hash> leaves;
  leaves.reserve(part.events_size());
  v1::Provenance provenance;
  provenance.set_file_name(origin.file_name);
  provenance.set_file_sha256(origin.file_sha256);
  for (int i = 0; i < part.events_size(); ++i) {
    const uint64_t seq = first + i;
    provenance.set_index_in_file(index_in_file++);
    // The record's bytes without copying the event into a record.
    const std::string stored = internal::SerializeRecordOf(
        seq, first_appended_at_ + static_cast<int64_t>(seq - first_seq_),
        part.events(i), provenance);
    leaves.push_back(merkle::LeafHash(stored));
    s.Update(FromRocks(
        write_->Put(families.events(), keys::EventKey(seq), stored), "stage"));
    AppendIndexEntries(*log_.rules_, part.events(i), seq, &key_buffer,
                       &index_entries);
    staged_recorded_on_.Add(part.events(i).recorded_on());
  }
  // Key order per part, as in Append (each memtable insert continues from
  // the previous one). The entries are put in order through a list of their
  // positions (moving 4-byte positions, not pairs of strings), grouped by
  // the key's first byte (the index's kind) in one counting pass; a group
  // is sorted only when it is not in order already (days and sequence
  // numbers ascend through an SIE file, so mostly only the event ids are).
  auto less = [&](uint32_t a, uint32_t b) {
    const int by_key = index_entries[a].first.compare(index_entries[b].first);
    return by_key != 0 ? by_key < 0
                       : index_entries[a].second < index_entries[b].second;
  };
  auto kind = [&](uint32_t k) -> size_t {
    const std::string& key = index_entries[k].first;
    return key.empty() ? 0 : static_cast<unsigned char>(key[0]);
  };
  std::vector<size_t> starts(257, 0);
  for (uint32_t k = 0; k < index_entries.size(); ++k) ++starts[kind(k) + 1];
  for (size_t b = 1; b < starts.size(); ++b) starts[b] += starts[b - 1];
  std::vector<uint32_t> order(index_entries.size());
  {
    std::vector<size_t> next(starts.begin(), starts.end() - 1);
    for (uint32_t k = 0; k < index_entries.size(); ++k) {
      order[next[kind(k)]++] = k;
    }
  }
  for (size_t b = 0; b + 1 < starts.size(); ++b) {
    const auto first = order.begin() + starts[b];
    const auto last = order.begin() + starts[b + 1];
    if (!std::is_sorted(first, last, less)) std::sort(first, last, less);
  }
  for (const uint32_t k : order) {
    const auto& [key, value] = index_entries[k];
    if (!value.empty()) {  // a named entry
      if (key[0] == keys::kIndexEventId) {
        staged_ids_.Insert(key);
        id_hashes_.insert(absl::Hash<absl::string_view>()(key));
      } else {
        staged_names_.Insert(key);
      }
    }
    s.Update(FromRocks(write_->Put(families.index(), key, value), "stage"));
  }
  if (!s.ok()) return s;
  if (!origin.file_sha256.empty() &&
      std::none_of(files_.begin(), files_.end(), [&](const auto& file) {
        return file.first == origin.file_sha256;
      })) {
    files_.emplace_back(origin.file_sha256, first);
  }
  if (absl::Status t = StageTreeNodes(leaves); !t.ok()) return t;
  staged_ += part.events_size();
  return absl::OkStatus();
}

absl::Status AppendSession::StageTreeNodes(
    const std::vector<merkle::Hash>& leaves) {
  const uint64_t old_size = first_seq_ + staged_;
  absl::StatusOr<std::vector<merkle::NodeWrite>> nodes =
      merkle::NodesForAppend(old_size, leaves, FrontierReader(log_, frontier_));
  if (!nodes.ok()) return nodes.status();
  std::sort(nodes->begin(), nodes->end(),
            [](const merkle::NodeWrite& a, const merkle::NodeWrite& b) {
              return std::pair(a.level, a.index) < std::pair(b.level, b.index);
            });
  absl::Status s;
  for (const merkle::NodeWrite& node : *nodes) {
    s.Update(FromRocks(write_->Put(log_.families_->tree(),
                                   merkle::NodeKey(node.level, node.index),
                                   merkle::EncodeNodeValue(node.hash)),
                       "stage"));
    frontier_[std::pair(node.level, node.index)] = node.hash;
  }
  // Keep only the roots that decompose the new size: node (L, size/2^L - 1)
  // for each bit L set in it.
  const uint64_t new_size = old_size + leaves.size();
  absl::erase_if(frontier_, [&](const auto& entry) {
    const auto [level, index] = entry.first;
    return ((new_size >> level) & 1) == 0 || index != (new_size >> level) - 1;
  });
  return s;
}

absl::StatusOr<AppendResult> AppendSession::Commit() {
  if (committed_) {
    return absl::FailedPreconditionError("the session is already committed");
  }
  if (!spoiled_.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the session failed and commits nothing (", spoiled_.message(), ")"));
  }
  if (staged_ == 0) {
    return absl::InvalidArgumentError("the import holds no events");
  }
  absl::StatusOr<AppendResult> result = log_.CommitSession(*this);
  committed_ = result.ok();
  write_->Clear();
  spill_.reset();
  if (!result.ok()) spoiled_ = result.status();
  return result;
}

absl::StatusOr<std::unique_ptr<AppendSession>> EventLog::BeginAppend(
    std::optional<uint64_t> expected_size) {
  absl::MutexLock lock(&write_mu_);
  if (read_only_) {
    return absl::FailedPreconditionError("the log is open read-only");
  }
  if (absl::Status s = RulesGiven(); !s.ok()) return s;
  if (!poisoned_.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "an earlier write failed; reopen the log before appending (",
        poisoned_.message(), ")"));
  }
  const uint64_t size = Size();
  if (expected_size.has_value() && *expected_size != size) {
    return absl::AbortedError(
        absl::StrCat("the log holds ", size, " records, not the expected ",
                     *expected_size, "; nothing written"));
  }
  const int64_t first_appended_at =
      std::max(internal::NowMicros(), last_appended_micros_ + 1);
  return std::unique_ptr<AppendSession>(
      new AppendSession(*this, size, first_appended_at));
}

absl::Status EventLog::WritableFor(const AppendSession& session) const {
  if (!poisoned_.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "an earlier write failed; reopen the log before appending (",
        poisoned_.message(), ")"));
  }
  if (Size() != session.first_seq_) {
    return absl::AbortedError(
        absl::StrCat("the log grew from ", session.first_seq_, " to ", Size(),
                     " records while the import was staged; nothing written"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
EventLog::SessionMarks(const AppendSession& session) const {
  const uint64_t first_seq = session.first_seq_;
  {  // As in Append: records are written once.
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), families_->events()));
    it->Seek(keys::EventKey(first_seq));
    if (it->Valid()) {
      return absl::DataLossError(absl::StrCat(
          "a record already exists at or after the next sequence number ",
          first_seq, "; refusing to overwrite it"));
    }
    if (absl::Status s = FromRocks(it->status(), "seek events"); !s.ok()) {
      return s;
    }
  }
  std::vector<std::pair<std::string, std::string>> marks;
  for (const auto& [sha, first] : session.files_) {
    absl::StatusOr<std::optional<uint64_t>> seen = FindImportedFile(sha);
    if (!seen.ok()) return seen.status();
    if (seen->has_value()) {
      return absl::AlreadyExistsError(absl::StrCat(
          "a file with SHA-256 ", sha, " is already imported (from record ",
          **seen, "); nothing written"));
    }
    marks.emplace_back(keys::NamedKey(keys::kIndexImportedFile, sha),
                       keys::EncodeU64(first));
  }
  return marks;
}

absl::StatusOr<AppendResult> EventLog::CommitSession(AppendSession& session) {
  if (session.spill_ != nullptr) return CommitSpilled(session);
  absl::MutexLock lock(&write_mu_);
  if (absl::Status s = WritableFor(session); !s.ok()) return s;
  const uint64_t first_seq = session.first_seq_;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> marks =
      SessionMarks(session);
  if (!marks.ok()) return marks.status();
  rocksdb::WriteBatch& write = *session.write_;
  absl::Status s;
  for (const auto& [key, value] : *marks) {
    s.Update(FromRocks(write.Put(families_->index(), key, value), "commit"));
  }
  if (!s.ok()) return s;
  const uint64_t new_size = first_seq + session.staged_;
  if (absl::Status committed =
          CommitWrite(write, new_size,
                      session.first_appended_at_ +
                          static_cast<int64_t>(session.staged_) - 1);
      !committed.ok()) {
    return committed;
  }
  PurgeObsoleteFilesIfFree();
  return AppendResult{first_seq, new_size};
}

absl::StatusOr<AppendResult> EventLog::CommitSpilled(AppendSession& session) {
  {
    absl::MutexLock lock(&write_mu_);
    if (absl::Status s = WritableFor(session); !s.ok()) return s;
  }
  // Finishing the files rereads and rewrites the staged tree and index:
  // done without the writer's lock (other appends may run meanwhile; the
  // size is checked again below, and any append since changes it).
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> marks =
      SessionMarks(session);
  if (!marks.ok()) return marks.status();
  const uint64_t first_seq = session.first_seq_;
  const uint64_t new_size = first_seq + session.staged_;
  const int64_t last_appended =
      session.first_appended_at_ + static_cast<int64_t>(session.staged_) - 1;
  std::vector<std::pair<std::string, std::string>> meta;
  meta.emplace_back(std::string(keys::kMetaSize), keys::EncodeU64(new_size));
  meta.emplace_back(std::string(keys::kMetaLastAppended),
                    keys::EncodeU64(static_cast<uint64_t>(last_appended)));
  absl::StatusOr<SpillCommit> files = session.spill_->Finish(
      *session.write_, *std::move(marks), std::move(meta));
  // Nothing of the log has changed yet: a failure to write the staged files
  // leaves it as it was, and the writer usable.
  if (!files.ok()) return files.status();

  absl::MutexLock lock(&write_mu_);
  if (absl::Status s = WritableFor(session); !s.ok()) return s;
  // A snapshot held across the ingestion makes RocksDB give every file a
  // new sequence number (snapshot_consistency), so that a reader of this
  // process who takes a snapshot meanwhile sees all of the import or none
  // of it: without one, the records (which overlap nothing) would go in at
  // sequence number 0, visible before the new size is.
  const rocksdb::Snapshot* hold = db_->GetSnapshot();
  const absl::Status ingested =
      FromRocks(db_->IngestExternalFiles(files->args), "commit import");
  db_->ReleaseSnapshot(hold);
  if (!ingested.ok()) {
    // RocksDB records an ingestion in the MANIFEST in one atomic group, but
    // whether that record reached the disk is unknown after a failure, as
    // with a failed WriteBatch: refuse further writes until reopened. The
    // staged files are kept (the next writer's open removes them): should
    // the record have reached the disk after all, they are the import's
    // only copy (docs/ingest.md).
    poisoned_ = ingested;
    session.spill_->KeepFiles();
    return IsStorageCondition(ingested)
               ? ingested
               : absl::InternalError(ingested.message());
  }
  size_.store(new_size, std::memory_order_release);
  last_appended_micros_ = last_appended;
  PurgeObsoleteFilesIfFree();
  return AppendResult{first_seq, new_size};
}

}  // namespace fundlog
