// Internal: prefix sums by effective day of the money facts a query can sum
// without visiting them one by one.
//
// A query without known_at counts every fact version whose known interval is
// open-ended; one with known_at the versions known then (KnownSums below,
// docs/query_state.md).
// A policy-kind fact with an amount lands, in a fund's plan, in bucket
// (kind, zone of its first day, zone of its last day capped at the query's
// day, whole by then). Zones are cut by plan boundaries, which never fall on
// a fact's interior point, so a boundary acts as the gap after one day.
//
// Single-day facts: per (fund, kind) the distinct days and prefix sums of the
// amounts, so each zone's bucket costs two binary searches.
//
// Period facts (several days or open): per (fund, kind) prefix sums by first
// day and by last day, and, for each "gap" day g near a policy change or
// transition of the fund (where a plan boundary can fall), the facts that
// cross it (first day <= g < last day) summed by last day. With those, every
// bucket is a sum of O(1) two-dimensional dominance counts (see
// AddPeriodGroup in queries.cc). A plan boundary at a gap the index does not
// hold (a statement's window marker, a transition ordered just before the
// query's day) costs a visit of the facts that lie wholly between it and a
// later cut, from the group's facts kept sorted by first day.
//
// The sums are indexed by distinct day, so they grow with the span of days
// and the number of transitions, not with the number of facts; the copy of
// the period facts and the voucher list still grow with the log.
// Amounts are > 0, so a bucket sum overflows only when the group's total
// would; an index whose group totals overflow is not built.
#ifndef FUNDLOG_CORE_LEDGER_DAY_INDEX_H_
#define FUNDLOG_CORE_LEDGER_DAY_INDEX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/ledger/facts.h"

