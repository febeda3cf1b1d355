// The ledger sections of the audit report: year-end balances of each fund's
// balance-sheet line under every view, and totals set against the amounts the
// sources state.
#ifndef FUNDLOG_CORE_AUDIT_REPORT_LEDGER_H_
#define FUNDLOG_CORE_AUDIT_REPORT_LEDGER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/audit/lang.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

// Year-end table from the first year any fact is effective to the year after
// the last, for each fund line: the accounts a policy bounds or a close-out
// empties (all accounts when there are none). Ranges print as "min – max".
absl::StatusOr<std::string> YearEndSection(
    const std::vector<v1::StoredRecord>& records, Lang lang = Lang::kEn);

// Totals by kind under every view over the span of the money facts that
// state an amount, followed by those facts with their sources, and whether
// each kind's total agrees with the sum of its stated amounts.
absl::StatusOr<std::string> TotalsSection(
    const std::vector<v1::StoredRecord>& records, Lang lang = Lang::kEn);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_REPORT_LEDGER_H_
