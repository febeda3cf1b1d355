// The log's balances an SIE import of the next year needs (see
// sie::ImportOptions::balances_at): the year-end closing its #IB 0 implies
// is derived from them.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "core/ingest/internal.h"
#include "core/ledger/ledger.h"
#include "core/ledger/snapshots.h"
#include "core/store/key_format.h"

namespace fundlog::ingest::internal {
namespace {

// The type of every account the log defines, from the records that define
// them (the index names them): a read per such record, not a scan.
absl::StatusOr<absl::flat_hash_map<std::string, v1::AccountType>> AccountTypes(
    const EventLog& log) {
  absl::btree_set<uint64_t> defining;
  absl::Status named =
      log.ScanNamed(keys::kIndexAccount, [&](absl::string_view, uint64_t seq) {
        defining.insert(seq);
        return absl::OkStatus();
      });
  if (!named.ok()) return named;
  absl::flat_hash_map<std::string, v1::AccountType> types;
  for (uint64_t seq : defining) {
    absl::StatusOr<v1::StoredRecord> record = log.Read(seq);
    if (!record.ok()) return record.status();
    for (const v1::Account& a : record->event().accounts_defined().accounts()) {
      types[a.id()] = a.type();
    }
  }
  return types;
}

}  // namespace

sie::BalancesAt LogBalances(const EventLog& log) {
  return [&log](const std::string& fund_id, absl::CivilDay day)
             -> absl::StatusOr<
                 absl::flat_hash_map<std::string, sie::KnownBalance>> {
    // From the query state when it covers the log (a replay's answer
    // otherwise), once per import that continues a year.
    absl::StatusOr<absl::flat_hash_map<std::string, v1::AccountType>> types =
        AccountTypes(log);
    if (!types.ok()) return types.status();
    ledger::BalanceQuery query;
    query.as_of = day;
    query.fund_id = fund_id;
    absl::StatusOr<std::vector<ledger::AccountRange>> got =
        ledger::AskLightOrFull(
            log, /*known_at=*/false,
            [&](const ledger::Projector& p) { return p.BalancesAt(query); });
    if (!got.ok()) return got.status();
    absl::flat_hash_map<std::string, sie::KnownBalance> out;
    for (const ledger::AccountRange& range : *got) {
      sie::KnownBalance& known = out[range.account];
      auto it = types->find(range.account);
      known.type =
          it == types->end() ? v1::ACCOUNT_TYPE_UNSPECIFIED : it->second;
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
