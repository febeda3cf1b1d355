#include "core/ledger/day_index.h"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include "core/ledger/known_pages.h"

namespace fundlog::ledger::internal {
namespace {

// Known days per run (a power of two): node i of a KnownSums is a leaf (the
// entries of known day i alone) unless i is a multiple of it, when it is the
// Fenwick node of (i - lowbit(i), i]. Fewer levels to store than a whole
// Fenwick tree (the lower levels repeat each entry) for at most this many
// leaf lookups per query.
constexpr size_t kKnownLeafRun = 32;

uint64_t GroupKey(uint32_t fund, FactKind kind) {
  return (uint64_t{fund} << 8) | static_cast<uint8_t>(kind);
}

// Sums (day, amount) pairs by distinct day; false on overflow.
bool MakeDaySums(std::vector<std::pair<int32_t, int64_t>> amounts,
                 DaySums* out) {
  std::sort(amounts.begin(), amounts.end());
  out->days.clear();
  out->sums.assign(1, 0);
  for (const auto& [day, amount] : amounts) {
    if (out->days.empty() || out->days.back() != day) {
      out->days.push_back(day);
      out->sums.push_back(out->sums.back());
    }
    if (__builtin_add_overflow(out->sums.back(), amount, &out->sums.back())) {
      return false;
    }
  }
  return true;
}

constexpr size_t kMaxFirstCandidates = 32;

// Fills `group` from its fact versions (periods[begin, end)); false on
// overflow.
bool BuildPeriodGroup(const std::vector<MoneyFact>& periods,
                      const std::vector<int32_t>& gaps,
                      DayIndex::PeriodGroup* group) {
  std::vector<KnownEntry> first, last;
  for (size_t i = group->begin; i < group->end; ++i) {
    first.push_back({periods[i].from_day, periods[i].known, periods[i].amount});
    last.push_back({periods[i].to_day, periods[i].known, periods[i].amount});
  }
  if (!MakeKnownSums(first, &group->by_first) ||
      !MakeKnownSums(last, &group->by_last)) {
    return false;
  }
  for (int32_t gap : gaps) {
    std::vector<KnownEntry> crossing;
    // The group's facts are sorted by from_day.
    for (size_t i = group->begin; i < group->end && periods[i].from_day <= gap;
         ++i) {
      if (gap < periods[i].to_day) {
        crossing.push_back(
            {periods[i].to_day, periods[i].known, periods[i].amount});
      }
    }
    if (!MakeKnownSums(crossing, &group->crossing[gap])) return false;
  }
  return true;
}

// The known interval [from, until) with until >= from.
std::pair<int64_t, int64_t> Interval(const Known& known) {
  return {known.from, std::max<int64_t>(known.until, known.from)};
}

// Adds `fact` (money_ index `index`) to its fund's first candidates unless
// the intervals kept before it cover its own (`covered`: per fund, their
// union as disjoint sorted intervals).
void AddFirstCandidate(
    uint32_t index, const MoneyFact& fact,
    absl::flat_hash_map<uint32_t, size_t>* slot,
    absl::flat_hash_map<uint32_t, std::vector<std::pair<int64_t, int64_t>>>*
        covered,
    std::vector<DayIndex::FirstCandidates>* out) {
  auto [from, until] = Interval(fact.known);
  if (from == until) return;  // never known
  auto [it, inserted] = slot->try_emplace(fact.fund, out->size());
  if (inserted) out->push_back({fact.fund, {}, true});
  DayIndex::FirstCandidates& list = (*out)[it->second];
  if (!list.complete) return;
  std::vector<std::pair<int64_t, int64_t>>& have = (*covered)[fact.fund];
  for (const auto& [lo, hi] : have) {
    if (lo <= from && until <= hi) return;
  }
  if (list.versions.size() == kMaxFirstCandidates) {
    list.complete = false;
    return;
  }
  list.versions.emplace_back(index, fact.known);
  have.emplace_back(from, until);
  std::sort(have.begin(), have.end());
  std::vector<std::pair<int64_t, int64_t>> merged;
  for (const auto& interval : have) {
    if (!merged.empty() && interval.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, interval.second);
    } else {
      merged.push_back(interval);
    }
  }
  have = std::move(merged);
}

}  // namespace

int64_t DaySums::UpTo(int64_t day) const {
  const size_t n = static_cast<size_t>(
      std::upper_bound(days.begin(), days.end(), day) - days.begin());
  return sums[n];
}

