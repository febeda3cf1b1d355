// Appending to the log, and the `index`/`derived`/`tree` family accessors.
#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/dates.h"
#include "core/store/event_log.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "core/store/record_entries.h"
#include "core/store/record_rules.h"
#include "core/store/rocks_status.h"
#include "core/store/tree_writer.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace fundlog {
namespace {

using internal::NowMicros;

// Answers validation's questions from the `index` family, and reads
// records through `read_raw` (which must not take the writer's mutex: the
// context is used while the append holds it).
class IndexContext : public ValidationContext {
 public:
  using RawReader = std::function<absl::StatusOr<std::string>(uint64_t)>;
  IndexContext(const EventLog& log, uint64_t size, RawReader read_raw)
      : log_(log), size_(size), read_raw_(std::move(read_raw)) {}
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
    absl::StatusOr<std::string> raw = read_raw_(seq);
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
    absl::StatusOr<std::optional<std::string>> value =
        log_.GetIndexEntry(keys::NamedKey(kind, name));
    if (!value.ok()) return value.status();
    return value->has_value();
  }
  const EventLog& log_;
  const uint64_t size_;
  const RawReader read_raw_;
};

}  // namespace

absl::StatusOr<AppendResult> EventLog::Append(
    const v1::EventBatch& batch, std::optional<uint64_t> expected_size,
    const BatchOrigin& origin) {
  return AppendParts(batch, expected_size,
                     {BatchPart{origin, batch.events_size()}});
}

absl::StatusOr<AppendResult> EventLog::AppendParts(
    const v1::EventBatch& batch, std::optional<uint64_t> expected_size,
    const std::vector<BatchPart>& parts) {
  int64_t counted = 0;
  for (const BatchPart& part : parts) counted += part.event_count;
  if (counted != batch.events_size()) {
    return absl::InvalidArgumentError(
        "batch parts do not cover the batch exactly");
  }
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
  auto read_raw = [this](uint64_t seq) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::optional<std::string>> value =
        Get(families_->events(), keys::EventKey(seq));
    if (!value.ok()) return value.status();
    if (!value->has_value()) {
      return absl::DataLossError(
          absl::StrCat("record ", seq, " is missing from the log"));
    }
    return std::move(**value);
  };
  if (absl::Status s =
          rules_->ValidateBatch(batch, IndexContext(*this, size, read_raw));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CommitBatch(batch, parts, size); !s.ok()) return s;
  const uint64_t new_size = Size();
  PurgeObsoleteFilesIfFree();
  return AppendResult{size, new_size};
}

absl::Status EventLog::CommitBatch(const v1::EventBatch& batch,
                                   const std::vector<BatchPart>& parts,
                                   uint64_t first_seq) {
  rocksdb::WriteBatch write;
  absl::Status s;
  int64_t appended_at = std::max(NowMicros(), last_appended_micros_ + 1);
  std::vector<std::string> stored;
  stored.reserve(batch.events_size());
  // Records are written once: a key at or after first_seq means the meta size
  // and the events family disagree, which only damage can cause. One seek
  // answers for the whole batch.
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), families_->events()));
    it->Seek(keys::EventKey(first_seq));
    if (it->Valid()) {
      std::optional<uint64_t> existing = keys::DecodeU64(ToView(it->key()));
      return absl::DataLossError(
          absl::StrCat("record ", existing.value_or(first_seq),
                       " already exists at or after the next sequence number ",
                       first_seq, "; refusing to overwrite it"));
    }
    if (absl::Status s = FromRocks(it->status(), "seek events"); !s.ok()) {
      return s;
    }
  }
  // (key, value) pairs of the `index` family, put in key order below.
  std::vector<std::pair<std::string, std::string>> index_entries;
  std::string key_buffer;
  v1::StoredRecord record;
  size_t part = 0;
  int index_in_part = 0;
  for (int i = 0; i < batch.events_size(); ++i) {
    while (index_in_part >= parts[part].event_count) {
      ++part;
      index_in_part = 0;
    }
    const BatchOrigin& origin = parts[part].origin;
    const uint64_t seq = first_seq + i;
    const v1::Event& event = batch.events(i);
    record.set_seq(seq);
    record.set_appended_at_micros(appended_at + i);
    *record.mutable_event() = event;
    record.mutable_provenance()->set_file_name(origin.file_name);
    record.mutable_provenance()->set_file_sha256(origin.file_sha256);
    record.mutable_provenance()->set_index_in_file(index_in_part++);
    stored.push_back(internal::SerializeRecord(record));
    s.Update(FromRocks(
        write.Put(families_->events(), keys::EventKey(seq), stored.back()),
        "batch"));
    AppendIndexEntries(*rules_, event, seq, &key_buffer, &index_entries);
  }
  uint64_t part_start = first_seq;
  for (const BatchPart& batch_part : parts) {
    const std::string& sha = batch_part.origin.file_sha256;
    if (!sha.empty()) {
      absl::StatusOr<std::optional<uint64_t>> seen = FindImportedFile(sha);
      if (!seen.ok()) return seen.status();
      if (!seen->has_value()) {
        index_entries.emplace_back(
            keys::NamedKey(keys::kIndexImportedFile, sha),
            keys::EncodeU64(part_start));
      }
    }
    part_start += batch_part.event_count;
  }
  // In key order, each insert into the memtable's skip list starts where the
  // previous one ended instead of from the top: several times faster for
  // large batches, whose index keys arrive in effective-date order otherwise.
  std::sort(index_entries.begin(), index_entries.end());
  for (const auto& [key, value] : index_entries) {
    s.Update(FromRocks(write.Put(families_->index(), key, value), "batch"));
  }
  // The Merkle nodes go in the same WriteBatch as the records they cover, so
  // that after a crash the tree and the log can never disagree.
  s.Update(AddTreeNodes(*this, first_seq, stored, families_->tree(), &write));
  if (!s.ok()) return s;
  return CommitWrite(write, first_seq + batch.events_size(),
                     appended_at + batch.events_size() - 1);
}

