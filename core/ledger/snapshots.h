// Projector snapshots in the log's `derived` family, so a query folds a
// snapshot plus the records after it instead of the whole log.
//
// A snapshot is derived data: it is used only while the Merkle root it was
// taken at still equals the log's root at that size, and it is ignored (the
// query falls back to a full replay) when it is missing, undecodable, larger
// than the log, or its root no longer matches. Answers with and without a
// snapshot are identical; rebuild throws derived data away and recomputes it.
// The key grammar and value format are written down in snapshots.cc.
//
// Policy: one snapshot, the newest, is kept (a query only ever resumes from
// the newest valid one, and each holds the whole state). Commands that write
// call RefreshSnapshots after appending; it writes a new snapshot once at
// least `every_events` records lie past the current one, so a query folds at
// most that many records on top of the snapshot.
//
// Thread safety: free functions; concurrent calls on one log are safe for
// readers, and writers rely on the EventLog's own serialisation (a snapshot
// is one Put, so a reader sees the old or the new one, never a mix).
#ifndef FUNDLOG_CORE_LEDGER_SNAPSHOTS_H_
#define FUNDLOG_CORE_LEDGER_SNAPSHOTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/ledger/known_pages.h"
#include "core/ledger/projector.h"
#include "core/store/event_log.h"

