// The ledger as the CLI and the report present it: loading records,
// balances, statements and totals as text tables and JSON, seals and
// synthetic histories appended to a log.
#ifndef FUNDLOG_CORE_AUDIT_LEDGER_VIEWS_H_
#define FUNDLOG_CORE_AUDIT_LEDGER_VIEWS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "core/ledger/ledger.h"
#include "core/store/event_log.h"

namespace fundlog {

// Every record of the log, in sequence order. Storage errors pass through.
absl::StatusOr<std::vector<v1::StoredRecord>> LoadRecords(const EventLog& log);

// Balances for `query`, from the log: the newest valid snapshot in the
// `derived` family plus the records after it (a full replay without one;
// see core/ledger/snapshots.h). Never writes. Errors as LoadProjector and
// Projector::BalancesAt.
absl::StatusOr<std::vector<ledger::AccountRange>> QueryBalances(
    const EventLog& log, const ledger::BalanceQuery& query);
// The same for a year statement and for totals.
absl::StatusOr<ledger::Statement> QueryStatement(
    const EventLog& log, const ledger::StatementQuery& query);
absl::StatusOr<std::vector<ledger::KindTotal>> QueryTotals(
    const EventLog& log, const ledger::TotalsQuery& query);

// {"as_of", "known_at" (null when unset), "view", "fund",
//  "accounts": [{"account", "name", "min_ore", "max_ore", "exact"}]}
std::string BalancesJson(const ledger::BalanceQuery& query,
                         const std::vector<ledger::AccountRange>& balances);
// An aligned table: account, name, balance (kronor; "min – max" for ranges).
std::string BalancesTable(const std::vector<ledger::AccountRange>& balances);

// {"year", "view", "opening": [...accounts], "movements": [{"account",
//  "kind", "min_ore", "max_ore"}], "closing": [...accounts]}
std::string StatementJson(const ledger::Statement& statement);
std::string StatementText(const ledger::Statement& statement);

// {"from", "to", "view", "totals": [{"kind", "min_ore", "max_ore", "exact",
//  "unstated"}]}
std::string TotalsJson(const ledger::TotalsQuery& query,
                       const std::vector<ledger::KindTotal>& totals);
std::string TotalsText(const ledger::TotalsQuery& query,
                       const std::vector<ledger::KindTotal>& totals);

// Appends a StatementSealed of every view as of `as_of` of the accounts of
// `fund_id`; when empty, of every account, named after the log's only fund
// (kInvalidArgument when there are several). An unknown fund fails as
// Balances does.
absl::StatusOr<AppendResult> AppendSeal(EventLog& log, absl::CivilDay as_of,
                                        const std::string& fund_id,
                                        const std::string& recorded_on,
                                        const std::string& recorded_by);

// Appends GenerateSynthetic(seed, events, funds), in batches, shifting its
// corrections' sequence numbers past what the log already holds. Returns
// how many events were appended.
absl::StatusOr<uint64_t> AppendSynthetic(EventLog& log, uint64_t seed,
                                         int events, int funds);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_LEDGER_VIEWS_H_
