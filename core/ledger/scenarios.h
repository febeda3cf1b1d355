// Internal: a fund's policy timeline under one view, as scenarios.
//
// An atomic transition (a policy change with its tied close-outs, an untied
// close-out, a repeal, or a query's window marker) happens at one time point
// inside its window [lo, hi]. A scenario is one choice of which uncertain
// transitions happened by the query's end, and in which order; for each, the
// earliest (e) and latest (l) time it can take given that order. Between
// consecutive steps lie slots: slot k is before step k, slot m (the last) is
// after every step. A money fact may put any part of itself in any slot its
// period overlaps; the policy of a slot routes it; later steps that empty an
// account move what the slot put there.
#ifndef FUNDLOG_CORE_LEDGER_SCENARIOS_H_
#define FUNDLOG_CORE_LEDGER_SCENARIOS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/ledger/context.h"
#include "core/ledger/facts.h"
#include "core/ledger/ledger.h"

namespace fundlog::ledger::internal {

// Orderings beyond this many per fund and query are refused rather than
// computed (kResourceExhausted); far above any real history.
inline constexpr int kScenariosMax = 4096;

struct Step {
  enum class Effect : uint8_t { kNone, kSetPolicy, kEmpty };
  Effect effect = Effect::kNone;
  int policy = -1;                      // kSetPolicy
  int from = -1;                        // kEmpty: dense account emptied ...
  int to = -1;                          // ... into this one
  FactKind kind = FactKind::kCloseOut;  // of the transition behind a step
  bool transition = false;  // a CloseOut or repeal (not a change or marker)
  bool marker = false;
  uint64_t seq = 0;
  int64_t e = 0;  // earliest and latest time point in this scenario
  int64_t l = 0;
};

struct Scenario {
  std::vector<Step> steps;
  std::vector<int> slot_policy;  // steps.size() + 1 entries
  // Boundary indexes of slot k's extent (steps[k-1].e, steps[k].l).
  std::vector<int> lower_index;
  std::vector<int> upper_index;
  std::vector<uint8_t> nonempty;
  int marker = -1;  // step index of the window marker, -1 without one

  int slots() const { return static_cast<int>(steps.size()) + 1; }
  int final_policy() const { return slot_policy.back(); }
  // Whether a fact whose time points lie in zones [zone_from, zone_to] can
  // put part of itself in slot k.
  bool Allowed(int k, int zone_from, int zone_to) const {
    if (!nonempty[k]) return false;
    if (k < slots() - 1 && upper_index[k] < zone_from) return false;
    if (k > 0 && lower_index[k] >= zone_to) return false;
    return true;
  }
};

struct FundPlan {
  uint32_t fund = kNoName;
  std::vector<Scenario> scenarios;
  // Sorted distinct e and l values of all steps: a fact's time point p lies
  // in zone "number of boundaries < p"; points are never boundaries.
  std::vector<int64_t> boundaries;
  int Zone(int64_t point) const;
};

struct PlanRequest {
  View view = View::kReported;
  int64_t end = 0;  // the query's time point: end of the as-of day
  // A window start: a marker step at this time point (end of the day
  // before the window), so slots split into before and within.
  std::optional<int64_t> marker;
};

// Builds the scenarios of `fund` for `request`. kResourceExhausted beyond
// kScenariosMax orderings.
absl::StatusOr<FundPlan> PlanFund(const QueryContext& context,
                                  const FundFacts& fund,
                                  const PlanRequest& request);

}  // namespace fundlog::ledger::internal

#endif  // FUNDLOG_CORE_LEDGER_SCENARIOS_H_
