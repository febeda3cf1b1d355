#include "core/ledger/day_index.h"

#include <algorithm>
#include <tuple>

#include "absl/container/flat_hash_map.h"

namespace fundlog::ledger::internal {

std::unique_ptr<DayIndex> BuildDayIndex(const std::vector<MoneyFact>& money,
                                        uint64_t size) {
  auto index = std::make_unique<DayIndex>();
  index->size = size;
  absl::flat_hash_map<uint64_t, size_t> group_of;
  absl::flat_hash_map<uint32_t, uint32_t> first;
  // (group, day, amount) of every indexed fact.
  std::vector<std::tuple<uint32_t, int32_t, int64_t>> indexed;
  for (uint32_t i = 0; i < money.size(); ++i) {
    const MoneyFact& fact = money[i];
    if (!fact.known.At(std::nullopt)) continue;
    first.try_emplace(fact.fund, i);
    if (!IsRuleKind(fact.kind)) {
      index->residual.push_back(i);
      continue;
    }
    if (!fact.has_amount) continue;
    if (fact.from_day != fact.to_day) {
      index->periods.push_back(fact);
      continue;
    }
    const uint64_t key =
        (uint64_t{fact.fund} << 8) | static_cast<uint8_t>(fact.kind);
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
    int64_t sum = 0;
    if (__builtin_add_overflow(g.prefix.back(), amount, &sum)) return nullptr;
    g.days.push_back(day);
    g.prefix.push_back(sum);
  }
  for (const auto& [fund, i] : first) index->first_fact.emplace_back(i, fund);
  std::sort(index->first_fact.begin(), index->first_fact.end());
  return index;
}

}  // namespace fundlog::ledger::internal
