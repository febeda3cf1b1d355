// `fundlog verify` as a function: everything it checks, with the result as
// the JSON document `verify --json` prints. The CLI and `fundlog serve`
// (which runs it in the background) share it.
//
// Thread-safe as far as the EventLog is: reads only.
#ifndef FUNDLOG_CORE_AUDIT_VERIFY_RESULT_H_
#define FUNDLOG_CORE_AUDIT_VERIFY_RESULT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "core/audit/integrity.h"
#include "core/merkle/checkpoint.h"
#include "core/store/event_log.h"

namespace fundlog {

struct VerifyResult {
  IntegrityReport report;  // every finding, integrity and ledger
  int assertions = 0;      // balance assertions checked
  // One "derived: record N (fund): note" line per row an SIE import
  // derived rather than read (not findings).
  std::string derived;
  bool ok() const { return report.findings.empty(); }
};

// VerifyLog (records, tree, index, snapshots, corrections, `checkpoint`),
// then, unless records are damaged, the ledger's invariants (debits =
// credits under every view, bounds, assertions, seals). Non-OK only when
// storage cannot be read for reasons other than damage.
absl::StatusOr<VerifyResult> VerifyEverything(
    const EventLog& log, const std::optional<merkle::Checkpoint>& checkpoint);

// {"ok", "tree_size", "root_hash", "findings": [{"seq" (null when none),
// "kind", "detail"}]} and a newline.
std::string VerifyJson(const VerifyResult& result);

// The text `verify` prints: tree size and root, one line per finding, the
// derived rows, and a closing sentence.
std::string VerifyText(const VerifyResult& result);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_VERIFY_RESULT_H_
