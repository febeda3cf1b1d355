#include "core/ledger/day_index.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace fundlog::ledger::internal {
namespace {

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

// Fills `group` from its facts (periods[begin, end)); false on overflow.
bool BuildPeriodGroup(const std::vector<MoneyFact>& periods,
                      const std::vector<int32_t>& gaps,
                      DayIndex::PeriodGroup* group) {
  std::vector<std::pair<int32_t, int64_t>> first, last;
  for (size_t i = group->begin; i < group->end; ++i) {
    first.emplace_back(periods[i].from_day, periods[i].amount);
    last.emplace_back(periods[i].to_day, periods[i].amount);
  }
  if (!MakeDaySums(std::move(first), &group->by_first) ||
      !MakeDaySums(std::move(last), &group->by_last)) {
    return false;
  }
  for (int32_t gap : gaps) {
    std::vector<std::pair<int32_t, int64_t>> crossing;
    // The group's facts are sorted by from_day.
    for (size_t i = group->begin; i < group->end && periods[i].from_day <= gap;
         ++i) {
      if (gap < periods[i].to_day) {
        crossing.emplace_back(periods[i].to_day, periods[i].amount);
      }
    }
    if (!MakeDaySums(std::move(crossing), &group->crossing[gap])) return false;
  }
  return true;
}

}  // namespace

int64_t DaySums::UpTo(int64_t day) const {
  const size_t n = static_cast<size_t>(
      std::upper_bound(days.begin(), days.end(), day) - days.begin());
  return sums[n];
}

std::unique_ptr<DayIndex> BuildDayIndex(
    const std::vector<MoneyFact>& money,
    const absl::flat_hash_map<uint32_t, std::vector<int32_t>>& gaps,
    uint64_t size) {
  auto index = std::make_unique<DayIndex>();
  index->size = size;
  absl::flat_hash_map<uint64_t, size_t> group_of;
  absl::flat_hash_map<uint32_t, uint32_t> first;
  // Per (fund, kind), the total of single-day and period facts: one bucket
  // may hold both, so it must fit as a whole.
  absl::flat_hash_map<uint64_t, int64_t> totals;
  // (group, day, amount) of every indexed fact.
  std::vector<std::tuple<uint32_t, int32_t, int64_t>> indexed;
  // (fund, kind) -> first and last days of the facts without an amount.
  std::map<uint64_t, std::pair<std::vector<std::pair<int32_t, int64_t>>,
                               std::vector<std::pair<int32_t, int64_t>>>>
      unstated;
  for (uint32_t i = 0; i < money.size(); ++i) {
    const MoneyFact& fact = money[i];
    if (!fact.known.At(std::nullopt)) continue;
    first.try_emplace(fact.fund, i);
    if (!IsRuleKind(fact.kind)) {
      index->residual.push_back(i);
      continue;
    }
    const uint64_t key = GroupKey(fact.fund, fact.kind);
    if (!fact.has_amount) {
      unstated[key].first.emplace_back(fact.from_day, 1);
      unstated[key].second.emplace_back(fact.to_day, 1);
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
    }
    indexed.emplace_back(static_cast<uint32_t>(it->second), fact.from_day,
                         fact.amount);
  }
  std::sort(indexed.begin(), indexed.end());
  for (DayIndex::Group& group : index->groups) group.prefix.push_back(0);
  for (const auto& [group, day, amount] : indexed) {
    DayIndex::Group& g = index->groups[group];
    if (g.days.empty() || g.days.back() != day) {
      g.days.push_back(day);
      g.prefix.push_back(g.prefix.back());
    }
    int64_t& sum = g.prefix.back();
    if (__builtin_add_overflow(sum, amount, &sum)) return nullptr;
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
    if (!MakeDaySums(std::move(days.first), &group.by_first) ||
        !MakeDaySums(std::move(days.second), &group.by_last)) {
      return nullptr;
    }
  }
  for (const auto& [fund, i] : first) index->first_fact.emplace_back(i, fund);
  std::sort(index->first_fact.begin(), index->first_fact.end());
  return index;
}

}  // namespace fundlog::ledger::internal
