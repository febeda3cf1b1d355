// Postings: the double-entry postings each event yields under a view, as of
// a day. The same scenarios as balances, without moving postings on through
// later close-outs (a posting is what the event posts, not where it ends).
#include <algorithm>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "core/ledger/projector.h"
#include "core/ledger/queries.h"

namespace fundlog::ledger {
namespace {

using internal::Scenario;
using internal::Step;

// One (event, debit, credit) posting, united over scenarios.
struct Accumulated {
  uint64_t seq = 0;
  internal::FactKind kind = internal::FactKind::kAllocation;
  int debit = -1;
  int credit = -1;
  int64_t min = 0;
  int64_t max = 0;
  size_t scenarios = 0;  // in how many scenarios it occurs

  void Unite(int64_t lo, int64_t hi) {
    min = scenarios == 0 ? lo : std::min(min, lo);
    max = scenarios == 0 ? hi : std::max(max, hi);
    ++scenarios;
  }
};

// The postings of one policy-kind fact in every scenario of `plan`.
void FactPostings(const internal::QueryContext& context,
                  const internal::FundPlan& plan, const internal::Bucket& b,
                  uint64_t seq, std::vector<Accumulated>* out) {
  const size_t begin = out->size();
  for (const Scenario& s : plan.scenarios) {
    auto [k0, k1] = internal::AllowedSpan(s, b.zone_from, b.zone_to);
    if (k0 < 0) continue;
    int allowed = 0;
    std::vector<std::pair<std::pair<int, int>, int>> pairs;  // rule, slots
    for (int k = k0; k <= k1; ++k) {
      if (!s.Allowed(k, b.zone_from, b.zone_to)) continue;
      ++allowed;
      auto rule = context.Rule(s.slot_policy[k], static_cast<int>(b.kind));
      if (rule.first < 0) continue;
      auto it = std::find_if(pairs.begin(), pairs.end(),
                             [&](const auto& p) { return p.first == rule; });
      if (it == pairs.end()) {
        pairs.push_back({rule, 1});
      } else {
        ++it->second;
      }
    }
    for (const auto& [rule, slots] : pairs) {
      // Lambdas capture a copy, not the structured binding: clang before 16
      // cannot capture bindings (the sanitizer and fuzz builds use clang).
      auto it = std::find_if(out->begin() + begin, out->end(),
                             [&, wanted = rule](const Accumulated& a) {
                               return a.debit == wanted.first &&
                                      a.credit == wanted.second;
                             });
      if (it == out->end()) {
        out->push_back({seq, b.kind, rule.first, rule.second, 0, 0, 0});
        it = out->end() - 1;
      }
      const bool whole = b.full && slots == allowed;
      it->Unite(whole ? b.amount : 0, b.amount);
    }
  }
}

}  // namespace

absl::StatusOr<std::vector<Posting>> Projector::PostingsAt(
    const BalanceQuery& query) const {
  if (light_) return internal::LightOnly();
  internal::QueryContext context(*this, internal::KnownAt(query.known_at));
  auto fund = internal::FundFilter(names_, query.fund_id);
  if (!fund.ok()) return fund.status();
  const int64_t end = internal::EndOf(internal::DayNumber(query.as_of));
  auto prepared = internal::Prepare(context, {query.view, end, {}}, *fund);
  if (!prepared.ok()) return prepared.status();
  absl::flat_hash_map<uint32_t, size_t> plan_of;
  for (size_t i = 0; i < prepared->plans.size(); ++i) {
    plan_of[prepared->plans[i].fund] = i;
  }
  std::vector<Accumulated> acc;
  std::vector<Posting> out;
  for (const internal::MoneyFact& fact : money_) {
    if (!fact.known.At(context.known_at())) continue;
    auto it = plan_of.find(fact.fund);
    if (it == plan_of.end()) continue;
    const internal::FundPlan& plan = prepared->plans[it->second];
    auto bucket = internal::MakeBucket(plan, fact, end);
    if (!bucket) continue;
    if (bucket->rows_fact == nullptr) {
      const size_t begin = acc.size();
      FactPostings(context, plan, *bucket, fact.seq, &acc);
      for (size_t a = begin; a < acc.size(); ++a) {
        if (acc[a].scenarios < plan.scenarios.size()) acc[a].min = 0;
      }
      continue;
    }
    for (uint32_t r = 0; r < fact.rows_count; ++r) {
      const internal::Row& row = rows_[fact.rows_begin + r];
      const int account = context.Account(row.account);
      const int64_t amount = row.amount < 0 ? -row.amount : row.amount;
      acc.push_back({fact.seq, fact.kind, row.amount > 0 ? account : -1,
                     row.amount < 0 ? account : -1, bucket->full ? amount : 0,
                     amount, 1});
    }
  }
  // Transitions: what each moves, in the emptied account's natural sign.
  for (size_t i = 0; i < prepared->plans.size(); ++i) {
    const internal::FundPlan& plan = prepared->plans[i];
    const size_t begin = acc.size();
    for (const Scenario& s : plan.scenarios) {
      for (int j = 0; j < static_cast<int>(s.steps.size()); ++j) {
        const Step& step = s.steps[j];
        if (!step.transition || step.effect != Step::Effect::kEmpty) continue;
        auto moved = internal::Moved(context, s, j, prepared->buckets[i]);
        if (!moved.ok()) return moved.status();
        auto [lo, hi] = *moved;
        const bool debit_normal = context.AccountAt(step.from).debit_normal;
        if (auto st = internal::ToNatural(debit_normal, &lo, &hi); !st.ok()) {
          return st;
        }
        const int debit = debit_normal ? step.to : step.from;
        const int credit = debit_normal ? step.from : step.to;
        auto it = std::find_if(acc.begin() + begin, acc.end(),
                               [&](const Accumulated& a) {
                                 return a.seq == step.seq && a.debit == debit &&
                                        a.credit == credit;
                               });
        if (it == acc.end()) {
          acc.push_back({step.seq, step.kind, debit, credit, 0, 0, 0});
          it = acc.end() - 1;
        }
        it->Unite(lo, hi);
      }
    }
    for (size_t a = begin; a < acc.size(); ++a) {
      if (acc[a].scenarios < plan.scenarios.size()) {
        acc[a].min = std::min<int64_t>(acc[a].min, 0);
        acc[a].max = std::max<int64_t>(acc[a].max, 0);
      }
    }
  }
  auto name = [&](int account) {
    return account < 0 ? std::string()
                       : names_.Text(context.AccountAt(account).name);
  };
  for (const Accumulated& a : acc) {
    out.push_back({a.seq, std::string(internal::FactKindName(a.kind)),
                   name(a.debit), name(a.credit), a.min, a.max});
  }
  std::sort(out.begin(), out.end(), [](const Posting& x, const Posting& y) {
    return std::tie(x.seq, x.debit_account, x.credit_account) <
           std::tie(y.seq, y.debit_account, y.credit_account);
  });
  return out;
}

}  // namespace fundlog::ledger
