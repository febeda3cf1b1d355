// Private to core/ingest: the two kinds of import ImportFiles dispatches to.
#ifndef FUNDLOG_CORE_INGEST_INTERNAL_H_
#define FUNDLOG_CORE_INGEST_INTERNAL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/ingest/ingest.h"
#include "core/store/append_session.h"

namespace fundlog::ingest::internal {

// Event batch files, each one part of one session (ingest_batches.cc).
absl::StatusOr<ImportResult> ImportBatchFiles(
    EventLog& log, const std::vector<std::string>& paths,
    const ImportHooks& hooks);

// One SIE file in two streamed passes (ingest_sie.cc).
// The log's balances for sie::ImportOptions::balances_at; `log` must
// outlive the function.
sie::BalancesAt LogBalances(const EventLog& log);

absl::StatusOr<ImportResult> ImportSieFile(EventLog& log,
                                           const std::string& path,
                                           const std::string& fund_id,
                                           bool accept_findings,
                                           const ImportHooks& hooks);

// `status` with "; nothing written" appended to its message (OK stays OK).
absl::Status NothingWritten(const absl::Status& status);

// Commits `session`, saying what a failure leaves behind.
absl::StatusOr<AppendResult> CommitImport(AppendSession& session);

}  // namespace fundlog::ingest::internal

#endif  // FUNDLOG_CORE_INGEST_INTERNAL_H_
