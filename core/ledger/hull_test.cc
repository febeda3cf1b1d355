// The hull is safe: on random small ledgers, every concrete world the facts
// allow (a day for each uncertain transition, a split of each period fact
// over its days) has balances inside the ranges Balances reports. The world
// is replayed by a plain day-by-day simulator written apart from the engine.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/base/dates.h"
#include "core/ledger/ledger.h"
#include "core/ledger/test_events.h"
#include "gtest/gtest.h"

namespace fundlog::ledger {
namespace {

using ::fundlog::ledger::testing::Log;

constexpr int kDays = 40;     // the ledgers' days: 2020-01-01 + [0, kDays)
constexpr int kHorizon = 60;  // open periods end, in a world, before this
const absl::CivilDay kDay0(2020, 1, 1);

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  int Between(int lo, int hi) {  // inclusive
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return lo + static_cast<int>(state_ % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  uint64_t state_;
};

// Effective of an event as day offsets; to == -1: open.
struct When {
  int from = 0;
  int to = 0;
};

std::string Text(When w) {
  const std::string from = FormatDay(kDay0 + w.from);
  if (w.to == w.from) return from;
  return from + ".." + (w.to < 0 ? "" : FormatDay(kDay0 + w.to));
}

When RandomWhen(Random& rng, bool allow_open) {
  const int from = rng.Between(0, kDays - 1);
  switch (rng.Between(0, allow_open ? 2 : 1)) {
    case 0:
      return {from, from};
    case 1:
      return {from, std::min(kDays - 1, from + rng.Between(1, 15))};
    default:
      return {from, -1};
  }
}

// One simulated occurrence: at time point `t` (3 per day), ordered by
// `tiebreak` within a point.
struct Occurrence {
  int64_t t;
  uint64_t tiebreak;
  int kind;  // 0 change, 1 money, 2 close-out, 3 repeal
  std::string policy, from, to, debit_kind;
  int64_t amount = 0;
};

struct Ledger {
  Log log{"f"};
  std::vector<std::tuple<uint64_t, std::string, When, int64_t>> money;
  std::vector<std::tuple<uint64_t, std::string, When, std::string>> changes;
  std::vector<std::tuple<uint64_t, When, std::string, std::string>> closes;
  std::vector<std::pair<uint64_t, When>> repeals;
  bool bound = false;
};

Ledger RandomLedger(Random& rng) {
  Ledger l;
  l.bound = rng.Between(0, 3) == 0;
  l.log.Accounts({{"fund", v1::EQUITY},
                  {"equity", v1::EQUITY},
                  {"costs", v1::EXPENSE},
                  {"bank", v1::ASSET}});
  std::optional<std::pair<std::string, int64_t>> bound;
  if (l.bound) bound = std::pair(std::string("fund"), int64_t{0});
  l.log.Policy("line",
               {{"allocation", "equity", "fund"},
                {"use", "fund", "bank"},
                {"repayment", "bank", "fund"},
                {"guidelines_repealed", "fund", "equity"}},
               bound);
  l.log.Policy("frame",
               {{"use", "costs", "bank"}, {"repayment", "bank", "costs"}});
  l.log.Change("2020-01-01", "line");
  l.changes.push_back({l.log.last_seq(), "line", {0, 0}, ""});
  for (int c = rng.Between(0, 2); c > 0; --c) {
    const When w = RandomWhen(rng, true);
    const std::string policy = rng.Between(0, 1) ? "frame" : "line";
    const std::string id = "chg" + std::to_string(c);
    l.log.Change(Text(w), policy, id);
    l.changes.push_back({l.log.last_seq(), policy, w, id});
    if (rng.Between(0, 1)) {
      l.log.CloseOut(Text(w), "fund", "equity", id);
      l.closes.push_back({l.log.last_seq(), w, "fund", id});
    }
  }
  for (int c = rng.Between(0, 1); c > 0; --c) {
    const When w = RandomWhen(rng, true);
    const std::string from = rng.Between(0, 1) ? "fund" : "costs";
    l.log.CloseOut(Text(w), from, "equity");
    l.closes.push_back({l.log.last_seq(), w, from, ""});
  }
  if (rng.Between(0, 2) == 0) {
    const When w = RandomWhen(rng, true);
    l.log.Repeal(Text(w));
    l.repeals.push_back({l.log.last_seq(), w});
  }
  for (int n = rng.Between(2, 7); n > 0; --n) {
    const When w = RandomWhen(rng, true);
    const int64_t amount = rng.Between(1, 100);
    const int pick = rng.Between(0, 2);
    const std::string kind = pick == 0   ? "allocation"
                             : pick == 1 ? "use"
                                         : "repayment";
    v1::Event& e = l.log.Append(Text(w));
    if (pick == 0) e.mutable_allocation()->set_amount_ore(amount);
    if (pick == 1) e.mutable_use()->set_amount_ore(amount);
    if (pick == 2) e.mutable_repayment()->set_amount_ore(amount);
    l.money.push_back({l.log.last_seq(), kind, w, amount});
  }
  return l;
}

int PickDay(Random& rng, When w) {
  return rng.Between(w.from, w.to < 0 ? kHorizon : w.to);
}

using Rules =
    std::map<std::string,
             std::map<std::string, std::pair<std::string, std::string>>>;

const Rules& PolicyRules() {
  static const Rules* rules = new Rules{
      {"line",
       {{"allocation", {"equity", "fund"}},
        {"use", {"fund", "bank"}},
        {"repayment", {"bank", "fund"}},
        {"guidelines_repealed", {"fund", "equity"}}}},
      {"frame",
       {{"use", {"costs", "bank"}}, {"repayment", {"bank", "costs"}}}}};
  return *rules;
}

// One world's debit-signed balances as of `as_of` (a day offset), or
// nullopt when the world breaks the bound under the policy then in force.
std::optional<std::map<std::string, int64_t>> Simulate(const Ledger& l,
                                                       Random& rng, int as_of,
                                                       View view) {
  std::vector<Occurrence> events;
  std::map<std::string, int64_t> change_time;  // tied close-outs follow
  std::map<std::string, uint64_t> change_seq;
  // The first change (by day, then seq) is the baseline; restated uses the
  // latest.
  auto ordered = l.changes;
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return std::pair(std::get<2>(a).from, std::get<0>(a)) <
           std::pair(std::get<2>(b).from, std::get<0>(b));
  });
  std::string policy = view == View::kRestated ? std::get<1>(ordered.back())
                                               : std::get<1>(ordered.front());
  for (const auto& [seq, p, w, id] : l.changes) {
    const int64_t t = 3 * int64_t{PickDay(rng, w)};
    if (!id.empty()) {
      change_time[id] = t;
      change_seq[id] = seq;
    }
    if (view == View::kReported) events.push_back({t, seq, 0, p, "", "", ""});
  }
  for (const auto& [seq, w, from, id] : l.closes) {
    if (!id.empty()) {
      if (view != View::kReported) continue;
      events.push_back(
          {change_time[id], change_seq[id], 2, "", from, "equity", ""});
      events.back().tiebreak = change_seq[id];
      events.back().amount = static_cast<int64_t>(seq);  // order after it
      continue;
    }
    events.push_back(
        {3 * int64_t{PickDay(rng, w)} + 2, seq, 2, "", from, "equity", ""});
  }
  for (const auto& [seq, w] : l.repeals) {
    events.push_back(
        {3 * int64_t{PickDay(rng, w)} + 2, seq, 3, "", "", "", ""});
  }
  for (const auto& [seq, kind, w, amount] : l.money) {
    const int first = PickDay(rng, w);
    const int second = PickDay(rng, w);
    const int64_t part = rng.Between(0, static_cast<int>(amount));
    events.push_back({3 * int64_t{first} + 1, seq, 1, "", "", "", kind, part});
    events.push_back(
        {3 * int64_t{second} + 1, seq, 1, "", "", "", kind, amount - part});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Occurrence& a, const Occurrence& b) {
                     return std::tie(a.t, a.tiebreak, a.kind, a.amount) <
                            std::tie(b.t, b.tiebreak, b.kind, b.amount);
                   });
  std::map<std::string, int64_t> debit;
  const int64_t end = 3 * int64_t{as_of} + 2;
  for (const Occurrence& e : events) {
    if (e.t > end) break;
    const auto& rules = PolicyRules().at(policy);
    if (e.kind == 0) {
      policy = e.policy;
    } else if (e.kind == 1) {
      if (auto it = rules.find(e.debit_kind); it != rules.end()) {
        debit[it->second.first] += e.amount;
        debit[it->second.second] -= e.amount;
      }
    } else if (e.kind == 2) {
      debit[e.to] += debit[e.from];
      debit[e.from] = 0;
    } else if (auto it = rules.find("guidelines_repealed"); it != rules.end()) {
      debit[it->second.second] += debit[it->second.first];
      debit[it->second.first] = 0;
    }
  }
  if (l.bound && policy == "line" && -debit["fund"] < 0) return std::nullopt;
  return debit;
}