namespace fundlog::ledger::internal {

class KnownPages;  // known_pages.h

// Amounts by distinct day: sums[i] is the total of days[0..i).
struct DaySums {
  std::vector<int32_t> days;  // ascending, distinct
  std::vector<int64_t> sums;  // days.size() + 1 entries, sums[0] == 0
  // Total of the amounts on days <= `day`.
  int64_t UpTo(int64_t day) const;
  int64_t Total() const { return sums.back(); }
};

// Amounts by distinct day as known on any day. `all` sums the versions
// whose known interval is open-ended (a query without known_at). Each
// version known [from, until) also gives two signed entries, +amount at
// known day `from` and -amount at `until` (none when open-ended), so the
// versions known on K are the entries with known day <= K, summed by
// distinct effective day in nodes over the distinct known days (1-based):
// node i is the Fenwick node of known days (i - lowbit(i), i] when i is a
// multiple of 32, else a leaf, the entries of known day i alone. A lookup
// costs at most 31 leaf and O(log known days) node binary searches; the
// nodes hold each entry once as a leaf plus once per Fenwick level above
// the runs of 32.
struct KnownSums {
  DaySums all;
  std::vector<int32_t> known;  // distinct known days of the entries
  // The nodes, flat: node i (1-based) holds the entries
  // [node_end[i - 2] (0 for i == 1), node_end[i - 1]) of node_days
  // (ascending, distinct within a node) and node_sums (the node's running
  // sum up to and including that day).
  std::vector<uint32_t> node_end;
  std::vector<int32_t> node_days;
  std::vector<int64_t> node_sums;
  // In a light projector's index, the stored pages that hold this tree's
  // known days and nodes (tree `tree` of them) instead of the vectors
  // above; null otherwise.
  const KnownPages* pages = nullptr;
  uint32_t tree = 0;
  // Total of the versions on days <= `day` known on `known_at` (without:
  // the open-ended ones). Exact when the true total fits int64.
  int64_t UpTo(int64_t day, std::optional<int32_t> known_at) const;
  int64_t Total(std::optional<int32_t> known_at) const;
};

// A version of a money fact as an entry of KnownSums: amount on `day`,
// known [from, until).
struct KnownEntry {
  int32_t day = 0;
  Known known;
  int64_t amount = 0;
};
// Builds `out` from `entries`; false when a sum overflows.
bool MakeKnownSums(const std::vector<KnownEntry>& entries, KnownSums* out);

struct DayIndex {
  struct Group {
    uint32_t fund = kNoName;
    FactKind kind = FactKind::kAllocation;
    KnownSums sums;  // single-day facts by day
  };
  struct PeriodGroup {
    uint32_t fund = kNoName;
    FactKind kind = FactKind::kAllocation;
    KnownSums by_first;  // by from_day
    KnownSums by_last;   // by to_day; open periods (kDayOpen) last
    // Gap day -> the facts with from_day <= gap < to_day, by to_day.
    absl::flat_hash_map<int32_t, KnownSums> crossing;
    // This group's fact versions in `periods`: [begin, end), by from_day.
    size_t begin = 0;
    size_t end = 0;
  };
  // Policy-kind facts without an amount (a budget-frame use may state
  // none), counted by first day and by last day (open periods last).
  struct UnstatedGroup {
    uint32_t fund = kNoName;
    FactKind kind = FactKind::kAllocation;
    KnownSums by_first;
    KnownSums by_last;
  };
  // Per fund, the money fact versions (money_ indexes, ascending) whose
  // known interval the earlier ones in the list do not cover: the first of
  // them known on K is the fund's first fact known on K. `complete` false
  // when the list was cut short (then a K none of them covers is not
  // answered).
  struct FirstCandidates {
    uint32_t fund = kNoName;
    std::vector<std::pair<uint32_t, Known>> versions;
    bool complete = true;
  };
  uint64_t size = 0;                       // Projector::size() it was built at
  std::vector<Group> groups;               // by (fund, kind)
  std::vector<PeriodGroup> period_groups;  // by (fund, kind)
  std::vector<UnstatedGroup> unstated;     // by (fund, kind)
  // Policy-kind fact versions with an amount over several days, by (fund,
  // kind, from_day), whatever their known interval.
  std::vector<MoneyFact> periods;
  // False in a light projector's index (query_state.cc): `periods` is empty
  // and a query that would visit period facts one by one cannot be answered.
  bool periods_kept = true;
  // False in a light projector's index until its known state is attached
  // (query_state.cc): the KnownSums hold `all` alone, and a query with
  // known_at cannot be answered from it.
  bool known_kept = true;
  // The pages the KnownSums of a light projector's index read (null in a
  // full projector's); a failed page read makes a known_at query refuse.
  std::shared_ptr<const KnownPages> known_pages;
  // True when a known_at answer from this index may be trusted: no page
  // read has failed.
  bool KnownIntact() const;
  // Vouchers and opening balances (money_ indexes, ascending): the
  // open-ended versions, and every version (for known_at).
  std::vector<uint32_t> residual;
  std::vector<uint32_t> residual_all;
  // Each fund's first open-ended fact (money_ index), ascending: the order
  // in which a full pass would meet the funds.
  std::vector<std::pair<uint32_t, uint32_t>> first_fact;  // (index, fund)
  std::vector<FirstCandidates> first_candidates;          // by fund
};

// The (money_ index, fund) of each fund's first fact version known on
// `known_at`, ascending, as a full pass would meet the funds; false when a
// cut-short candidate list cannot tell.
bool FirstFactsAt(const DayIndex& index, int32_t known_at,
                  std::vector<std::pair<uint32_t, uint32_t>>* out);

// Builds the index over `money` (every version, each with its known
// interval), with crossing sums at `gaps` (per fund, the days after which a
// plan boundary may fall); nullptr when a sum overflows.
std::unique_ptr<DayIndex> BuildDayIndex(
    const std::vector<MoneyFact>& money,
    const absl::flat_hash_map<uint32_t, std::vector<int32_t>>& gaps,
    uint64_t size);

}  // namespace fundlog::ledger::internal

#endif  // FUNDLOG_CORE_LEDGER_DAY_INDEX_H_
