// Scanning the `index` family: whole, for verification, or the names of
// one kind.
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/store/event_log.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "core/store/rocks_status.h"
#include "rocksdb/db.h"

namespace fundlog {

absl::Status EventLog::ScanIndexAt(const rocksdb::ReadOptions& options,
                                   const IndexVisitor& visit) const {
  absl::Status result;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(options, families_->index()));
  for (it->SeekToFirst(); it->Valid() && result.ok(); it->Next()) {
    result = visit(ToView(it->key()), ToView(it->value()));
  }
  if (result.ok()) result = FromRocks(it->status(), "scan index");
  return result;
}

absl::Status EventLog::ScanNamed(
    char kind,
    const std::function<absl::Status(absl::string_view, uint64_t)>& visit)
    const {
  if (kind != keys::kIndexFund && kind != keys::kIndexPolicy &&
      kind != keys::kIndexAccount) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no names of kind '", absl::string_view(&kind, 1), "' in the index"));
  }
  const std::string prefix(1, kind);
  const std::string end(1, static_cast<char>(kind + 1));
  const rocksdb::Slice upper = ToSlice(end);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(options, families_->index()));
  absl::Status result;
  for (it->Seek(ToSlice(prefix)); it->Valid() && result.ok(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    const absl::string_view name = key.substr(1);
    std::optional<uint64_t> seq = keys::DecodeU64(ToView(it->value()));
    if (!seq) {
      return absl::DataLossError(
          absl::StrCat("index entry for \"", name, "\" is unreadable"));
    }
    result = visit(name, *seq);
  }
  if (result.ok()) result = FromRocks(it->status(), "scan index names");
  return result;
}

absl::Status EventLog::ScanIndex(const IndexVisitor& visit) const {
  // One snapshot for the whole scan, so that an append running beside it
  // is either wholly seen or not at all.
  absl::StatusOr<LogView> view = NewView();
  if (!view.ok()) return view.status();
  return view->ScanIndex(visit);
}

absl::Status LogView::ScanIndex(const IndexVisitor& visit) const {
  return log_->ScanIndexAt(Options(), visit);
}

}  // namespace fundlog
