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
#include "core/store/dates.h"
#include "core/store/event_log.h"
#include "core/store/families.h"
#include "core/store/index_entries.h"
#include "core/store/key_format.h"
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

}  // namespace

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
  if (!from || *from <= first || !marker->has_value()) {
    return ScanByEffectiveAt(options, size, fund_id, first, to, visit);
  }
  // Periods that start before `from` and end on or after it (or never): for
  // class c >= 1 they start at most 2^(c-1) - 1 days before `from`; open
  // ones (class 0) may start on any earlier day.
  const std::string from_day = FormatDay(*from);
  const std::string to_day = FormatDay(to);
  std::vector<Reaching> reaching;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(options, families_->index()));
  for (uint8_t length_class = 0; length_class <= kPeriodClassMax;
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
  for (const Reaching& period : reaching) {
    absl::StatusOr<std::string> raw = ReadRawAt(options, size, period.seq);
    v1::StoredRecord record;
    if (raw.ok() &&
        !record.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
      raw = absl::DataLossError("it does not parse as a StoredRecord");
    }
    if (!raw.ok()) {
      return absl::DataLossError(absl::StrCat("index names record ", period.seq,
                                              ": ", raw.status().message()));
    }
    if (absl::Status s = visit(record); !s.ok()) return s;
  }
  if (*from > to) return absl::OkStatus();
  return ScanByEffectiveAt(options, size, fund_id, *from, to, visit);
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
