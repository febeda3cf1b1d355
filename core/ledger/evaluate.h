// Internal: the ranges money facts give accounts in one scenario.
//
// Within a scenario, a fact's part in slot k is y_k >= 0 with sum y in
// [full ? 1 : 0, 1] over the slots its period allows; what slot k sends to an
// account is a fixed coefficient (the slot's posting rule, moved on by later
// steps that empty accounts). The extremes of such a linear function lie at
// vertices, so each account's min and max over one fact is a min/max over
// its slots (with 0 when the fact need not be whole, or a slot misses the
// account). Facts are independent, so a scenario's range is the sum over
// facts. Facts of one kind with the same zones and completeness are summed
// into one bucket first: a query costs one pass over facts plus
// O(scenarios x buckets).
#ifndef FUNDLOG_CORE_LEDGER_EVALUATE_H_
#define FUNDLOG_CORE_LEDGER_EVALUATE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "core/ledger/context.h"
#include "core/ledger/facts.h"
#include "core/ledger/scenarios.h"

namespace fundlog::ledger::internal {

// Policy-kind facts summed by (kind, zone_from, zone_to, full); vouchers
// and opening balances one by one.
struct Bucket {
  FactKind kind = FactKind::kAllocation;
  int zone_from = 0;
  int zone_to = 0;
  bool full = false;  // the fact has wholly happened by the query's end
  int64_t amount = 0;
  const MoneyFact* rows_fact = nullptr;  // set for vouchers: rows, no amount
};

// `fact` as one bucket as of `end` (a time point) under `plan`'s zones;
// nullopt for a fact that starts after `end` or gives no amount.
std::optional<Bucket> MakeBucket(const FundPlan& plan, const MoneyFact& fact,
                                 int64_t end);

class FundBuckets {
 public:
  // Adds `fact` as of `end` (a time point) under `plan`'s zones. Facts that
  // start after `end`, or give no amount, add nothing. kOutOfRange when a
  // sum of amounts overflows int64.
  absl::Status Add(const FundPlan& plan, const MoneyFact& fact, int64_t end);
  // Adds `amount` (> 0), the sum of single-day facts of `kind` in `zone`
  // that are whole by the query's end, as Add of each would. kOutOfRange on
  // overflow.
  absl::Status AddZoneSum(FactKind kind, int zone, int64_t amount);
  // Adds `amount` (> 0), the sum of policy-kind facts of `kind` that would
  // each land in bucket (zone_from, zone_to, full). kOutOfRange on overflow.
  absl::Status AddSum(FactKind kind, int zone_from, int zone_to, bool full,
                      int64_t amount);
  // The buckets, in a deterministic order.
  std::vector<Bucket> Finish() const;

 private:
  absl::flat_hash_map<uint64_t, int64_t> sums_;
  std::vector<Bucket> rows_;
};

// Per dense account, a debit-signed [min, max].
struct Ranges {
  std::vector<int64_t> min;
  std::vector<int64_t> max;
  explicit Ranges(int accounts = 0) : min(accounts, 0), max(accounts, 0) {}
  // Adds `other` account by account; kOutOfRange on overflow.
  absl::Status Add(const Ranges& other);
  // Widens this to cover `other`.
  void Unite(const Ranges& other);
};

// Which part of a scenario to evaluate: slots [first, last]; with redirect,
// a slot's postings move on through the steps up to (not including) step
// `last`; kind >= 0 keeps only facts of that kind.
struct Probe {
  int first = 0;
  int last = 0;
  bool redirect = true;
  int kind = -1;
};

// Adds to `out` the ranges `buckets` give in `scenario` under `probe`.
// kOutOfRange on overflow.
absl::Status EvalProbe(const QueryContext& context, const Scenario& scenario,
                       const std::vector<Bucket>& buckets, const Probe& probe,
                       Ranges* out);

// The slots a fact in zones [zone_from, zone_to] may use in `scenario`:
// the first and last allowed, -1 when none.
std::pair<int, int> AllowedSpan(const Scenario& scenario, int zone_from,
                                int zone_to);

}  // namespace fundlog::ledger::internal

#endif  // FUNDLOG_CORE_LEDGER_EVALUATE_H_
