#include "core/ledger/evaluate.h"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "core/base/money.h"

namespace fundlog::ledger::internal {
namespace {

absl::Status Overflow(absl::string_view what) {
  return MoneyOverflowError(what);
}

bool CheckedAdd(int64_t a, int64_t b, int64_t* out) {
  return AddOre(a, b, out);
}

// The last interior (money) time point at or before `t`.
int64_t LastInteriorAtOrBefore(int64_t t) {
  const int64_t phase = ((t % 3) + 3) % 3;
  return phase >= 1 ? t - (phase - 1) : t - 2;
}

}  // namespace

std::optional<Bucket> MakeBucket(const FundPlan& plan, const MoneyFact& fact,
                                 int64_t end) {
  if (IsRuleKind(fact.kind) && !fact.has_amount) return std::nullopt;
  const int64_t from = InteriorOf(fact.from_day);
  if (from > end) return std::nullopt;
  const int64_t to =
      fact.to_day == kDayOpen ? kTimeNever : InteriorOf(fact.to_day);
  Bucket bucket;
  bucket.kind = fact.kind;
  bucket.full = to <= end;
  bucket.zone_from = plan.Zone(from);
  bucket.zone_to = plan.Zone(std::min(to, LastInteriorAtOrBefore(end)));
  bucket.amount = fact.amount;
  if (!IsRuleKind(fact.kind)) bucket.rows_fact = &fact;
  return bucket;
}

absl::Status FundBuckets::Add(const FundPlan& plan, const MoneyFact& fact,
                              int64_t end) {
  const std::optional<Bucket> made = MakeBucket(plan, fact, end);
  if (!made) return absl::OkStatus();
  const Bucket& bucket = *made;
  if (bucket.rows_fact != nullptr) {
    rows_.push_back(bucket);
    return absl::OkStatus();
  }
  const uint64_t key = (uint64_t{static_cast<uint8_t>(fact.kind)} << 56) |
                       (uint64_t(bucket.zone_from) << 32) |
                       (uint64_t(bucket.zone_to) << 1) | (bucket.full ? 1 : 0);
  int64_t& sum = sums_[key];
  if (!CheckedAdd(sum, fact.amount, &sum)) {
    return Overflow(absl::StrCat("seq ", fact.seq));
  }
  return absl::OkStatus();
}

absl::Status FundBuckets::AddZoneSum(FactKind kind, int zone, int64_t amount) {
  return AddSum(kind, zone, zone, true, amount);
}

absl::Status FundBuckets::AddSum(FactKind kind, int zone_from, int zone_to,
                                 bool full, int64_t amount) {
  const uint64_t key = (uint64_t{static_cast<uint8_t>(kind)} << 56) |
                       (uint64_t(zone_from) << 32) | (uint64_t(zone_to) << 1) |
                       (full ? 1 : 0);
  int64_t& sum = sums_[key];
  if (!CheckedAdd(sum, amount, &sum)) return Overflow(FactKindName(kind));
  return absl::OkStatus();
}

std::vector<Bucket> FundBuckets::Finish() const {
  std::vector<std::pair<uint64_t, int64_t>> sorted(sums_.begin(), sums_.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<Bucket> buckets;
  buckets.reserve(sorted.size() + rows_.size());
  for (const auto& [key, amount] : sorted) {
    Bucket b;
    b.kind = static_cast<FactKind>(key >> 56);
    b.zone_from = static_cast<int>((key >> 32) & 0xFFFFFF);
    b.zone_to = static_cast<int>((key >> 1) & 0x7FFFFFFF);
    b.full = key & 1;
    b.amount = amount;
    buckets.push_back(b);
  }
  buckets.insert(buckets.end(), rows_.begin(), rows_.end());
  return buckets;
}

absl::Status Ranges::Add(const Ranges& other) {
  for (size_t a = 0; a < min.size(); ++a) {
    if (!CheckedAdd(min[a], other.min[a], &min[a]) ||
        !CheckedAdd(max[a], other.max[a], &max[a])) {
      return Overflow("balances across funds");
    }
  }
  return absl::OkStatus();
}

void Ranges::Unite(const Ranges& other) {
  for (size_t a = 0; a < min.size(); ++a) {
    min[a] = std::min(min[a], other.min[a]);
    max[a] = std::max(max[a], other.max[a]);
  }
}

std::pair<int, int> AllowedSpan(const Scenario& scenario, int zone_from,
                                int zone_to) {
  // Slot extents only move forward (e and l never decrease along the
  // steps), so the slots a fact reaches form one run found by bisection.
  const int m = scenario.slots() - 1;
  const auto& upper = scenario.upper_index;
  const auto& lower = scenario.lower_index;
  int k0 = static_cast<int>(
      std::lower_bound(upper.begin(), upper.begin() + m, zone_from) -
      upper.begin());
  int k1 = static_cast<int>(std::lower_bound(lower.begin() + 1,
                                             lower.begin() + m + 1, zone_to) -
                            lower.begin()) -
           1;
  while (k0 <= k1 && !scenario.nonempty[k0]) ++k0;
  while (k1 >= k0 && !scenario.nonempty[k1]) --k1;
  if (k0 > k1) return {-1, -1};
  return {k0, k1};
}

namespace {

struct BucketEntry {
  int account;
  int slot;
  int64_t value;
};

// Appends what bucket `b` puts in slot `k`, routed by `map` (or not).
void Emit(const QueryContext& context, const Scenario& scenario,
          const Bucket& b, int k, const int* map,
          std::vector<BucketEntry>* entries) {
  auto route = [&](int account) {
    return map != nullptr && account >= 0 ? map[account] : account;
  };
  if (b.rows_fact != nullptr) {
    const auto& rows = context.rows();
    for (uint32_t r = 0; r < b.rows_fact->rows_count; ++r) {
      const Row& row = rows[b.rows_fact->rows_begin + r];
      entries->push_back({route(context.Account(row.account)), k, row.amount});
    }
    return;
  }
  auto [debit, credit] =
      context.Rule(scenario.slot_policy[k], static_cast<int>(b.kind));
  debit = route(debit);
  credit = route(credit);
  if (debit < 0 || credit < 0 || debit == credit) return;
  entries->push_back({debit, k, b.amount});
  entries->push_back({credit, k, -b.amount});
}

}  // namespace

absl::Status EvalProbe(const QueryContext& context, const Scenario& scenario,
                       const std::vector<Bucket>& buckets, const Probe& probe,
                       Ranges* out) {
  if (probe.last < probe.first) return absl::OkStatus();
  // Where what slot k puts in an account ends up at the probe, for each
  // slot of the probe (maps[(k - first) * accounts + a]): identity at the
  // last slot; one step earlier, only the account that step empties changes
  // (it now ends where its target does).
  const int accounts = context.AccountCount();
  std::vector<int> maps;
  if (probe.redirect) {
    maps.resize(static_cast<size_t>(probe.last - probe.first + 1) * accounts);
    int* map =
        maps.data() + static_cast<size_t>(probe.last - probe.first) * accounts;
    std::iota(map, map + accounts, 0);
    for (int k = probe.last - 1; k >= probe.first; --k) {
      int* earlier =
          maps.data() + static_cast<size_t>(k - probe.first) * accounts;
      std::copy(map, map + accounts, earlier);
      const Step& step = scenario.steps[k];
      if (step.effect == Step::Effect::kEmpty && step.from >= 0 &&
          step.to >= 0) {
        earlier[step.from] = earlier[step.to];
      }
      map = earlier;
    }
  }
  // Bucket by bucket: its run of slots inside the probe, what each slot
  // puts in each account, then per account the extremes over its slots.
  // Buckets in index order and accounts ascending: the additions to `out`
  // happen in the same order as a sort of every bucket's entries would give.
  std::vector<BucketEntry> entries;
  for (size_t i = 0; i < buckets.size(); ++i) {
    const Bucket& b = buckets[i];
    if (probe.kind >= 0 && static_cast<int>(b.kind) != probe.kind) continue;
    auto [k0, k1] = AllowedSpan(scenario, b.zone_from, b.zone_to);
    if (k0 < 0 || k1 < probe.first || k0 > probe.last) continue;
    const int first = std::max(k0, probe.first);
    const int last = std::min(k1, probe.last);
    const bool whole = b.full && k1 <= probe.last && k0 >= probe.first;
    int slots_in = 0;
    entries.clear();
    for (int k = first; k <= last; ++k) {
      if (!scenario.nonempty[k]) continue;
      ++slots_in;
      Emit(context, scenario, b, k,
           probe.redirect
               ? maps.data() + static_cast<size_t>(k - probe.first) * accounts
               : nullptr,
           &entries);
    }
    std::sort(entries.begin(), entries.end(),
              [](const BucketEntry& x, const BucketEntry& y) {
                return std::tie(x.account, x.slot) <
                       std::tie(y.account, y.slot);
              });
    for (size_t e = 0; e < entries.size();) {
      const int account = entries[e].account;
      int64_t lo = 0, hi = 0;
      int touched = 0;
      while (e < entries.size() && entries[e].account == account) {
        const int slot = entries[e].slot;
        int64_t value = 0;
        for (; e < entries.size() && entries[e].account == account &&
               entries[e].slot == slot;
             ++e) {
          if (!CheckedAdd(value, entries[e].value, &value)) {
            return Overflow("voucher rows");
          }
        }
        if (value == 0) continue;
        lo = touched == 0 ? value : std::min(lo, value);
        hi = touched == 0 ? value : std::max(hi, value);
        ++touched;
      }
      if (account < 0 || touched == 0) continue;
      // A slot that misses the account, or a fact not whole by the probe's
      // end, lets the account's share be 0.
      if (touched < slots_in || !whole) {
        lo = std::min<int64_t>(lo, 0);
        hi = std::max<int64_t>(hi, 0);
      }
      if (!CheckedAdd(out->min[account], lo, &out->min[account]) ||
          !CheckedAdd(out->max[account], hi, &out->max[account])) {
        return Overflow(context.names().Text(context.AccountAt(account).name));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace fundlog::ledger::internal
