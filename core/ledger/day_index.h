// Internal: prefix sums by effective day of the money facts a query without
// known_at can sum without visiting them one by one.
//
// Such a query counts every fact version whose known interval is open-ended.
// A policy-kind fact with an amount and a single effective day lands, in a
// fund's plan, in bucket (kind, zone, zone, whole) where zone is the number
// of plan boundaries before its day's interior point; so per (fund, kind)
// the facts sorted by day and a prefix sum of their amounts give each zone's
// bucket with two binary searches. Facts over periods are copied into one
// contiguous list visited as before; vouchers stay a list of indexes (their
// rows keep seq order); facts without an amount add nothing but their fund.
// Amounts are > 0, so a bucket sum overflows exactly when the facts' running
// sum would; an index whose prefix sums overflow is not built.
#ifndef FUNDLOG_CORE_LEDGER_DAY_INDEX_H_
#define FUNDLOG_CORE_LEDGER_DAY_INDEX_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "core/ledger/facts.h"

namespace fundlog::ledger::internal {

struct DayIndex {
  struct Group {
    uint32_t fund = kNoName;
    FactKind kind = FactKind::kAllocation;
    std::vector<int32_t> days;    // ascending
    std::vector<int64_t> prefix;  // prefix[i]: sum of the first i amounts
  };
  uint64_t size = 0;          // Projector::size() it was built at
  std::vector<Group> groups;  // by (fund, kind)
  // Policy-kind facts with an amount over several days, copied so a query
  // reads them sequentially rather than scattered among all facts.
  std::vector<MoneyFact> periods;
  std::vector<uint32_t> residual;  // vouchers: money_ indexes, ascending
  // Each fund's first open-ended fact (money_ index), ascending: the order
  // in which a full pass would meet the funds.
  std::vector<std::pair<uint32_t, uint32_t>> first_fact;  // (index, fund)
};

// Builds the index over `money`; nullptr when a prefix sum overflows.
std::unique_ptr<DayIndex> BuildDayIndex(const std::vector<MoneyFact>& money,
                                        uint64_t size);

}  // namespace fundlog::ledger::internal

#endif  // FUNDLOG_CORE_LEDGER_DAY_INDEX_H_
