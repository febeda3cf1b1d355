// Reading the log: EventLog's reads and LogView's, one implementation. A
// read on the EventLog sees the published size and no snapshot (records
// below the size never change); a LogView pins a RocksDB snapshot and the
// size stored with it.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/dates.h"
#include "core/store/event_log.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "core/store/rocks_status.h"
#include "rocksdb/db.h"

namespace fundlog {
namespace {

absl::StatusOr<v1::StoredRecord> Parse(uint64_t seq, absl::string_view raw) {
  v1::StoredRecord record;
  if (!record.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
    return absl::DataLossError(
        absl::StrCat("record ", seq, " does not parse as a StoredRecord"));
  }
  return record;
}

class RocksTreeLevelCursor : public TreeLevelCursor {
 public:
  RocksTreeLevelCursor(rocksdb::Iterator* it, int level)
      : it_(it), level_(static_cast<char>(level)) {}

  absl::StatusOr<std::optional<std::string>> Get(uint64_t index) override {
    std::string want(1, level_);
    keys::AppendU64(&want, index);
    if (!started_ || !it_->Valid() || ToView(it_->key()) > want) {
      it_->Seek(ToSlice(want));
      started_ = true;
    }
    // Usually the wanted node is the current one or the next.
    while (it_->Valid() && ToView(it_->key()) < want) it_->Next();
    if (absl::Status s = FromRocks(it_->status(), "scan tree"); !s.ok()) {
      return s;
    }
    if (!it_->Valid() || ToView(it_->key()) != want) return std::nullopt;
    return std::string(ToView(it_->value()));
  }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  const char level_;
  bool started_ = false;
};

}  // namespace

absl::StatusOr<std::optional<std::string>> EventLog::Get(
    rocksdb::ColumnFamilyHandle* family, absl::string_view key,
    const rocksdb::Snapshot* snapshot) const {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot;
  std::string value;
  rocksdb::Status s = db_->Get(options, family, ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (absl::Status converted = FromRocks(s, "read"); !converted.ok()) {
    return converted;
  }
  return value;
}

absl::StatusOr<std::string> EventLog::ReadRawAt(
    const rocksdb::ReadOptions& options, uint64_t size, uint64_t seq) const {
  if (seq >= size) {
    return absl::NotFoundError(
        absl::StrCat("record ", seq, " does not exist (log size ", size, ")"));
  }
  absl::StatusOr<std::optional<std::string>> value =
      Get(families_->events(), keys::EventKey(seq), options.snapshot);
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    return absl::DataLossError(
        absl::StrCat("record ", seq, " is missing from the log"));
  }
  return std::move(**value);
}

absl::Status EventLog::ScanRawAt(const rocksdb::ReadOptions& options,
                                 uint64_t size, uint64_t from, uint64_t to,
                                 const RawVisitor& visit) const {
  to = std::min(to, size);
  if (from >= to) return absl::OkStatus();
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(options, families_->events()));
  uint64_t expected = from;
  for (it->Seek(keys::EventKey(from)); it->Valid() && expected < to;
       it->Next()) {
    std::optional<uint64_t> seq = keys::DecodeU64(ToView(it->key()));
    if (!seq || *seq != expected) {
      return absl::DataLossError(
          absl::StrCat("record ", expected, " is missing from the log"));
    }
    if (absl::Status s = visit(expected, ToView(it->value())); !s.ok()) {
      return s;
    }
    ++expected;
  }
  if (absl::Status s = FromRocks(it->status(), "scan events"); !s.ok()) {
    return s;
  }
  if (expected < to) {
    return absl::DataLossError(
        absl::StrCat("record ", expected, " is missing from the log"));
  }
  return absl::OkStatus();
}

absl::Status EventLog::ScanStoredAt(const rocksdb::ReadOptions& options,
                                    const RawVisitor& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(options, families_->events()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::optional<uint64_t> seq = keys::DecodeU64(ToView(it->key()));
    if (!seq) {
      return absl::DataLossError(absl::StrCat("a key of ", it->key().size(),
                                              " bytes in the events family"));
    }
    if (absl::Status s = visit(*seq, ToView(it->value())); !s.ok()) return s;
  }
  return FromRocks(it->status(), "scan events");
}

