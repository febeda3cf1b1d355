// Balances: the shared query steps and Projector::BalancesAt.
#include "core/ledger/queries.h"

#include <algorithm>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/ledger/projector.h"

namespace fundlog::ledger {
namespace internal {
namespace {

// Narrows `r` by the bounds of `policy`. False when a bound leaves an
// account's range empty; those accounts go to `violated`.
absl::StatusOr<bool> ApplyBounds(const QueryContext& context, int policy,
                                 Ranges* r, std::vector<int>* violated) {
  if (policy < 0) return true;
  bool feasible = true;
  for (const Bound& bound : context.Policy(policy).bounds) {
    const int a = bound.account;
    const bool debit_normal = context.AccountAt(a).debit_normal;
    int64_t lo = r->min[a], hi = r->max[a];
    if (auto s = ToNatural(debit_normal, &lo, &hi); !s.ok()) return s;
    lo = std::max(lo, bound.min_ore.value_or(lo));
    hi = std::min(hi, bound.max_ore.value_or(hi));
    if (lo > hi) {
      feasible = false;
      violated->push_back(a);
      continue;
    }
    if (auto s = ToNatural(debit_normal, &lo, &hi); !s.ok()) return s;
    r->min[a] = lo;
    r->max[a] = hi;
  }
  return feasible;
}

// floor(a / 3) for either sign.
int64_t FloorDiv3(int64_t a) { return a >= 0 ? a / 3 : -((-a + 2) / 3); }

// Adds what `group`'s facts known on `known_at` give `plan`'s zones by
// `end`: the facts whose interior point lies between consecutive boundaries
// share a bucket.
absl::Status AddGroup(const FundPlan& plan, const DayIndex::Group& group,
                      std::optional<int32_t> known_at, int64_t end,
                      FundBuckets* buckets) {
  // The facts whose interior point 3 * day + 1 is < point.
  auto before = [&](int64_t point) {
    return group.sums.UpTo(FloorDiv3(point - 2), known_at);
  };
  const int64_t whole = before(end + 1);  // points <= end
  int64_t lo = 0;
  for (size_t z = 0; z <= plan.boundaries.size(); ++z) {
    const bool last = z == plan.boundaries.size();
    const int64_t hi =
        last || plan.boundaries[z] > end ? whole : before(plan.boundaries[z]);
    if (hi != lo) {
      if (auto s =
              buckets->AddZoneSum(group.kind, static_cast<int>(z), hi - lo);
          !s.ok()) {
        return s;
      }
      lo = hi;
    }
    if (last || plan.boundaries[z] > end) break;
  }
  return absl::OkStatus();
}

// Adds what `group`'s period facts (`periods`, by first day) give `plan`'s
// zones by `end`. Let the cuts be c[0] = none, c[1..m] the gap days of the
// boundaries before the last counted day's interior point (zone z holds
// first days in (c[z], c[z+1]]), c[m+1] that last day. With H(i, j) the sum
// of facts whose first day <= c[i] and last day <= c[j]: a fact whole by
// `end` in zones (i, j) adds to bucket (i, j, whole), the rest to (i, m, not
// whole), and each bucket is a difference of H and first-day sums. When
// c[i] < c[j], H(i, j) is the first-day sum up to c[i] less the facts that
// cross c[i] and end after c[j], from the crossing sums at c[i]; at a gap
// without them (a boundary the index did not foresee, such as a statement's
// window marker), the last-day sum up to c[j] less the facts that lie wholly
// in (c[i], c[j]], visited one by one (LightOnly() when the index does not
// keep them).
absl::Status AddPeriodGroup(const FundPlan& plan,
                            const DayIndex::PeriodGroup& group,
                            const std::vector<MoneyFact>& periods,
                            bool periods_kept, std::optional<int32_t> known_at,
                            int64_t end, FundBuckets* buckets) {
  const int64_t last_day = FloorDiv3(end - 1);
  std::vector<int64_t> cut = {0};
  std::vector<const KnownSums*> crossing = {nullptr};
  for (int64_t boundary : plan.boundaries) {
    if (boundary >= 3 * last_day + 1) break;
    const int64_t gap = FloorDiv3(boundary - 2);
    const KnownSums* across = nullptr;
    if (gap >= std::numeric_limits<int32_t>::min() &&
        gap <= std::numeric_limits<int32_t>::max()) {
      auto it = group.crossing.find(static_cast<int32_t>(gap));
      if (it != group.crossing.end()) across = &it->second;
    }
    cut.push_back(gap);
    crossing.push_back(across);
  }
  const int m = static_cast<int>(cut.size()) - 1;
  cut.push_back(last_day);
  bool unanswerable = false;
  auto within = [&](int64_t after, int64_t upto) {  // wholly in (after, upto]
    // A period fact spans two days at least: none lies wholly in one day.
    if (upto - after <= 1) return int64_t{0};
    if (!periods_kept) {
      unanswerable = true;
      return int64_t{0};
    }
    auto it = std::partition_point(
        periods.begin() + group.begin, periods.begin() + group.end,
        [&](const MoneyFact& fact) { return fact.from_day <= after; });
    int64_t sum = 0;
    for (; it != periods.begin() + group.end && it->from_day <= upto; ++it) {
      if (it->to_day <= upto && it->known.At(known_at)) sum += it->amount;
    }
    return sum;
  };
  const int n = m + 2;
  // The first-day and last-day sums at each cut, looked up once (a query
  // at 1M events spends much of its time in these binary searches).
  std::vector<int64_t> first_at(n, 0), last_at(n, 0);
  for (int i = 1; i < n; ++i) {
    first_at[i] = group.by_first.UpTo(cut[i], known_at);
    last_at[i] = group.by_last.UpTo(cut[i], known_at);
  }
  std::vector<int64_t> h(n * n, 0);
  for (int i = 1; i < n; ++i) {
    for (int j = 1; j < n; ++j) {
      int64_t& value = h[i * n + j];
      if (cut[j] <= cut[i]) {
        value = last_at[j];
      } else if (crossing[i] != nullptr) {
        value = first_at[i] - (crossing[i]->Total(known_at) -
                               crossing[i]->UpTo(cut[j], known_at));
      } else {
        value = last_at[j] - within(cut[i], cut[j]);
      }
    }
  }
  if (unanswerable) return LightOnly();
  auto add = [&](int from, int to, bool whole, int64_t amount) {
    return amount == 0 ? absl::OkStatus()
                       : buckets->AddSum(group.kind, from, to, whole, amount);
  };
  auto first_upto = [&](int i) { return first_at[i]; };
  auto at = [&](int i, int j) { return h[i * n + j]; };
  for (int i = 0; i <= m; ++i) {
    for (int j = i; j <= m; ++j) {
      const int64_t whole =
          (at(i + 1, j + 1) - at(i, j + 1)) - (at(i + 1, j) - at(i, j));
      if (auto s = add(i, j, true, whole); !s.ok()) return s;
    }
    const int64_t open =
        (first_upto(i + 1) - first_upto(i)) - (at(i + 1, m + 1) - at(i, m + 1));
    if (auto s = add(i, m, false, open); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LightOnly() {
  return absl::FailedPreconditionError(
      "a light projector (query state) answers only balances and statements "
      "without known_at");
}

absl::Status ToNatural(bool debit_normal, int64_t* min, int64_t* max) {
  if (debit_normal) return absl::OkStatus();
  if (*min == std::numeric_limits<int64_t>::min() ||
      *max == std::numeric_limits<int64_t>::min()) {
    return absl::OutOfRangeError("balance overflows int64 when negated");
  }
  const int64_t lo = -*max;
  *max = -*min;
  *min = lo;
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> FundFilter(const Names& names,
                                    absl::string_view fund_id) {
  if (fund_id.empty()) return kNoName;
  const uint32_t id = names.Find(fund_id);
  if (id == kNoName) {
    return absl::NotFoundError(absl::StrCat("no fund \"", fund_id, "\""));
  }
  return id;
}

std::optional<int32_t> KnownAt(const std::optional<absl::CivilDay>& day) {
  if (!day) return std::nullopt;
  return DayNumber(*day);
}

absl::StatusOr<Prepared> Prepare(const QueryContext& context,
                                 const PlanRequest& request, uint32_t fund) {
  Prepared prepared;
  std::vector<FundBuckets> buckets;
  absl::flat_hash_map<uint32_t, size_t> index;
  auto plan_of = [&](uint32_t id) -> absl::StatusOr<size_t> {
    if (auto it = index.find(id); it != index.end()) return it->second;
    auto plan = PlanFund(context, context.Fund(id), request);
    if (!plan.ok()) return plan.status();
    plan->fund = id;
    prepared.plans.push_back(*std::move(plan));
    buckets.emplace_back();
    return index[id] = prepared.plans.size() - 1;
  };
  for (const FundFacts& facts : context.funds()) {
    if (fund != kNoName && facts.fund != fund) continue;
    if (auto i = plan_of(facts.fund); !i.ok()) return i.status();
  }
  auto add = [&](const MoneyFact& fact) -> absl::Status {
    auto i = plan_of(fact.fund);
    if (!i.ok()) return i.status();
    return buckets[*i].Add(prepared.plans[*i], fact, request.end);
  };
  const std::optional<int32_t> known_at = context.known_at();
  const DayIndex* day_index = context.day_index();
  // Each fund's first fact known on known_at, in the order a full pass
  // would meet them; a cut-short candidate list sends the query to a pass.
  std::vector<std::pair<uint32_t, uint32_t>> first_known;
  if (day_index != nullptr && known_at &&
      !FirstFactsAt(*day_index, *known_at, &first_known)) {
    if (context.projector().light()) return LightOnly();
    day_index = nullptr;
  }
  if (day_index != nullptr) {
    // Plans in the order a full pass would create them, then the residual
    // facts one by one, then each indexed group zone by zone.
    for (const auto& [first, id] :
         known_at ? first_known : day_index->first_fact) {
      if (fund != kNoName && id != fund) continue;
      if (auto i = plan_of(id); !i.ok()) return i.status();
    }
    for (const DayIndex::PeriodGroup& group : day_index->period_groups) {
      if (fund != kNoName && group.fund != fund) continue;
      auto i = plan_of(group.fund);
      if (!i.ok()) return i.status();
      if (auto s = AddPeriodGroup(prepared.plans[*i], group, day_index->periods,
                                  day_index->periods_kept, known_at,
                                  request.end, &buckets[*i]);
          !s.ok()) {
        return s;
      }
    }
    for (uint32_t m :
         known_at ? day_index->residual_all : day_index->residual) {
      const MoneyFact& fact = context.money()[m];
      if (!fact.known.At(known_at)) continue;
      if (fund != kNoName && fact.fund != fund) continue;
      if (auto s = add(fact); !s.ok()) return s;
    }
    for (const DayIndex::Group& group : day_index->groups) {
      if (fund != kNoName && group.fund != fund) continue;
      auto i = plan_of(group.fund);
      if (!i.ok()) return i.status();
      if (auto s = AddGroup(prepared.plans[*i], group, known_at, request.end,
                            &buckets[*i]);
          !s.ok()) {
        return s;
      }
    }
  } else {
    if (context.projector().light()) return LightOnly();
    for (const MoneyFact& fact : context.money()) {
      if (!fact.known.At(known_at)) continue;
      if (fund != kNoName && fact.fund != fund) continue;
      if (auto s = add(fact); !s.ok()) return s;
    }
  }
  // A page of the known state that could not be read or checked added 0:
  // not an answer to give (the caller asks the full state).
  if (day_index != nullptr && known_at && !day_index->KnownIntact()) {
    return LightOnly();
  }
  for (const FundBuckets& b : buckets) prepared.buckets.push_back(b.Finish());
  return prepared;
}

absl::StatusOr<FundResult> FundBalance(const QueryContext& context,
                                       const FundPlan& plan,
                                       const std::vector<Bucket>& buckets) {
  const int accounts = context.AccountCount();
  std::optional<Ranges> feasible, any;
  std::vector<std::pair<int, uint64_t>> violations;
  for (const Scenario& s : plan.scenarios) {
    Ranges r(accounts);
    const Probe probe{0, s.slots() - 1, true, -1};
    if (auto st = EvalProbe(context, s, buckets, probe, &r); !st.ok()) {
      return st;
    }
    if (any) {
      any->Unite(r);
    } else {
      any.emplace(r);
    }
    std::vector<int> violated;
    auto ok = ApplyBounds(context, s.final_policy(), &r, &violated);
    if (!ok.ok()) return ok.status();
    for (int a : violated) {
      violations.emplace_back(a, context.Policy(s.final_policy()).seq);
    }
    if (*ok && feasible) {
      feasible->Unite(r);
    } else if (*ok) {
      feasible.emplace(r);
    }
  }
  FundResult result{Ranges(accounts), {}};
  if (feasible) {
    result.ranges = *std::move(feasible);
  } else if (any) {
    result.ranges = *std::move(any);
    std::sort(violations.begin(), violations.end());
    violations.erase(std::unique(violations.begin(), violations.end()),
                     violations.end());
    result.contradicted = std::move(violations);
  }
  return result;
}

absl::StatusOr<std::pair<int64_t, int64_t>> Moved(
    const QueryContext& context, const Scenario& s, int j,
    const std::vector<Bucket>& buckets) {
  Ranges r(context.AccountCount());
  const Probe probe{0, j, true, -1};
  if (auto st = EvalProbe(context, s, buckets, probe, &r); !st.ok()) {
    return st;
  }
  const int from = s.steps[j].from;
  return std::pair(r.min[from], r.max[from]);
}

absl::StatusOr<Totalled> TotalBalances(const QueryContext& context,
                                       const PlanRequest& request,
                                       uint32_t fund) {
  auto prepared = Prepare(context, request, fund);
  if (!prepared.ok()) return prepared.status();
  Totalled total{Ranges(context.AccountCount()),
                 std::vector<bool>(context.AccountCount(), false),
                 {}};
  for (size_t i = 0; i < prepared->plans.size(); ++i) {
    auto result =
        FundBalance(context, prepared->plans[i], prepared->buckets[i]);
    if (!result.ok()) return result.status();
    if (auto s = total.ranges.Add(result->ranges); !s.ok()) return s;
    for (const auto& c : result->contradicted) {
      total.contradicted[c.first] = true;
      total.by_fund.push_back({prepared->plans[i].fund, c});
    }
  }
  return total;
}

}  // namespace internal

absl::StatusOr<std::vector<AccountRange>> Projector::BalancesAt(
    const BalanceQuery& query) const {
  internal::QueryContext context(*this, internal::KnownAt(query.known_at));
  auto fund = internal::FundFilter(names_, query.fund_id);
  if (!fund.ok()) return fund.status();
  const internal::PlanRequest request{
      query.view, internal::EndOf(internal::DayNumber(query.as_of)), {}};
  auto total = internal::TotalBalances(context, request, *fund);
  if (!total.ok()) return total.status();
  std::vector<bool> posted(context.AccountCount());
  for (int a = 0; a < context.AccountCount(); ++a) {
    posted[a] = total->ranges.min[a] != 0 || total->ranges.max[a] != 0 ||
                total->contradicted[a];
  }
  std::vector<AccountRange> out;
  for (int a : context.Listed(*fund, posted)) {
    const internal::AccountInfo& info = context.AccountAt(a);
    AccountRange range{names_.Text(info.name), info.display_name,
                       total->ranges.min[a], total->ranges.max[a],
                       total->contradicted[a]};
    if (auto s = internal::ToNatural(info.debit_normal, &range.min_ore,
                                     &range.max_ore);
        !s.ok()) {
      return s;
    }
    out.push_back(std::move(range));
  }
  return out;
}

std::pair<int32_t, int32_t> Projector::EffectiveDayRange() const {
  int32_t lo = std::numeric_limits<int32_t>::max();
  int32_t hi = std::numeric_limits<int32_t>::min();
  auto widen = [&](int32_t from, int32_t to) {
    lo = std::min(lo, from);
    hi = std::max(hi, to == internal::kDayOpen ? from : to);
  };
  for (const auto& f : money_) widen(f.from_day, f.to_day);
  for (const auto& t : transitions_) widen(t.from_day, t.to_day);
  for (const auto& k : kept_) {
    if (k.event.has_policy_changed() || k.event.has_balance_asserted()) {
      widen(k.from_day, k.to_day);
    }
  }
  if (lo > hi) return {0, 0};
  return {lo, hi};
}

std::vector<const internal::KeptEvent*> Projector::ActiveAssertions() const {
  std::vector<const internal::KeptEvent*> out;
  for (const auto& k : kept_) {
    if (k.event.has_balance_asserted() && k.known.At(std::nullopt)) {
      out.push_back(&k);
    }
  }
  return out;
}

}  // namespace fundlog::ledger
