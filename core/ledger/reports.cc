// Totals and year statements: windows of time evaluated with a marker step.
#include <algorithm>
#include <array>
#include <limits>
#include <optional>

#include "absl/strings/str_cat.h"
#include "core/ledger/context.h"
#include "core/ledger/day_index.h"
#include "core/ledger/projector.h"
#include "core/ledger/queries.h"

namespace fundlog::ledger {
namespace {

using internal::FactKind;
using internal::Ranges;
using internal::Scenario;
using internal::Step;

constexpr std::array<FactKind, 6> kTotalKinds = {
    FactKind::kAllocation, FactKind::kUse,
    FactKind::kRepayment,  FactKind::kBudgetFrameUse,
    FactKind::kCloseOut,   FactKind::kGuidelinesRepealed};

bool AddChecked(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

absl::Status Overflow() {
  return absl::OutOfRangeError("sum of amounts overflows int64");
}

using KindTotals = std::array<KindTotal, internal::kFactKinds>;

// What the policy-kind facts overlapping [from, to] state (max) and those
// lying wholly inside it (min), one fact at a time.
absl::Status FactTotals(const internal::QueryContext& context, uint32_t fund,
                        int32_t from, int32_t to, KindTotals* totals) {
  for (const internal::MoneyFact& f : context.money()) {
    if (!f.known.At(context.known_at()) || !internal::IsRuleKind(f.kind) ||
        (fund != internal::kNoName && f.fund != fund) || f.from_day > to ||
        (f.to_day != internal::kDayOpen && f.to_day < from)) {
      continue;
    }
    KindTotal& total = (*totals)[static_cast<int>(f.kind)];
    if (!f.has_amount) {
      ++total.unstated;
      continue;
    }
    const bool inside = f.from_day >= from && f.to_day <= to;
    if (!AddChecked(total.max_ore, f.amount, &total.max_ore) ||
        (inside && !AddChecked(total.min_ore, f.amount, &total.min_ore))) {
      return Overflow();
    }
  }
  return absl::OkStatus();
}

// The same from the day index's sums (the versions known on known_at;
// without it, the open-ended ones). A fact
// overlaps the window unless it starts after `to` or ends before `from`; a
// period fact lies inside unless it starts before `from` (those are the
// ones with first day <= from - 1: ended by then, or crossing from - 1 and
// then inside only if they end by `to`) or ends after `to`. Without
// crossing sums at from - 1 the period facts are visited one by one
// (LightOnly() when the index does not keep them).
absl::Status IndexedFactTotals(const internal::DayIndex& index,
                               std::optional<int32_t> known_at, uint32_t fund,
                               int32_t from, int32_t to, KindTotals* totals) {
  auto add = [&](FactKind kind, int64_t min, int64_t max) {
    KindTotal& total = (*totals)[static_cast<int>(kind)];
    return AddChecked(total.min_ore, min, &total.min_ore) &&
                   AddChecked(total.max_ore, max, &total.max_ore)
               ? absl::OkStatus()
               : Overflow();
  };
  const int64_t before = int64_t{from} - 1;
  for (const internal::DayIndex::Group& g : index.groups) {
    if (fund != internal::kNoName && g.fund != fund) continue;
    const int64_t sum =
        g.sums.UpTo(to, known_at) - g.sums.UpTo(before, known_at);
    if (auto s = add(g.kind, sum, sum); !s.ok()) return s;
  }
  for (const internal::DayIndex::PeriodGroup& g : index.period_groups) {
    if (fund != internal::kNoName && g.fund != fund) continue;
    const int64_t overlap =
        g.by_first.UpTo(to, known_at) - g.by_last.UpTo(before, known_at);
    int64_t inside = 0;
    if (before < std::numeric_limits<int32_t>::min()) {
      inside = g.by_last.UpTo(to, known_at);
    } else if (auto it = g.crossing.find(static_cast<int32_t>(before));
               it != g.crossing.end()) {
      inside = g.by_last.UpTo(to, known_at) -
               g.by_first.UpTo(before, known_at) +
               (it->second.Total(known_at) - it->second.UpTo(to, known_at));
    } else if (!index.periods_kept) {
      return internal::LightOnly();
    } else {
      for (size_t i = g.begin; i < g.end; ++i) {
        const internal::MoneyFact& f = index.periods[i];
        if (f.from_day >= from && f.to_day <= to && f.known.At(known_at)) {
          inside += f.amount;
        }
      }
    }
    if (auto s = add(g.kind, inside, overlap); !s.ok()) return s;
  }
  for (const internal::DayIndex::UnstatedGroup& g : index.unstated) {
    if (fund != internal::kNoName && g.fund != fund) continue;
    (*totals)[static_cast<int>(g.kind)].unstated += static_cast<int>(
        g.by_first.UpTo(to, known_at) - g.by_last.UpTo(before, known_at));
  }
  return absl::OkStatus();
}

// Per fact kind, per account: what a window's postings and transitions move,
// one scenario at a time, united over scenarios.
using KindRanges = std::vector<Ranges>;  // indexed by FactKind

absl::StatusOr<KindRanges> ScenarioMovements(
    const internal::QueryContext& context, const Scenario& s,
    const std::vector<internal::Bucket>& buckets) {
  const int accounts = context.AccountCount();
  KindRanges out(internal::kFactKinds, Ranges(accounts));
  const int last = s.slots() - 1;
  for (int kind = 0; kind < internal::kFactKinds; ++kind) {
    const internal::Probe probe{s.marker + 1, last, false, kind};
    if (auto st = internal::EvalProbe(context, s, buckets, probe, &out[kind]);
        !st.ok()) {
      return st;
    }
  }
  for (int j = s.marker + 1; j < static_cast<int>(s.steps.size()); ++j) {
    const Step& step = s.steps[j];
    if (!step.transition || step.effect != Step::Effect::kEmpty) continue;
    auto moved = internal::Moved(context, s, j, buckets);
    if (!moved.ok()) return moved.status();
    Ranges& r = out[static_cast<int>(step.kind)];
    int64_t out_lo = 0, out_hi = 0;  // what leaves the emptied account
    if (__builtin_sub_overflow(int64_t{0}, moved->second, &out_lo) ||
        __builtin_sub_overflow(int64_t{0}, moved->first, &out_hi) ||
        !AddChecked(r.min[step.from], out_lo, &r.min[step.from]) ||
        !AddChecked(r.max[step.from], out_hi, &r.max[step.from]) ||
        !AddChecked(r.min[step.to], moved->first, &r.min[step.to]) ||
        !AddChecked(r.max[step.to], moved->second, &r.max[step.to])) {
      return Overflow();
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<KindTotal>> Projector::TotalsFor(
    const TotalsQuery& query) const {
  if (query.to < query.from) {
    return absl::InvalidArgumentError("totals: to is before from");
  }
  internal::QueryContext context(*this, internal::KnownAt(query.known_at));
  auto fund = internal::FundFilter(names_, query.fund_id);
  if (!fund.ok()) return fund.status();
  const int32_t from = internal::DayNumber(query.from);
  const int32_t to = internal::DayNumber(query.to);
  KindTotals totals;
  // Facts: what they state, independent of any view.
  if (const internal::DayIndex* index = context.day_index()) {
    if (auto s = IndexedFactTotals(*index, context.known_at(), *fund, from, to,
                                   &totals);
        !s.ok()) {
      return s;
    }
    if (context.known_at() && !index->KnownIntact()) {
      return internal::LightOnly();
    }
  } else {
    if (light_) return internal::LightOnly();
    if (auto s = FactTotals(context, *fund, from, to, &totals); !s.ok()) {
      return s;
    }
  }
  // Transitions: what the view's projection moves within the window.
  const internal::PlanRequest request{query.view, internal::EndOf(to),
                                      internal::EndOf(from - 1)};
  auto prepared = internal::Prepare(context, request, *fund);
  if (!prepared.ok()) return prepared.status();
  for (size_t i = 0; i < prepared->plans.size(); ++i) {
    std::array<std::optional<std::pair<int64_t, int64_t>>, 2> united;
    for (const Scenario& s : prepared->plans[i].scenarios) {
      std::array<std::pair<int64_t, int64_t>, 2> sums{};
      for (int j = s.marker + 1; j < static_cast<int>(s.steps.size()); ++j) {
        const Step& step = s.steps[j];
        if (!step.transition || step.effect != Step::Effect::kEmpty) continue;
        auto moved = internal::Moved(context, s, j, prepared->buckets[i]);
        if (!moved.ok()) return moved.status();
        auto [lo, hi] = *moved;
        if (auto st = internal::ToNatural(
                context.AccountAt(step.from).debit_normal, &lo, &hi);
            !st.ok()) {
          return st;
        }
        auto& sum = sums[step.kind == FactKind::kCloseOut ? 0 : 1];
        if (!AddChecked(sum.first, lo, &sum.first) ||
            !AddChecked(sum.second, hi, &sum.second)) {
          return Overflow();
        }
      }
      for (int k = 0; k < 2; ++k) {
        if (!united[k]) {
          united[k] = sums[k];
        } else {
          united[k]->first = std::min(united[k]->first, sums[k].first);
          united[k]->second = std::max(united[k]->second, sums[k].second);
        }
      }
    }
    for (int k = 0; k < 2; ++k) {
      if (!united[k]) continue;
      KindTotal& total = totals[static_cast<int>(kTotalKinds[4 + k])];
      if (!AddChecked(total.min_ore, united[k]->first, &total.min_ore) ||
          !AddChecked(total.max_ore, united[k]->second, &total.max_ore)) {
        return Overflow();
      }
    }
  }
  std::vector<KindTotal> out;
  for (FactKind kind : kTotalKinds) {
    KindTotal total = totals[static_cast<int>(kind)];
    total.kind = std::string(internal::FactKindName(kind));
    out.push_back(std::move(total));
  }
  return out;
}

absl::StatusOr<Statement> Projector::StatementFor(
    const StatementQuery& query) const {
  Statement statement;
  statement.year = query.year;
  statement.view = query.view;
  const absl::CivilDay last_day(query.year, 12, 31);
  auto opening = BalancesAt({absl::CivilDay(query.year, 1, 1) - 1,
                             query.known_at, query.view, query.fund_id});
  if (!opening.ok()) return opening.status();
  auto closing =
      BalancesAt({last_day, query.known_at, query.view, query.fund_id});
  if (!closing.ok()) return closing.status();
  statement.opening = *std::move(opening);
  statement.closing = *std::move(closing);

  internal::QueryContext context(*this, internal::KnownAt(query.known_at));
  auto fund = internal::FundFilter(names_, query.fund_id);
  if (!fund.ok()) return fund.status();
  const int32_t end_day = internal::DayNumber(last_day);
  const int32_t start_day =
      internal::DayNumber(absl::CivilDay(query.year, 1, 1));
  const internal::PlanRequest request{query.view, internal::EndOf(end_day),
                                      internal::EndOf(start_day - 1)};
  auto prepared = internal::Prepare(context, request, *fund);
  if (!prepared.ok()) return prepared.status();
  KindRanges total(internal::kFactKinds, Ranges(context.AccountCount()));
  for (size_t i = 0; i < prepared->plans.size(); ++i) {
    std::optional<KindRanges> united;
    for (const Scenario& s : prepared->plans[i].scenarios) {
      auto moves = ScenarioMovements(context, s, prepared->buckets[i]);
      if (!moves.ok()) return moves.status();
      if (!united) {
        united = *std::move(moves);
        continue;
      }
      for (int k = 0; k < internal::kFactKinds; ++k) {
        (*united)[k].Unite((*moves)[k]);
      }
    }
    for (int k = 0; united && k < internal::kFactKinds; ++k) {
      if (auto st = total[k].Add((*united)[k]); !st.ok()) return st;
    }
  }
  std::vector<bool> none(context.AccountCount(), false);
  for (int a : context.Listed(*fund, none)) none[a] = true;
  for (int a = 0; a < context.AccountCount(); ++a) {
    for (int k = 0; k < internal::kFactKinds; ++k) {
      if (total[k].min[a] != 0 || total[k].max[a] != 0) none[a] = true;
    }
  }
  for (int a : context.Listed(*fund, none)) {
    const internal::AccountInfo& info = context.AccountAt(a);
    for (int k = 0; k < internal::kFactKinds; ++k) {
      Movement m{names_.Text(info.name),
                 std::string(internal::FactKindName(FactKind(k))),
                 total[k].min[a], total[k].max[a]};
      if (m.min_ore == 0 && m.max_ore == 0) continue;
      if (auto st =
              internal::ToNatural(info.debit_normal, &m.min_ore, &m.max_ore);
          !st.ok()) {
        return st;
      }
      statement.movements.push_back(std::move(m));
    }
  }
  return statement;
}

}  // namespace fundlog::ledger
