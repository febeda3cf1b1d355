// Everything `verify` checks that the records alone decide, in one scan of
// the records: integrity of records and tree (CheckIntegrity), the `index`
// family against the records (IndexCheck), corrections that point
// backwards, and the ledger snapshot against a replay. The ledger's own
// invariants (debits = credits, bounds, assertions, seals) come on top.
//
// Memory: bounded by the state of the ledger snapshot and the number of
// funds, policies, accounts and imported files; not by the number of
// records, and never by the size `meta` claims.
//
// Thread-safe as far as the EventLog is: reads only.
#ifndef FUNDLOG_CORE_AUDIT_VERIFY_LOG_H_
#define FUNDLOG_CORE_AUDIT_VERIFY_LOG_H_

#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "core/audit/integrity.h"
#include "core/merkle/checkpoint.h"
#include "core/store/event_log.h"

namespace fundlog {

// Finding kinds beyond integrity's "data_loss" (and index_check.h's):
inline constexpr char kCorrectionOrder[] = "correction_order";
inline constexpr char kDerivedMismatch[] = "derived_mismatch";

// The report of CheckIntegrity with the findings of the other checks
// appended: "index_mismatch", "duplicate_event_id", "duplicate_definition",
// "correction_order" (a correction naming a record that is not earlier, or
// recorded before the record it corrects) and "derived_mismatch" (a ledger
// snapshot that is damaged or differs from a replay). Non-OK only when the
// storage cannot be read for reasons other than damage.
absl::StatusOr<IntegrityReport> VerifyLog(
    const EventLog& log, const std::optional<merkle::Checkpoint>& checkpoint);

struct VerifyLogOptions {
  // Compare the ledger snapshot and query state with a replay of VerifyLog's
  // own. False: the caller does (ledger::SnapshotAudit, with its replay) and
  // adds the "derived_mismatch" finding itself.
  bool audit_snapshot = true;
  // Called with each record that parses, during the one scan, so that the
  // caller need not read the records again for what it gathers from them.
  std::function<void(const v1::StoredRecord&)> observe;
};

// As above, with `options`.
absl::StatusOr<IntegrityReport> VerifyLog(
    const EventLog& log, const std::optional<merkle::Checkpoint>& checkpoint,
    const VerifyLogOptions& options);

// True when a finding says records or tree are damaged ("data_loss"), so
// that checks needing every record readable must not run.
bool HasDataLoss(const IntegrityReport& report);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_VERIFY_LOG_H_