int64_t KnownSums::UpTo(int64_t day, std::optional<int32_t> known_at) const {
  if (!known_at) return all.UpTo(day);
  if (pages != nullptr) return pages->UpTo(tree, day, *known_at);
  size_t i = static_cast<size_t>(
      std::upper_bound(known.begin(), known.end(), *known_at) - known.begin());
  // Wrapping sums: the entries' signed parts cancel to the exact total.
  uint64_t sum = 0;
  // Leaves up to a multiple of kKnownLeafRun, then the Fenwick nodes.
  for (bool leaf = true; i > 0; i = leaf ? i - 1 : i & (i - 1)) {
    leaf = (i % kKnownLeafRun) != 0;
    const size_t begin = i == 1 ? 0 : node_end[i - 2];
    const size_t end = node_end[i - 1];
    const size_t at =
        static_cast<size_t>(std::upper_bound(node_days.begin() + begin,
                                             node_days.begin() + end, day) -
                            node_days.begin());
    if (at > begin) sum += static_cast<uint64_t>(node_sums[at - 1]);
  }
  return static_cast<int64_t>(sum);
}

bool DayIndex::KnownIntact() const {
  return known_pages == nullptr || !known_pages->failed();
}

int64_t KnownSums::Total(std::optional<int32_t> known_at) const {
  return UpTo(std::numeric_limits<int64_t>::max(), known_at);
}

bool MakeKnownSums(const std::vector<KnownEntry>& entries, KnownSums* out) {
  std::vector<std::pair<int32_t, int64_t>> open;
  // (known day, day, signed amount)
  std::vector<std::tuple<int32_t, int32_t, int64_t>> signed_entries;
  for (const KnownEntry& e : entries) {
    if (e.known.until == kKnownForever) open.emplace_back(e.day, e.amount);
    const auto [from, until] = Interval(e.known);
    if (from == until) continue;
    signed_entries.emplace_back(e.known.from, e.day, e.amount);
    if (e.known.until != kKnownForever) {
      signed_entries.emplace_back(static_cast<int32_t>(until), e.day,
                                  -e.amount);
    }
  }
  if (!MakeDaySums(std::move(open), &out->all)) return false;
  std::sort(signed_entries.begin(), signed_entries.end());
  out->known.clear();
  for (const auto& entry : signed_entries) {
    if (out->known.empty() || out->known.back() != std::get<0>(entry)) {
      out->known.push_back(std::get<0>(entry));
    }
  }
  const size_t n = out->known.size();
  std::vector<std::vector<std::pair<int32_t, int64_t>>> nodes(n);
  size_t k = 0;  // 1-based index of the entry's known day
  for (size_t e = 0; e < signed_entries.size(); ++e) {
    if (e == 0 ||
        std::get<0>(signed_entries[e]) != std::get<0>(signed_entries[e - 1])) {
      ++k;
    }
    // A leaf for k off the runs' ends; the Fenwick nodes of k whose range
    // is whole runs.
    for (size_t i = k; i <= n; i += i & (~i + 1)) {
      if (i == k || i % kKnownLeafRun == 0) {
        nodes[i - 1].emplace_back(std::get<1>(signed_entries[e]),
                                  std::get<2>(signed_entries[e]));
      }
    }
  }
  out->node_end.clear();
  out->node_days.clear();
  out->node_sums.clear();
  DaySums node;
  for (size_t i = 0; i < n; ++i) {
    if (!MakeDaySums(std::move(nodes[i]), &node)) return false;
    out->node_days.insert(out->node_days.end(), node.days.begin(),
                          node.days.end());
    out->node_sums.insert(out->node_sums.end(), node.sums.begin() + 1,
                          node.sums.end());
    out->node_end.push_back(static_cast<uint32_t>(out->node_days.size()));
  }
  return true;
}

bool FirstFactsAt(const DayIndex& index, int32_t known_at,
                  std::vector<std::pair<uint32_t, uint32_t>>* out) {
  out->clear();
  for (const DayIndex::FirstCandidates& list : index.first_candidates) {
    bool found = false;
    for (const auto& [at, known] : list.versions) {
      if (known.At(known_at)) {
        out->emplace_back(at, list.fund);
        found = true;
        break;
      }
    }
    if (!found && !list.complete) return false;
  }
  std::sort(out->begin(), out->end());
  return true;
}

