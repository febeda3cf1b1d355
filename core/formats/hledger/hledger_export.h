// hledger journal export of a log, for auditors who check figures with
// plain-text accounting tools.
//
// One transaction per posting group (one event's exact postings), dated on
// the event's effective day (a period fact on its last day, its description
// saying "[period FROM..TO]"), amounts in SEK with two decimals, debit
// positive. Accounts read "<type>:<number> <name>" with the top level in
// hledger's English type names (assets, liabilities, equity, revenues,
// expenses), so `hledger bal` groups them. BalanceAsserted events and sealed
// statements become balance assertions ("= X SEK") after the day's other
// transactions, where the journal's own running balance reaches them;
// postings and assertions that are ranges become comment lines (";
// fundlog range ..."), as hledger cannot state a range. So `hledger -f F bal
// -e D` gives `fundlog balance --as-of D-1` for every account exact there.
//
// Thread-safe: free functions.
#ifndef FUNDLOG_CORE_FORMATS_HLEDGER_HLEDGER_EXPORT_H_
#define FUNDLOG_CORE_FORMATS_HLEDGER_HLEDGER_EXPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/ledger/ledger.h"

namespace fundlog {

struct HledgerExportOptions {
  ledger::View view = ledger::View::kReported;
  std::string fund_id;  // empty: every fund
};

// The journal's text (UTF-8). Errors as ledger::Postings.
absl::StatusOr<std::string> ExportHledger(
    absl::Span<const v1::StoredRecord> records,
    const HledgerExportOptions& options);

// The account name the journal gives `account`: "assets:1930 Likvida medel".
std::string HledgerAccountName(const v1::Account& account);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_FORMATS_HLEDGER_HLEDGER_EXPORT_H_
