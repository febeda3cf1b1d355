// Records whose effective time overlaps a range of days, through the index:
// those that start in the range by the entries by day ('E', 'F'), and the
// periods that start before it and reach into it by the entries by length
// class ('L', 'M'; docs/indexes.md).
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/dates.h"
#include "core/store/event_log.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "core/store/record_arena.h"
#include "core/store/rocks_status.h"
#include "rocksdb/db.h"

namespace fundlog {
namespace {

// A period found by length class: its start day and seq order the output.
struct Reaching {
  std::string day;
  uint64_t seq;
  bool operator<(const Reaching& other) const {
    return std::tie(day, seq) < std::tie(other.day, other.seq);
  }
};

// Records read per MultiGet: a bound on what a scan holds at once.
constexpr size_t kChunk = 1024;

// Reads records by seq, a chunk at a time, through one MultiGet in seq order.
// The keys, values and statuses are kept from chunk to chunk, and each record
// is parsed into an arena reset before the next: nothing is allocated per
// event but what RocksDB allocates to read a block.
class ChunkReader {
 public:
  ChunkReader(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
              const rocksdb::ReadOptions& options, uint64_t size)
      : db_(db), events_(events), options_(options), size_(size) {}

  // Visits the records `seqs` names, in that order. kDataLoss (naming the
  // index) for a record that is missing, beyond the size or unparsable.
  absl::Status Visit(const std::vector<uint64_t>& seqs,
                     const EventLog::RecordVisitor& visit) {
    if (seqs.empty()) return absl::OkStatus();
    sorted_.assign(seqs.begin(), seqs.end());
    std::sort(sorted_.begin(), sorted_.end());
    const size_t n = sorted_.size();
    key_bytes_.clear();
    for (uint64_t seq : sorted_) keys::AppendU64(&key_bytes_, seq);
    keys_.clear();
    for (size_t i = 0; i < n; ++i) {
      keys_.emplace_back(key_bytes_.data() + i * keys::kU64Bytes,
                         keys::kU64Bytes);
    }
    if (values_.size() < n) values_.resize(n);
    statuses_.assign(n, rocksdb::Status());
    db_->MultiGet(options_, events_, n, keys_.data(), values_.data(),
                  statuses_.data(), /*sorted_input=*/true);
    absl::Status result = VisitSorted(seqs, visit);
    // Unpins the blocks the values point into.
    for (size_t i = 0; i < n; ++i) values_[i].Reset();
    return result;
  }

