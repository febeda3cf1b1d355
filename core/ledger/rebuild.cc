#include "core/ledger/rebuild.h"

#include "absl/time/clock.h"
#include "core/ledger/projector.h"

namespace fundlog::ledger {

absl::StatusOr<Rebuilt> RebuildAll(EventLog& log) {
  Rebuilt out;
  const absl::Time start = absl::Now();
  Projector projector;
  absl::Status folded = absl::OkStatus();
  absl::StatusOr<uint64_t> index =
      log.RebuildIndex([&](const v1::StoredRecord& record) {
        if (folded.ok()) folded = projector.Add(record);
        return absl::OkStatus();
      });
  if (!index.ok()) return index.status();
  out.index_entries = *index;
  out.index_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!folded.ok()) return folded;
  absl::StatusOr<SnapshotWrite> written = RebuildSnapshotsFrom(log, projector);
  if (!written.ok()) return written.status();
  out.snapshot = *std::move(written);
  return out;
}

}  // namespace fundlog::ledger
