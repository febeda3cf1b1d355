#include "core/ledger/evaluate.h"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace fundlog::ledger::internal {
namespace {

absl::Status Overflow(std::string_view what) {
  return absl::OutOfRangeError(
      absl::StrCat("sum of amounts overflows int64 (", what, ")"));
}

bool CheckedAdd(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

// The last interior (money) time point at or before `t`.
int64_t LastInteriorAtOrBefore(int64_t t) {
  const int64_t phase = ((t % 3) + 3) % 3;
  return phase >= 1 ? t - (phase - 1) : t - 2;
}

struct Entry {
  int account;
  int slot;
  int64_t value;
};

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
  int first = -1;
  int last = -1;
  for (int k = 0; k < scenario.slots(); ++k) {
    if (!scenario.Allowed(k, zone_from, zone_to)) continue;
    if (first < 0) first = k;
    last = k;
  }
  return {first, last};
}

absl::Status EvalProbe(const QueryContext& context, const Scenario& scenario,
                       const std::vector<Bucket>& buckets, const Probe& probe,
                       Ranges* out) {
  const int accounts = context.AccountCount();
  // maps[k - first][a]: where what slot k puts in account a ends up.
  std::vector<std::vector<int>> maps;
  if (probe.redirect) {
    maps.resize(probe.last - probe.first + 1);
    maps.back().resize(accounts);
    std::iota(maps.back().begin(), maps.back().end(), 0);
    for (int k = probe.last - 1; k >= probe.first; --k) {
      maps[k - probe.first] = maps[k + 1 - probe.first];
      const Step& step = scenario.steps[k];
      if (step.effect == Step::Effect::kEmpty && step.from >= 0 &&
          step.to >= 0) {
        maps[k - probe.first][step.from] = maps[k + 1 - probe.first][step.to];
      }
    }
  }
  auto route = [&](int k, int account) {
    return probe.redirect && account >= 0 ? maps[k - probe.first][account]
                                          : account;
  };
  std::vector<Entry> entries;
  for (const Bucket& b : buckets) {
    if (probe.kind >= 0 && static_cast<int>(b.kind) != probe.kind) continue;
    auto [k0, k1] = AllowedSpan(scenario, b.zone_from, b.zone_to);
    if (k0 < 0) continue;
    entries.clear();
    int slots_in = 0;
    for (int k = std::max(probe.first, k0); k <= std::min(probe.last, k1);
         ++k) {
      if (!scenario.Allowed(k, b.zone_from, b.zone_to)) continue;
      ++slots_in;
      if (b.rows_fact != nullptr) {
        const auto& rows = context.rows();
        for (uint32_t r = 0; r < b.rows_fact->rows_count; ++r) {
          const Row& row = rows[b.rows_fact->rows_begin + r];
          entries.push_back(
              {route(k, context.Account(row.account)), k, row.amount});
        }
        continue;
      }
      auto [debit, credit] = context.Rule(scenario.slot_policy[k],
                                          static_cast<int>(b.kind));
      debit = route(k, debit);
      credit = route(k, credit);
      if (debit < 0 || credit < 0 || debit == credit) continue;
      entries.push_back({debit, k, b.amount});
      entries.push_back({credit, k, -b.amount});
    }
    if (slots_in == 0) continue;
    const bool full = b.full && k1 <= probe.last && k0 >= probe.first;
    std::sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
      return std::tie(x.account, x.slot) < std::tie(y.account, y.slot);
    });
    for (size_t i = 0; i < entries.size();) {
      const int account = entries[i].account;
      int64_t lo = 0, hi = 0;
      int touched = 0;
      while (i < entries.size() && entries[i].account == account) {
        int64_t value = 0;
        const int slot = entries[i].slot;
        for (; i < entries.size() && entries[i].account == account &&
               entries[i].slot == slot;
             ++i) {
          if (!CheckedAdd(value, entries[i].value, &value)) {
            return Overflow("voucher rows");
          }
        }
        if (value == 0) continue;
        lo = touched == 0 ? value : std::min(lo, value);
        hi = touched == 0 ? value : std::max(hi, value);
        ++touched;
      }
      if (account < 0 || touched == 0) continue;
      if (touched < slots_in || !full) {
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
