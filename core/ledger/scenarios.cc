#include "core/ledger/scenarios.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace fundlog::ledger::internal {
namespace {

// One transition with its window; `grid` is the phase of its time points
// (0: start of a day, 2: end of a day); `tiebreak` orders transitions that
// fall on the same point (seq; the marker after all).
struct Atomic {
  int64_t lo = 0;
  int64_t hi = 0;
  int grid = 0;
  uint64_t tiebreak = 0;
  std::vector<Step> steps;
};

int64_t Phase(int64_t t) { return ((t % 3) + 3) % 3; }
int64_t RoundUp(int64_t t, int grid) { return t + (grid - Phase(t) + 3) % 3; }
int64_t RoundDown(int64_t t, int grid) { return t - (Phase(t) - grid + 3) % 3; }

absl::Status TooMany() {
  return absl::ResourceExhaustedError(
      absl::StrCat("more than ", kScenariosMax,
                   " orderings of uncertain transitions in one fund"));
}

using Order = std::vector<std::pair<int, int64_t>>;  // (atomic, earliest)

// Enumerates every (subset, order) of the transitions in `cluster` (indexes
// into `atomics`) that can have happened by `end`: all certain ones (window
// closed by `end`), any uncertain ones.
class Enumerator {
 public:
  Enumerator(const std::vector<Atomic>& atomics, std::vector<int> cluster,
             int64_t end)
      : atomics_(atomics), cluster_(std::move(cluster)), end_(end) {
    used_.assign(cluster_.size(), false);
    for (int i : cluster_) certain_total_ += atomics_[i].hi <= end_;
  }

  absl::StatusOr<std::vector<Order>> Run() {
    Dfs(0);
    if (!status_.ok()) return status_;
    return std::move(orders_);
  }

 private:
  void Dfs(int certain_used) {
    if (!status_.ok()) return;
    const int64_t prev_t = path_.empty() ? kTimeBegin : path_.back().second;
    for (size_t j = 0; j < cluster_.size(); ++j) {
      // A certain transition that can no longer come next kills the branch.
      const Atomic& a = atomics_[cluster_[j]];
      if (!used_[j] && a.hi <= end_ && a.hi < prev_t) return;
    }
    if (certain_used == certain_total_) {
      if (orders_.size() >= static_cast<size_t>(kScenariosMax)) {
        status_ = TooMany();
        return;
      }
      orders_.push_back(path_);
    }
    for (size_t j = 0; j < cluster_.size(); ++j) {
      if (used_[j]) continue;
      const int i = cluster_[j];
      const Atomic& a = atomics_[i];
      int64_t t = a.lo;
      if (!path_.empty()) {
        const uint64_t prev_tiebreak = atomics_[path_.back().first].tiebreak;
        t = std::max(t, prev_t + (a.tiebreak < prev_tiebreak ? 1 : 0));
      }
      t = RoundUp(t, a.grid);
      if (t > std::min(a.hi, end_)) continue;
      used_[j] = true;
      path_.emplace_back(i, t);
      Dfs(certain_used + (a.hi <= end_ ? 1 : 0));
      path_.pop_back();
      used_[j] = false;
    }
  }