absl::Status EventLog::ScanByEffectiveAt(const rocksdb::ReadOptions& options,
                                         uint64_t size,
                                         absl::string_view fund_id,
                                         absl::CivilDay from, absl::CivilDay to,
                                         const RecordVisitor& visit) const {
  const std::string prefix = fund_id.empty()
                                 ? std::string(1, keys::kIndexAllByDay)
                                 : keys::FundByDayPrefix(fund_id);
  const std::string from_day = FormatDay(from);
  const std::string to_day = FormatDay(to);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(options, families_->index()));
  for (it->Seek(absl::StrCat(prefix, from_day)); it->Valid(); it->Next()) {
    absl::string_view key = ToView(it->key());
    if (key.size() != prefix.size() + keys::kDayBytes + keys::kU64Bytes ||
        key.substr(0, prefix.size()) != prefix) {
      break;
    }
    if (key.substr(prefix.size(), keys::kDayBytes) > to_day) break;
    std::optional<uint64_t> seq =
        keys::DecodeU64(key.substr(prefix.size() + keys::kDayBytes));
    if (!seq) return absl::DataLossError("unreadable index key");
    absl::StatusOr<v1::StoredRecord> record = [&] {
      absl::StatusOr<std::string> raw = ReadRawAt(options, size, *seq);
      if (!raw.ok()) return absl::StatusOr<v1::StoredRecord>(raw.status());
      return Parse(*seq, *raw);
    }();
    if (!record.ok()) {
      return absl::DataLossError(absl::StrCat("index names record ", *seq, ": ",
                                              record.status().message()));
    }
    if (absl::Status s = visit(*record); !s.ok()) return s;
  }
  return FromRocks(it->status(), "scan index");
}

std::unique_ptr<TreeLevelCursor> EventLog::NewTreeLevelCursorAt(
    const rocksdb::ReadOptions& options, int level) const {
  return std::make_unique<RocksTreeLevelCursor>(
      db_->NewIterator(options, families_->tree()), level);
}

// EventLog's reads: the published size, no snapshot.

absl::StatusOr<std::string> EventLog::ReadRaw(uint64_t seq) const {
  return ReadRawAt(rocksdb::ReadOptions(), Size(), seq);
}

absl::StatusOr<v1::StoredRecord> EventLog::Read(uint64_t seq) const {
  absl::StatusOr<std::string> raw = ReadRaw(seq);
  if (!raw.ok()) return raw.status();
  return Parse(seq, *raw);
}

absl::Status EventLog::ScanRaw(uint64_t from, uint64_t to,
                               const RawVisitor& visit) const {
  return ScanRawAt(rocksdb::ReadOptions(), Size(), from, to, visit);
}

absl::Status EventLog::ScanStored(const RawVisitor& visit) const {
  return ScanStoredAt(rocksdb::ReadOptions(), visit);
}

absl::Status EventLog::Scan(uint64_t from, uint64_t to,
                            const RecordVisitor& visit) const {
  return ScanRaw(from, to, [&](uint64_t seq, absl::string_view bytes) {
    absl::StatusOr<v1::StoredRecord> record = Parse(seq, bytes);
    if (!record.ok()) return record.status();
    return visit(*record);
  });
}

absl::Status EventLog::ScanByEffective(absl::string_view fund_id,
                                       absl::CivilDay from, absl::CivilDay to,
                                       const RecordVisitor& visit) const {
  // The index may already name records of an append whose size is not yet
  // published: read index and records from one view.
  absl::StatusOr<LogView> view = NewView();
  if (!view.ok()) return view.status();
  return view->ScanByEffective(fund_id, from, to, visit);
}

std::unique_ptr<TreeLevelCursor> EventLog::NewTreeLevelCursor(int level) const {
  return NewTreeLevelCursorAt(rocksdb::ReadOptions(), level);
}

