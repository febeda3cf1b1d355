// Scanning the whole `index` family, for verification.
#include <memory>

#include "core/store/event_log.h"
#include "core/store/families.h"
#include "core/store/rocks_status.h"
#include "rocksdb/db.h"

namespace fundlog {

absl::Status EventLog::ScanIndex(const IndexVisitor& visit) const {
  // One snapshot for the whole scan, so that an append running beside it
  // is either wholly seen or not at all.
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  rocksdb::ReadOptions options;
  options.snapshot = snapshot;
  absl::Status result;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(options, families_->index()));
    for (it->SeekToFirst(); it->Valid() && result.ok(); it->Next()) {
      result = visit(ToView(it->key()), ToView(it->value()));
    }
    if (result.ok()) result = FromRocks(it->status(), "scan index");
  }
  db_->ReleaseSnapshot(snapshot);
  return result;
}

}  // namespace fundlog