  const std::vector<Atomic>& atomics_;
  const std::vector<int> cluster_;
  const int64_t end_;
  int certain_total_ = 0;
  std::vector<bool> used_;
  Order path_;
  std::vector<Order> orders_;
  absl::Status status_;
};

// Transitions whose windows (cut at `end`) do not overlap never trade
// places, so each cluster of overlapping windows is enumerated on its own
// and scenarios are the product of the clusters' choices: a log of many
// transitions on known days costs O(m log m), not O(m^2).
absl::StatusOr<std::vector<Order>> Enumerate(const std::vector<Atomic>& atomics,
                                             int64_t end) {
  std::vector<int> sorted(atomics.size());
  std::iota(sorted.begin(), sorted.end(), 0);
  std::sort(sorted.begin(), sorted.end(), [&](int a, int b) {
    return std::pair(atomics[a].lo, atomics[a].tiebreak) <
           std::pair(atomics[b].lo, atomics[b].tiebreak);
  });
  std::vector<Order> scenarios = {Order()};
  for (size_t begin = 0; begin < sorted.size();) {
    size_t stop = begin;
    int64_t reach = kTimeBegin;
    for (; stop < sorted.size() &&
           (stop == begin || atomics[sorted[stop]].lo <= reach);
         ++stop) {
      reach = std::max(reach, std::min(atomics[sorted[stop]].hi, end));
    }
    std::vector<int> cluster(sorted.begin() + begin, sorted.begin() + stop);
    begin = stop;
    auto orders = Enumerator(atomics, std::move(cluster), end).Run();
    if (!orders.ok()) return orders.status();
    if (orders->size() == 1) {
      for (Order& s : scenarios) {
        s.insert(s.end(), orders->front().begin(), orders->front().end());
      }
      continue;
    }
    if (scenarios.size() * orders->size() >
        static_cast<size_t>(kScenariosMax)) {
      return TooMany();
    }
    std::vector<Order> product;
    for (const Order& s : scenarios) {
      for (const Order& o : *orders) {
        product.push_back(s);
        product.back().insert(product.back().end(), o.begin(), o.end());
      }
    }
    scenarios = std::move(product);
  }
  return scenarios;
}

std::vector<Atomic> Atomics(const QueryContext& context, const FundFacts& fund,
                            const PlanRequest& request) {
  std::vector<Atomic> atomics;
  absl::flat_hash_map<uint32_t, size_t> change_atomic;
  // Changes applied as events in time: every change when reported; the
  // first alone without the change (a no-op step, there only to carry the
  // transitions tied to it); none when restated (nothing to transition from).
  size_t applied = 0;
  if (request.view == View::kReported) applied = fund.changes.size();
  if (request.view == View::kWithoutChange) {
    applied = std::min<size_t>(1, fund.changes.size());
  }
  for (size_t c = 0; c < applied; ++c) {
    const ChangeInfo& change = fund.changes[c];
    Step step;
    step.effect = Step::Effect::kSetPolicy;
    step.policy = change.policy;
    step.seq = change.seq;
    if (change.event_id != kNoName) {
      change_atomic.try_emplace(change.event_id, atomics.size());
    }
    atomics.push_back({change.lo, change.hi, 0, change.seq, {step}});
  }
  for (const Transition* t : fund.transitions) {
    Step step;
    step.transition = true;
    step.kind = t->kind;
    step.seq = t->seq;
    if (t->kind == FactKind::kCloseOut) {
      step.effect = Step::Effect::kEmpty;
      step.from = context.Account(t->from_account);
      step.to = context.Account(t->to_account);
      if (step.from < 0 || step.to < 0) step.effect = Step::Effect::kNone;
    }
    if (t->change_id != kNoName) {
      // A transition belongs to its change: only where that change is
      // applied as an event in time, and at its moment.
      if (auto it = change_atomic.find(t->change_id);
          it != change_atomic.end()) {
        atomics[it->second].steps.push_back(step);
      }
      continue;
    }
    const int64_t hi = t->to_day == kDayOpen ? kTimeNever : EndOf(t->to_day);
    atomics.push_back({EndOf(t->from_day), hi, 2, t->seq, {step}});
  }
  if (request.marker) {
    Step step;
    step.marker = true;
    atomics.push_back({*request.marker,
                       *request.marker,
                       2,
                       std::numeric_limits<uint64_t>::max(),
                       {step}});
  }
  std::erase_if(atomics, [&](const Atomic& a) {
    const bool idle = request.view == View::kWithoutChange &&
                      a.steps.size() == 1 &&
                      a.steps[0].effect == Step::Effect::kSetPolicy;
    return idle || a.lo > request.end;
  });
  return atomics;
}

// Lays out one order as steps with their earliest and latest time points,
// and routes each slot and each repeal through the policy in force.
Scenario Layout(const QueryContext& context, const std::vector<Atomic>& atomics,
                const std::vector<std::pair<int, int64_t>>& order, int baseline,
                int64_t end) {
  std::vector<int64_t> latest(order.size());
  for (size_t j = order.size(); j-- > 0;) {
    const Atomic& a = atomics[order[j].first];
    int64_t l = std::min(a.hi, end);
    if (j + 1 < order.size()) {
      const Atomic& next = atomics[order[j + 1].first];
      l = std::min(l, latest[j + 1] - (a.tiebreak > next.tiebreak ? 1 : 0));
    }
    latest[j] = RoundDown(l, a.grid);
  }
  Scenario s;
  int policy = baseline;
  s.slot_policy.push_back(policy);
  for (size_t j = 0; j < order.size(); ++j) {
    for (Step step : atomics[order[j].first].steps) {
      step.e = order[j].second;
      step.l = latest[j];
      if (step.effect == Step::Effect::kSetPolicy) policy = step.policy;
      if (step.transition && step.kind == FactKind::kGuidelinesRepealed) {
        // A governance event weighs what the policy then in force says.
        auto [debit, credit] = context.Rule(policy, kRepealRule);
        if (debit >= 0) {
          step.effect = Step::Effect::kEmpty;
          step.from = debit;
          step.to = credit;
        }
      }
      if (step.marker) s.marker = static_cast<int>(s.steps.size());
      s.steps.push_back(step);
      s.slot_policy.push_back(policy);
    }
  }
  return s;
}

}  // namespace

int FundPlan::Zone(int64_t point) const {
  return static_cast<int>(
      std::lower_bound(boundaries.begin(), boundaries.end(), point) -
      boundaries.begin());
}

absl::StatusOr<FundPlan> PlanFund(const QueryContext& context,
                                  const FundFacts& fund,
                                  const PlanRequest& request) {
  FundPlan plan;
  plan.fund = fund.fund;
  int baseline = -1;
  if (!fund.changes.empty()) {
    baseline = request.view == View::kRestated ? fund.changes.back().policy
                                               : fund.changes.front().policy;
  }
  const std::vector<Atomic> atomics = Atomics(context, fund, request);
  auto orders = Enumerate(atomics, request.end);
  if (!orders.ok()) return orders.status();
  for (const auto& order : *orders) {
    plan.scenarios.push_back(
        Layout(context, atomics, order, baseline, request.end));
    for (const Step& step : plan.scenarios.back().steps) {
      plan.boundaries.push_back(step.e);
      plan.boundaries.push_back(step.l);
    }
  }
  std::sort(plan.boundaries.begin(), plan.boundaries.end());
  plan.boundaries.erase(
      std::unique(plan.boundaries.begin(), plan.boundaries.end()),
      plan.boundaries.end());
  for (Scenario& s : plan.scenarios) {
    const int m = static_cast<int>(s.steps.size());
    s.lower_index.assign(m + 1, 0);
    s.upper_index.assign(m + 1, 0);
    s.nonempty.assign(m + 1, 1);
    for (int k = 0; k <= m; ++k) {
      if (k > 0) s.lower_index[k] = plan.Zone(s.steps[k - 1].e);
      if (k < m) s.upper_index[k] = plan.Zone(s.steps[k].l);
      if (k > 0 && k < m) {
        s.nonempty[k] = NextInterior(s.steps[k - 1].e) < s.steps[k].l;
      }
    }
  }
  return plan;
}

}  // namespace fundlog::ledger::internal
