// Integrity verification: re-reads every record, recomputes every leaf, every
// stored complete-subtree node and the root, and checks that the log extends
// an older signed checkpoint.
//
// Thread-safe as far as the EventLog is: reads only.
#ifndef FUNDLOG_CORE_AUDIT_INTEGRITY_H_
#define FUNDLOG_CORE_AUDIT_INTEGRITY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/merkle/checkpoint.h"
#include "core/merkle/merkle.h"
#include "core/store/event_log.h"

namespace fundlog {

// One thing verification found wrong. `seq` names the record (or the first
// record a damaged node covers) when there is one.
struct Finding {
  std::optional<uint64_t> seq;
  std::string kind;  // "data_loss" for integrity; ledger kinds otherwise
  std::string detail;
};

struct IntegrityReport {
  uint64_t tree_size = 0;  // the log's size
  merkle::Hash root{};     // recomputed from the records, not read
  std::vector<Finding> findings;
};

// Called with each record that carries its own seq, in seq order, during the
// one scan of the records, so that other checks need not read them again.
// A non-OK status stops the scan and is returned.
using RecordObserver =
    std::function<absl::Status(uint64_t seq, absl::string_view bytes)>;

// Reports, as "data_loss" findings: a record changed in place (its leaf no
// longer matches the tree, whose stored nodes still agree with each other),
// a stored leaf node changed (the record and the nodes above agree), records
// missing from the middle (one finding per run) or the end (truncation; or a
// stored size claiming more records than are stored), a record that does not
// parse or carries the wrong seq, a record stored beyond the log's size, a
// stored node that disagrees with the records, and, given `checkpoint`, a
// checkpoint the log no longer extends. Time and memory follow the records
// and nodes actually stored, not the stored size. Non-OK only when the
// storage itself cannot be read (or `observe` fails).
// Reads everything through `view`, one consistent prefix of the log: an
// append running beside the check is either wholly seen or not at all.
absl::StatusOr<IntegrityReport> CheckIntegrity(
    const LogView& view, const std::optional<merkle::Checkpoint>& checkpoint,
    const RecordObserver& observe = nullptr);

// As above, through a view of `log` made for this check.
absl::StatusOr<IntegrityReport> CheckIntegrity(
    const EventLog& log, const std::optional<merkle::Checkpoint>& checkpoint,
    const RecordObserver& observe = nullptr);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_INTEGRITY_H_
