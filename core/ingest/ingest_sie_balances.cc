// The log's balances an SIE import of the next year needs (see
// sie::ImportOptions::balances_at): the year-end closing its #IB 0 implies
// is derived from them.
#include <vector>

#include "core/ingest/internal.h"
#include "core/ledger/ledger.h"

namespace fundlog::ingest::internal {

sie::BalancesAt LogBalances(const EventLog& log) {
  return [&log](const std::string& fund_id, absl::CivilDay day)
             -> absl::StatusOr<
                 absl::flat_hash_map<std::string, sie::KnownBalance>> {
    // The whole log, once per import that continues a year: a small cost
    // beside the import for the logs fundlog keeps (docs/ingest.md).
    std::vector<v1::StoredRecord> records;
    absl::flat_hash_map<std::string, v1::AccountType> types;
    absl::Status scanned =
        log.Scan(0, log.Size(), [&](const v1::StoredRecord& record) {
          for (const v1::Account& a :
               record.event().accounts_defined().accounts()) {
            types[a.id()] = a.type();
          }
          records.push_back(record);
          return absl::OkStatus();
        });
    if (!scanned.ok()) return scanned;
    ledger::BalanceQuery query;
    query.as_of = day;
    query.fund_id = fund_id;
    absl::StatusOr<std::vector<ledger::AccountRange>> got =
        ledger::Balances(records, query);
    if (!got.ok()) return got.status();
    absl::flat_hash_map<std::string, sie::KnownBalance> out;
    for (const ledger::AccountRange& range : *got) {
      sie::KnownBalance& known = out[range.account];
      auto it = types.find(range.account);
      known.type =
          it == types.end() ? v1::ACCOUNT_TYPE_UNSPECIFIED : it->second;
      known.exact = range.min_ore == range.max_ore;
      const bool debit_normal = known.type == v1::ASSET ||
                                known.type == v1::EXPENSE ||
                                known.type == v1::ACCOUNT_TYPE_UNSPECIFIED;
      known.debit_ore = debit_normal ? range.min_ore : -range.min_ore;
    }
    return out;
  };
}

}  // namespace fundlog::ingest::internal
