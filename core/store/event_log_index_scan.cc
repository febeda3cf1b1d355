// Scanning the whole `index` family, for verification.
#include <memory>

#include "core/store/event_log.h"
#include "core/store/families.h"
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
