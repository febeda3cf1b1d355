// Projector::IndexForQueries and the plan boundaries it foresees (the gaps
// at which it keeps crossing sums, day_index.h): shared by the in-memory
// index and the stored query state (query_state.cc).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "core/ledger/day_index.h"
#include "core/ledger/projector.h"

namespace fundlog::ledger {

absl::flat_hash_map<uint32_t, std::vector<int32_t>> Projector::QueryGaps()
    const {
  // Plan boundaries lie at the start or end of a transition's window day,
  // moved by at most a day or so where transitions are ordered on one day;
  // a boundary outside these gaps only makes a query visit period facts.
  absl::flat_hash_map<uint32_t, std::vector<int32_t>> gaps;
  auto near = [&](uint32_t fund, int32_t day) {
    if (day == internal::kDayOpen) return;
    for (int32_t d = day - 2; d <= day + 2; ++d) gaps[fund].push_back(d);
  };
  // Every version counts (a query known on an earlier day plans with the
  // versions known then).
  for (const internal::KeptEvent& kept : kept_) {
    if (!kept.event.has_policy_changed()) continue;
    near(kept.fund, kept.from_day);
    near(kept.fund, kept.to_day);
  }
  for (const internal::Transition& t : transitions_) {
    near(t.fund, t.from_day);
    near(t.fund, t.to_day);
  }
  // A statement's window starts after 31 December (its marker falls in the
  // gap after 1 January): boundaries at each year end that a fund's period
  // facts span (crossing sums there are small, as only the facts open over
  // the year end count).
  absl::flat_hash_map<uint32_t, std::pair<int32_t, int32_t>> span;
  for (const internal::MoneyFact& fact : money_) {
    if (!internal::IsRuleKind(fact.kind) || fact.from_day == fact.to_day) {
      continue;
    }
    const int32_t last =
        fact.to_day == internal::kDayOpen ? fact.from_day : fact.to_day;
    auto [it, inserted] = span.try_emplace(fact.fund, fact.from_day, last);
    it->second.first = std::min(it->second.first, fact.from_day);
    it->second.second = std::max(it->second.second, last);
  }
  for (const auto& [fund, days] : span) {
    const absl::CivilYear first =
        absl::CivilYear(internal::DayFromNumber(days.first)) - 1;
    const absl::CivilYear last =
        absl::CivilYear(internal::DayFromNumber(days.second));
    for (absl::CivilYear y = first; y <= last; ++y) {
      const int32_t year_end =
          internal::DayNumber(absl::CivilDay(y.year(), 12, 31));
      gaps[fund].push_back(year_end);
      gaps[fund].push_back(year_end + 1);
    }
  }
  for (auto& [fund, days] : gaps) {
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
  }
  return gaps;
}

void Projector::IndexForQueries() {
  if (light_) return;  // a light projector's index is always current
  day_index_ = internal::BuildDayIndex(money_, QueryGaps(), next_seq_);
}

}  // namespace fundlog::ledger