namespace fundlog::ledger {

// Records a query may fold past the newest snapshot before a writing
// command takes a new one.
inline constexpr uint64_t kSnapshotEveryEvents = 50'000;

struct SnapshotOptions {
  uint64_t every_events = kSnapshotEveryEvents;  // >= 1
};

// A projector of the whole log, and how it was obtained.
struct LoadedProjector {
  Projector projector;
  uint64_t snapshot_size = 0;  // records the snapshot covered; 0: none used
  uint64_t tail_events = 0;    // records folded after it
  // Why a stored snapshot was not used (empty when one was, or none exists):
  // e.g. "root mismatch at size 20000".
  std::string ignored;
};

// Folds the log's records 0..Size()-1, resuming from the newest valid
// snapshot when there is one. Never writes. Errors: storage errors pass
// through (kDataLoss for a damaged record or tree); a record Projector::Add
// rejects fails the load with Add's status, exactly as a full replay does.
absl::StatusOr<LoadedProjector> LoadProjector(const EventLog& log);

// As LoadProjector, but from the query state when one covers the whole log
// (then the projector is light: Projector::FromQueryState) and otherwise
// exactly as LoadProjector (`ignored` then says why the query state was not
// used). For queries without known_at: BalancesAt and StatementFor. Never
// writes; errors as LoadProjector.
// With `known`, the light projector also gets the stored known state (for
// queries with known_at) when it covers the same size and checks out; it
// reads the known state's pages through `log` as queries need them, keeping
// up to `known_cache_bytes` of decoded nodes (known_pages.h), so it must not
// outlive `log`.
absl::StatusOr<LoadedProjector> LoadQueryProjector(
    const EventLog& log, bool known = false,
    size_t known_cache_bytes = internal::kKnownCacheBytes);

// `ask(projector)` on the light projector of LoadQueryProjector (with the
// known state when `known_at`), or, when that projector is light and
// cannot answer exactly (kFailedPrecondition), on LoadProjector's: a
// replay's answer, at the cost of the query state where it serves. Errors
// as LoadProjector's, and `ask`'s.
template <typename Ask>
auto AskLightOrFull(const EventLog& log, bool known_at, Ask ask)
    -> decltype(ask(std::declval<const Projector&>())) {
  {
    absl::StatusOr<LoadedProjector> light = LoadQueryProjector(log, known_at);
    if (!light.ok()) return light.status();
    auto answer = ask(light->projector);
    if (!light->projector.light() ||
        !absl::IsFailedPrecondition(answer.status())) {
      return answer;
    }
  }
  absl::StatusOr<LoadedProjector> loaded = LoadProjector(log);
  if (!loaded.ok()) return loaded.status();
  return ask(loaded->projector);
}

// The light projector of the query state when one covers the whole log and
// checks out (as LoadQueryProjector uses it); nullopt otherwise, with why
// in `ignored` (when not null) if a stored one was not used. Never folds
// records. Storage errors pass through.
absl::StatusOr<std::optional<Projector>> LoadQueryState(
    const EventLog& log, std::string* ignored = nullptr, bool known = false,
    size_t known_cache_bytes = internal::kKnownCacheBytes);

// What a snapshot write did.
struct SnapshotWrite {
  bool written = false;
  uint64_t size = 0;           // records the snapshot covers (when written)
  uint64_t bytes = 0;          // stored value size
  uint64_t folded = 0;         // records folded to make it
  std::string ignored;         // as LoadedProjector::ignored
  bool query_written = false;  // the query state (LoadQueryProjector)
  uint64_t query_size = 0;     // records it covers (when written)
  uint64_t query_bytes = 0;
  uint64_t known_bytes = 0;  // the known state (written with the query state)
};

// Writes a snapshot at the log's current size when at least
// options.every_events records lie past the newest valid snapshot (or none
// is valid and the log holds that many), and the query state at the log's
// size whenever the stored one covers fewer records (so a query after any
// writing command reads the query state alone; the cost is a load of the
// projector per writing command). The log must be open for writing
// (kFailedPrecondition otherwise); errors as LoadProjector plus write errors.
absl::StatusOr<SnapshotWrite> RefreshSnapshots(
    EventLog& log, const SnapshotOptions& options = {});

// Writes a snapshot and the query state at the log's current size
// unconditionally (nothing for an empty log). Errors as RefreshSnapshots.
absl::StatusOr<SnapshotWrite> WriteSnapshot(EventLog& log);

// Deletes all derived data, then folds the whole log and writes a snapshot
// and the query state at its size. Errors as RefreshSnapshots.
absl::StatusOr<SnapshotWrite> RebuildSnapshots(EventLog& log);

// As RebuildSnapshots, for a projector the caller folded over the whole log
// itself (`fundlog rebuild` folds in the index's pass over the records,
// EventLog::RebuildIndex): deletes all derived data, then writes a snapshot
// and the query state of `projector`. kFailedPrecondition unless
// projector.size() == log.Size(); otherwise errors as RefreshSnapshots.
absl::StatusOr<SnapshotWrite> RebuildSnapshotsFrom(EventLog& log,
                                                   const Projector& projector);

// For verify: whether the stored snapshot and query state are what a replay
// of the records each covers gives (one replay, in the order of their
// sizes; the findings joined by "; "). Returns "" when there is no snapshot,
// when it matches, or when the records it covers cannot be replayed (damage
// that the integrity check names); otherwise why it cannot be trusted (a
// changed byte that its SHA-256 catches, a header that no longer fits the log,
// or a state that differs from the replay although its hash matches). Never
// writes. Storage errors other than damage pass through.
absl::StatusOr<std::string> AuditSnapshot(const EventLog& log);

// AuditSnapshot in parts, for a caller whose own replay serves (verify's
// ledger check, through its ReplayObserver), so that verify replays the
// log once. Prepare reads the stored values and checks each header against
// the log and its state against its SHA-256 (findings so far, never the
// state decoded); Observe, given the replay at any size, compares its
// state's digest with each stored value covering exactly that size; sizes()
// are those sizes, ascending. Findings() is what AuditSnapshot returns once
// the replay has been shown at every size up to the log's (a value whose
// size the replay never reached, damage stopping it, is not judged).
class SnapshotAudit {
 public:
  static absl::StatusOr<SnapshotAudit> Prepare(const EventLog& log);
  void Observe(const Projector& replayed);
  std::vector<uint64_t> sizes() const;
  std::string Findings() const;

 private:
  // One stored value compared with the replay by the SHA-256 of its state.
  struct Audited {
    std::string what;  // "ledger snapshot", "ledger query state"
    uint64_t size = 0;
    std::string state_sha256;
    std::string (Projector::*digest)() const;
  };
  std::vector<Audited> audited_;  // by size
  size_t next_ = 0;               // the first not yet compared
  std::vector<std::string> findings_;
};

// The derived keys of the snapshot, the query state and the known state
// (format in snapshots.cc).
std::string SnapshotKey();
std::string QueryStateKey();
std::string KnownStateKey();

}  // namespace fundlog::ledger

#endif  // FUNDLOG_CORE_LEDGER_SNAPSHOTS_H_