absl::StatusOr<std::optional<std::string>> EventLog::GetIndexEntry(
    absl::string_view key) const {
  return Get(families_->index(), key);
}

absl::StatusOr<std::optional<std::string>> EventLog::GetTreeNode(
    absl::string_view key) const {
  return Get(families_->tree(), key);
}

absl::StatusOr<std::optional<std::string>> EventLog::GetDerived(
    absl::string_view key) const {
  return Get(families_->derived(), key);
}

absl::Status EventLog::ScanDerived(absl::string_view prefix,
                                   const IndexVisitor& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_->derived()));
  for (it->Seek(ToSlice(prefix));
       it->Valid() && it->key().starts_with(ToSlice(prefix)); it->Next()) {
    if (absl::Status s =
            visit(absl::string_view(it->key().data(), it->key().size()),
                  absl::string_view(it->value().data(), it->value().size()));
        !s.ok()) {
      return s;
    }
  }
  return FromRocks(it->status(), "scan derived");
}

// LogView.

absl::StatusOr<LogView> EventLog::NewView() const {
  LogView view(this, db_->GetSnapshot());
  absl::StatusOr<std::optional<std::string>> size =
      Get(families_->meta(), keys::kMetaSize, view.snapshot_);
  if (!size.ok()) return size.status();
  std::optional<uint64_t> decoded =
      size->has_value() ? keys::DecodeU64(**size) : std::nullopt;
  if (!decoded) return absl::DataLossError("the log's size is unreadable");
  view.size_ = *decoded;
  return view;
}

LogView::LogView(const EventLog* log, const rocksdb::Snapshot* snapshot)
    : log_(log), snapshot_(snapshot) {}

LogView::LogView(LogView&& other) noexcept
    : log_(other.log_),
      snapshot_(std::exchange(other.snapshot_, nullptr)),
      size_(other.size_) {}

LogView::~LogView() {
  if (snapshot_ != nullptr) log_->db_->ReleaseSnapshot(snapshot_);
}

rocksdb::ReadOptions LogView::Options() const {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  return options;
}

absl::StatusOr<std::string> LogView::ReadRaw(uint64_t seq) const {
  return log_->ReadRawAt(Options(), size_, seq);
}

absl::StatusOr<v1::StoredRecord> LogView::Read(uint64_t seq) const {
  absl::StatusOr<std::string> raw = ReadRaw(seq);
  if (!raw.ok()) return raw.status();
  return Parse(seq, *raw);
}

absl::Status LogView::ScanRaw(uint64_t from, uint64_t to,
                              const RawVisitor& visit) const {
  return log_->ScanRawAt(Options(), size_, from, to, visit);
}

absl::Status LogView::ScanStored(const RawVisitor& visit) const {
  return log_->ScanStoredAt(Options(), visit);
}

absl::Status LogView::Scan(uint64_t from, uint64_t to,
                           const RecordVisitor& visit) const {
  return ScanRaw(from, to, [&](uint64_t seq, absl::string_view bytes) {
    absl::StatusOr<v1::StoredRecord> record = Parse(seq, bytes);
    if (!record.ok()) return record.status();
    return visit(*record);
  });
}

absl::Status LogView::ScanByEffective(absl::string_view fund_id,
                                      absl::CivilDay from, absl::CivilDay to,
                                      const RecordVisitor& visit) const {
  return log_->ScanByEffectiveAt(Options(), size_, fund_id, from, to, visit);
}

std::unique_ptr<TreeLevelCursor> LogView::NewTreeLevelCursor(int level) const {
  return log_->NewTreeLevelCursorAt(Options(), level);
}

absl::StatusOr<std::optional<std::string>> LogView::GetIndexEntry(
    absl::string_view key) const {
  return log_->Get(log_->families_->index(), key, snapshot_);
}

absl::StatusOr<std::optional<std::string>> LogView::GetTreeNode(
    absl::string_view key) const {
  return log_->Get(log_->families_->tree(), key, snapshot_);
}

}  // namespace fundlog
