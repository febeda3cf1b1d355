#include "core/ledger/scenarios.h"

#include <algorithm>
#include <limits>
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
int64_t RoundDown(int64_t t, int grid) {
  return t - (Phase(t) - grid + 3) % 3;
}

// Enumerates every (subset, order) of transitions that can have happened by
// `end`: all certain ones (window closed by `end`), any uncertain ones.
class Enumerator {
 public:
  Enumerator(const std::vector<Atomic>& atomics, int64_t end)
      : atomics_(atomics), end_(end), used_(atomics.size(), false) {
    for (const Atomic& a : atomics_) certain_total_ += a.hi <= end_;
  }

  // Each order lists (atomic index, earliest time point).
  absl::StatusOr<std::vector<std::vector<std::pair<int, int64_t>>>> Run() {
    Dfs(0);
    if (!status_.ok()) return status_;
    return std::move(orders_);
  }

 private:
  void Dfs(int certain_used) {
    if (!status_.ok()) return;
    const int64_t prev_t = path_.empty() ? kTimeBegin : path_.back().second;
    for (size_t j = 0; j < atomics_.size(); ++j) {
      // A certain transition that can no longer come next kills the branch.
      if (!used_[j] && atomics_[j].hi <= end_ && atomics_[j].hi < prev_t) {
        return;
      }
    }
    if (certain_used == certain_total_) {
      if (orders_.size() >= static_cast<size_t>(kScenariosMax)) {
        status_ = absl::ResourceExhaustedError(absl::StrCat(
            "more than ", kScenariosMax,
            " orderings of uncertain transitions in one fund"));
        return;
      }
      orders_.push_back(path_);
    }
    for (size_t i = 0; i < atomics_.size(); ++i) {
      if (used_[i]) continue;
      const Atomic& a = atomics_[i];
      int64_t t = a.lo;
      if (!path_.empty()) {
        const uint64_t prev_tiebreak = atomics_[path_.back().first].tiebreak;
        t = std::max(t, prev_t + (a.tiebreak < prev_tiebreak ? 1 : 0));
      }
      t = RoundUp(t, a.grid);
      if (t > std::min(a.hi, end_)) continue;
      used_[i] = true;
      path_.emplace_back(static_cast<int>(i), t);
      Dfs(certain_used + (a.hi <= end_ ? 1 : 0));
      path_.pop_back();
      used_[i] = false;
    }
  }

  const std::vector<Atomic>& atomics_;
  const int64_t end_;
  int certain_total_ = 0;
  std::vector<bool> used_;
  std::vector<std::pair<int, int64_t>> path_;
  std::vector<std::vector<std::pair<int, int64_t>>> orders_;
  absl::Status status_;
};

std::vector<Atomic> Atomics(const QueryContext& context, const FundFacts& fund,
                            const PlanRequest& request) {
  std::vector<Atomic> atomics;
  absl::flat_hash_map<uint32_t, size_t> change_atomic;
  if (request.view == View::kReported) {
    for (const ChangeInfo& change : fund.changes) {
      Step step{.effect = Step::Effect::kSetPolicy, .policy = change.policy};
      step.seq = change.seq;
      if (change.event_id != kNoName) {
        change_atomic.try_emplace(change.event_id, atomics.size());
      }
      atomics.push_back({change.lo, change.hi, 0, change.seq, {step}});
    }
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
    }
    if (t->change_id != kNoName) {
      // A transition belongs to its change: only where that change is
      // applied as an event in time (reported), and at its moment.
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
    atomics.push_back({*request.marker, *request.marker, 2,
                       std::numeric_limits<uint64_t>::max(), {step}});
  }
  std::erase_if(atomics, [&](const Atomic& a) { return a.lo > request.end; });
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
  auto orders = Enumerator(atomics, request.end).Run();
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
