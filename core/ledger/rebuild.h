// `fundlog rebuild` as one function: the index and every derived value of
// the ledger recomputed from the records in one pass over them.
//
// Thread-safety: as EventLog's writing methods (one writer at a time).
#ifndef FUNDLOG_CORE_LEDGER_REBUILD_H_
#define FUNDLOG_CORE_LEDGER_REBUILD_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/ledger/snapshots.h"
#include "core/store/event_log.h"

namespace fundlog::ledger {

struct Rebuilt {
  uint64_t index_entries = 0;
  double index_seconds = 0;  // the pass over the records, the fold included
  SnapshotWrite snapshot;
};

// Rebuilds the `index` family (EventLog::RebuildIndex) while folding every
// record into a projector in the same pass, then replaces all derived data
// by the snapshot and query state of that projector (RebuildSnapshotsFrom).
// Answers are those of RebuildIndex followed by RebuildSnapshots. A record
// the projector rejects fails the call with Add's status after the index is
// rebuilt and before derived data is touched; other errors as those two.
absl::StatusOr<Rebuilt> RebuildAll(EventLog& log);

}  // namespace fundlog::ledger

#endif  // FUNDLOG_CORE_LEDGER_REBUILD_H_