 private:
  absl::Status VisitSorted(const std::vector<uint64_t>& seqs,
                           const EventLog::RecordVisitor& visit) {
    for (uint64_t seq : seqs) {
      v1::StoredRecord* record = nullptr;
      const size_t at = std::lower_bound(sorted_.begin(), sorted_.end(), seq) -
                        sorted_.begin();
      absl::Status read;
      if (seq >= size_) {
        read = absl::NotFoundError(absl::StrCat(
            "record ", seq, " does not exist (log size ", size_, ")"));
      } else if (statuses_[at].IsNotFound()) {
        read = absl::DataLossError(
            absl::StrCat("record ", seq, " is missing from the log"));
      } else if (!statuses_[at].ok()) {
        return FromRocks(statuses_[at], "read");
      } else if (record = records_.NewRecord(); !record->ParseFromArray(
                     values_[at].data(),
                     static_cast<int>(values_[at].size()))) {
        read = absl::DataLossError(
            absl::StrCat("record ", seq, " does not parse as a StoredRecord"));
      }
      if (!read.ok()) {
        return absl::DataLossError(
            absl::StrCat("index names record ", seq, ": ", read.message()));
      }
      if (absl::Status s = visit(*record); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const events_;
  const rocksdb::ReadOptions& options_;
  const uint64_t size_;
  std::vector<uint64_t> sorted_;
  std::string key_bytes_;  // kU64Bytes per sorted seq
  std::vector<rocksdb::Slice> keys_;
  std::vector<rocksdb::PinnableSlice> values_;
  std::vector<rocksdb::Status> statuses_;
  RecordArena records_;  // each record parsed, freed before the next
};

}  // namespace

absl::Status EventLog::VisitIndexedAt(const rocksdb::ReadOptions& options,
                                      uint64_t size,
                                      const std::vector<uint64_t>& seqs,
                                      const RecordVisitor& visit) const {
  ChunkReader reader(db_.get(), families_->events(), options, size);
  return reader.Visit(seqs, visit);
}

absl::Status EventLog::ScanOverlappingAt(const rocksdb::ReadOptions& options,
                                         uint64_t size,
                                         absl::string_view fund_id,
                                         std::optional<absl::CivilDay> from,
                                         absl::CivilDay to,
                                         const RecordVisitor& visit) const {
  const absl::CivilDay first(1000, 1, 1);
  absl::StatusOr<std::optional<std::string>> marker =
      Get(families_->meta(), keys::kMetaIndexPeriods, options.snapshot);
  if (!marker.ok()) return marker.status();
  // Without a `from` past the first day, or on an index without the periods
  // by class (callers then drop the records that end before `from`): every
  // record that starts by `to`, by day. Otherwise first the periods that
  // start before `from` and end on or after it (or never): for class c >= 1
  // they start at most 2^(c-1) - 1 days before `from`; open ones (class 0)
  // may start on any earlier day.
  const bool by_class = from && *from > first && marker->has_value();
  const std::string from_day = FormatDay(by_class ? *from : first);
  const std::string to_day = FormatDay(to);
  std::vector<Reaching> reaching;
  ChunkReader reader(db_.get(), families_->events(), options, size);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(options, families_->index()));
  for (uint8_t length_class = 0; by_class && length_class <= kPeriodClassMax;
       ++length_class) {
    const std::string prefix = keys::PeriodPrefix(fund_id, length_class);
    std::string seek = prefix;
    if (length_class > 0) {
      const int64_t reach = (int64_t{1} << (length_class - 1)) - 1;
      if (*from - first > reach)
        absl::StrAppend(&seek, FormatDay(*from - reach));
    }
    for (it->Seek(seek); it->Valid(); it->Next()) {
      const absl::string_view key = ToView(it->key());
      if (key.size() != prefix.size() + keys::kDayBytes + keys::kU64Bytes ||
          key.substr(0, prefix.size()) != prefix) {
        break;
      }
      const absl::string_view day = key.substr(prefix.size(), keys::kDayBytes);
      if (day >= from_day) break;  // those are found by day
      const absl::string_view end = ToView(it->value());
      // ISO days compare as text; an open period never ends.
      if (day > to_day || (!end.empty() && end < from_day)) continue;
      std::optional<uint64_t> seq =
          keys::DecodeU64(key.substr(prefix.size() + keys::kDayBytes));
      if (!seq) return absl::DataLossError("unreadable index key");
      reaching.push_back({std::string(day), *seq});
    }
    if (absl::Status s = FromRocks(it->status(), "scan index"); !s.ok()) {
      return s;
    }
  }
  std::sort(reaching.begin(), reaching.end());
  std::vector<uint64_t> seqs;
  for (size_t at = 0; at < reaching.size(); at += kChunk) {
    seqs.clear();
    for (size_t i = at; i < std::min(reaching.size(), at + kChunk); ++i) {
      seqs.push_back(reaching[i].seq);
    }
    if (absl::Status s = reader.Visit(seqs, visit); !s.ok()) {
      return s;
    }
  }
  if (by_class && *from > to) return absl::OkStatus();
  // The events that start in the range, by day, a chunk of records at a time.
  const std::string prefix = fund_id.empty()
                                 ? std::string(1, keys::kIndexAllByDay)
                                 : keys::FundByDayPrefix(fund_id);
  seqs.clear();
  for (it->Seek(absl::StrCat(prefix, from_day)); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    if (key.size() != prefix.size() + keys::kDayBytes + keys::kU64Bytes ||
        key.substr(0, prefix.size()) != prefix ||
        key.substr(prefix.size(), keys::kDayBytes) > to_day) {
      break;
    }
    std::optional<uint64_t> seq =
        keys::DecodeU64(key.substr(prefix.size() + keys::kDayBytes));
    if (!seq) return absl::DataLossError("unreadable index key");
    seqs.push_back(*seq);
    if (seqs.size() == kChunk) {
      if (absl::Status s = reader.Visit(seqs, visit); !s.ok()) {
        return s;
      }
      seqs.clear();
    }
  }
  if (absl::Status s = FromRocks(it->status(), "scan index"); !s.ok()) {
    return s;
  }
  return reader.Visit(seqs, visit);
}

absl::Status EventLog::ScanOverlapping(absl::string_view fund_id,
                                       std::optional<absl::CivilDay> from,
                                       absl::CivilDay to,
                                       const RecordVisitor& visit) const {
  // The index may already name records of an append whose size is not yet
  // published: read index and records from one view.
  absl::StatusOr<LogView> view = NewView();
  if (!view.ok()) return view.status();
  return view->ScanOverlapping(fund_id, from, to, visit);
}

absl::Status LogView::ScanOverlapping(absl::string_view fund_id,
                                      std::optional<absl::CivilDay> from,
                                      absl::CivilDay to,
                                      const RecordVisitor& visit) const {
  return log_->ScanOverlappingAt(Options(), size_, fund_id, from, to, visit);
}

}  // namespace fundlog