std::unique_ptr<DayIndex> BuildDayIndex(
    const std::vector<MoneyFact>& money,
    const absl::flat_hash_map<uint32_t, std::vector<int32_t>>& gaps,
    uint64_t size) {
  auto index = std::make_unique<DayIndex>();
  index->size = size;
  absl::flat_hash_map<uint64_t, size_t> group_of;
  absl::flat_hash_map<uint32_t, uint32_t> first;
  absl::flat_hash_map<uint32_t, size_t> candidate_slot;
  absl::flat_hash_map<uint32_t, std::vector<std::pair<int64_t, int64_t>>>
      covered;
  // Per (fund, kind), the total of every version of its single-day and
  // period facts: one bucket may hold both, so it must fit as a whole, and
  // every signed partial sum of KnownSums is bounded by it.
  absl::flat_hash_map<uint64_t, int64_t> totals;
  // Per group, the entries of every indexed single-day fact version.
  std::vector<std::vector<KnownEntry>> indexed;
  // (fund, kind) -> first and last days of the facts without an amount.
  std::map<uint64_t,
           std::pair<std::vector<KnownEntry>, std::vector<KnownEntry>>>
      unstated;
  for (uint32_t i = 0; i < money.size(); ++i) {
    const MoneyFact& fact = money[i];
    AddFirstCandidate(i, fact, &candidate_slot, &covered,
                      &index->first_candidates);
    const bool open = fact.known.At(std::nullopt);
    if (open) first.try_emplace(fact.fund, i);
    if (!IsRuleKind(fact.kind)) {
      if (open) index->residual.push_back(i);
      index->residual_all.push_back(i);
      continue;
    }
    const uint64_t key = GroupKey(fact.fund, fact.kind);
    if (!fact.has_amount) {
      unstated[key].first.push_back({fact.from_day, fact.known, 1});
      unstated[key].second.push_back({fact.to_day, fact.known, 1});
      continue;
    }
    if (__builtin_add_overflow(totals[key], fact.amount, &totals[key])) {
      return nullptr;
    }
    if (fact.from_day != fact.to_day) {
      index->periods.push_back(fact);
      continue;
    }
    auto [it, inserted] = group_of.try_emplace(key, index->groups.size());
    if (inserted) {
      DayIndex::Group group;
      group.fund = fact.fund;
      group.kind = fact.kind;
      index->groups.push_back(std::move(group));
      indexed.emplace_back();
    }
    indexed[it->second].push_back({fact.from_day, fact.known, fact.amount});
  }
  for (size_t g = 0; g < index->groups.size(); ++g) {
    if (!MakeKnownSums(indexed[g], &index->groups[g].sums)) return nullptr;
  }
  std::stable_sort(index->periods.begin(), index->periods.end(),
                   [](const MoneyFact& a, const MoneyFact& b) {
                     return std::pair(GroupKey(a.fund, a.kind), a.from_day) <
                            std::pair(GroupKey(b.fund, b.kind), b.from_day);
                   });
  static const std::vector<int32_t> kNoGaps;
  for (size_t i = 0; i < index->periods.size();) {
    DayIndex::PeriodGroup group;
    group.fund = index->periods[i].fund;
    group.kind = index->periods[i].kind;
    group.begin = i;
    while (i < index->periods.size() && index->periods[i].fund == group.fund &&
           index->periods[i].kind == group.kind) {
      ++i;
    }
    group.end = i;
    auto it = gaps.find(group.fund);
    if (!BuildPeriodGroup(index->periods,
                          it == gaps.end() ? kNoGaps : it->second, &group)) {
      return nullptr;
    }
    index->period_groups.push_back(std::move(group));
  }
  for (auto& [key, days] : unstated) {
    DayIndex::UnstatedGroup& group = index->unstated.emplace_back();
    group.fund = static_cast<uint32_t>(key >> 8);
    group.kind = static_cast<FactKind>(key & 0xFF);
    if (!MakeKnownSums(days.first, &group.by_first) ||
        !MakeKnownSums(days.second, &group.by_last)) {
      return nullptr;
    }
  }
  for (const auto& [fund, i] : first) index->first_fact.emplace_back(i, fund);
  std::sort(index->first_fact.begin(), index->first_fact.end());
  return index;
}

}  // namespace fundlog::ledger::internal