absl::Status EventLog::CommitWrite(rocksdb::WriteBatch& write,
                                   uint64_t new_size, int64_t last_appended) {
  absl::Status s;
  s.Update(FromRocks(write.Put(families_->meta(), ToSlice(keys::kMetaSize),
                               keys::EncodeU64(new_size)),
                     "batch"));
  s.Update(FromRocks(
      write.Put(families_->meta(), ToSlice(keys::kMetaLastAppended),
                keys::EncodeU64(static_cast<uint64_t>(last_appended))),
      "batch"));
  if (!s.ok()) return s;
  rocksdb::WriteOptions options;
  options.sync = sync_writes_;
  if (absl::Status written = FromRocks(db_->Write(options, &write), "append");
      !written.ok()) {
    // Whether any of the batch reached the disk is now unknown; RocksDB's
    // WAL replay on reopen settles it. Until then, refuse further writes.
    poisoned_ = written;
    // A full disk, a read-only one or a denied permission keep their code
    // and their advice (rocks_status.h); anything else is internal.
    return IsStorageCondition(written) ? written
                                       : absl::InternalError(written.message());
  }
  // Published only now, once the batch is synced: a reader that sees the
  // new size finds every record under it.
  size_.store(new_size, std::memory_order_release);
  last_appended_micros_ = last_appended;
  return absl::OkStatus();
}

absl::Status EventLog::RememberSignedRoot(uint64_t size,
                                          absl::string_view root) {
  absl::MutexLock lock(&write_mu_);
  if (read_only_) {
    return absl::FailedPreconditionError("the log is open read-only");
  }
  std::string key(keys::kMetaSignedRootPrefix);
  keys::AppendU64(&key, size);
  absl::StatusOr<std::optional<std::string>> known =
      Get(families_->meta(), key);
  if (!known.ok()) return known.status();
  if (known->has_value()) {
    if (**known == root) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "a checkpoint of size ", size,
        " was already signed with a different root; refusing to sign another"));
  }
  rocksdb::WriteOptions options;
  options.sync = true;
  return FromRocks(db_->Put(options, families_->meta(), key, ToSlice(root)),
                   "remember signed root");
}

absl::StatusOr<std::optional<uint64_t>> EventLog::FindEventId(
    absl::string_view event_id) const {
  return FindNamed(keys::kIndexEventId, event_id);
}

absl::StatusOr<std::optional<uint64_t>> EventLog::FindImportedFile(
    absl::string_view file_sha256) const {
  return FindNamed(keys::kIndexImportedFile, file_sha256);
}

absl::StatusOr<std::optional<uint64_t>> EventLog::FindNamed(
    char kind, absl::string_view name) const {
  absl::StatusOr<std::optional<std::string>> value =
      Get(families_->index(), keys::NamedKey(kind, name));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;
  std::optional<uint64_t> seq = keys::DecodeU64(**value);
  if (!seq) {
    return absl::DataLossError(
        absl::StrCat("index entry for \"", name, "\" is unreadable"));
  }
  return *seq;
}

absl::Status EventLog::PutDerived(absl::string_view key,
                                  absl::string_view value) {
  if (read_only_) {
    return absl::FailedPreconditionError("the log is open read-only");
  }
  return FromRocks(db_->Put(rocksdb::WriteOptions(), families_->derived(),
                            ToSlice(key), ToSlice(value)),
                   "write derived");
}

absl::Status EventLog::ReplaceDerived(
    absl::string_view prefix,
    const std::vector<std::pair<std::string, std::string>>& entries) {
  if (read_only_) {
    return absl::FailedPreconditionError("the log is open read-only");
  }
  rocksdb::WriteBatch batch;
  absl::Status s;
  if (!prefix.empty()) {
    // [prefix, prefix with its last byte raised): every key it starts.
    std::string end(prefix);
    while (!end.empty() && static_cast<uint8_t>(end.back()) == 0xFF) {
      end.pop_back();
    }
    if (end.empty()) {
      return absl::InvalidArgumentError("a derived prefix of 0xff bytes");
    }
    end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
    s.Update(
        FromRocks(batch.DeleteRange(families_->derived(), ToSlice(prefix), end),
                  "replace derived"));
  }
  for (const auto& [key, value] : entries) {
    s.Update(
        FromRocks(batch.Put(families_->derived(), ToSlice(key), ToSlice(value)),
                  "replace derived"));
  }
  if (!s.ok()) return s;
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &batch),
                   "replace derived");
}

absl::Status EventLog::ClearDerived() {
  if (read_only_) {
    return absl::FailedPreconditionError("the log is open read-only");
  }
  rocksdb::WriteBatch batch;
  // One range tombstone for every key below 0xff (all derived keys are
  // text), rather than a Delete per key found by a scan that reads every
  // value (the snapshot alone is tens of MB); keys from 0xff on, if any,
  // are found and deleted one by one.
  const std::string high(1, '\xff');
  absl::Status s =
      FromRocks(batch.DeleteRange(families_->derived(), std::string(), high),
                "clear derived");
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_->derived()));
  for (it->Seek(high); it->Valid(); it->Next()) {
    s.Update(FromRocks(batch.Delete(families_->derived(), it->key()),
                       "clear derived"));
  }
  s.Update(FromRocks(it->status(), "scan derived"));
  if (!s.ok()) return s;
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &batch),
                   "clear derived");
}

}  // namespace fundlog