TEST(HullTest, EveryConcreteWorldLiesInsideTheReportedRanges) {
  int checked = 0;
  for (uint64_t seed = 1; seed <= 250; ++seed) {
    Random rng(seed);
    const Ledger ledger = RandomLedger(rng);
    for (int q = 0; q < 4; ++q) {
      const int as_of = rng.Between(0, kHorizon);
      for (View view : kAllViews) {
        auto balances = Balances(ledger.log.records(),
                                 {kDay0 + as_of, std::nullopt, view, ""});
        ASSERT_TRUE(balances.ok()) << balances.status();
        for (int world = 0; world < 30; ++world) {
          auto debit = Simulate(ledger, rng, as_of, view);
          if (!debit) continue;
          for (const AccountRange& r : *balances) {
            const bool credit_normal =
                r.account == "fund" || r.account == "equity";
            const int64_t natural =
                credit_normal ? -(*debit)[r.account] : (*debit)[r.account];
            ++checked;
            EXPECT_TRUE(r.min_ore <= natural && natural <= r.max_ore)
                << "seed " << seed << " as of +" << as_of << " "
                << ViewName(view) << ": " << r.account << " = " << natural
                << " outside " << r.min_ore << ".." << r.max_ore;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 10000);
}

}  // namespace
}  // namespace fundlog::ledger
