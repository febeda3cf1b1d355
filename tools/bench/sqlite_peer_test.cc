// The SQLite peer is a valid comparison only if it answers the same question:
// on a small synthetic log (labelled synthetic, seeded), the peer's balances
// equal fundlog's (view without-change) for every account the peer gives
// exactly, on days before the first event the peer does not model, with and
// without known_at.
#include "tools/bench/sqlite_peer.h"

#include <gtest/gtest.h>

#include <random>

#include "absl/strings/str_cat.h"
#include "core/base/dates.h"
#include "core/ledger/projector.h"
#include "core/ledger/record_rules.h"
#include "core/ledger/snapshots.h"
#include "core/ledger/synth.h"
#include "core/store/event_log.h"
#include "tools/bench/bench_util.h"

namespace fundlog::bench {
namespace {

TEST(SqlitePeerTest, PeerBalancesEqualFundlogWhereThePeerIsExact) {
  ScratchDir dir;
  const std::vector<v1::StoredRecord> records =
      ledger::GenerateSynthetic(7, 4000, 3);
  auto log =
      EventLog::Create(CreateOptions{.path = absl::StrCat(dir.path(), "/log"),
                                     .origin = "t",
                                     .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(log.ok()) << log.status();
  auto peer = SqlitePeer::Open(absl::StrCat(dir.path(), "/peer.sqlite"));
  ASSERT_TRUE(peer.ok()) << peer.status();
  for (size_t i = 0; i < records.size(); i += 100) {
    const size_t n = std::min<size_t>(100, records.size() - i);
    v1::EventBatch batch;
    for (size_t j = i; j < i + n; ++j) *batch.add_events() = records[j].event();
    ASSERT_TRUE((*log)->Append(batch, std::nullopt).ok());
    ASSERT_TRUE(
        (*peer)->AppendBatch(absl::MakeConstSpan(records).subspan(i, n)).ok());
  }
  auto loaded = ledger::LoadProjector(**log);
  ASSERT_TRUE(loaded.ok()) << loaded.status();

  const auto until = PeerComparableUntil(records);
  std::mt19937_64 random(1);
  int compared = 0, exact_nonzero = 0, known_at_queries = 0;
  for (const auto& [fund, last] : until) {
    if (fund.empty()) continue;
    auto last_day = ParseDay(last);
    ASSERT_TRUE(last_day.ok());
    const absl::CivilDay first(2000, 1, 1);
    if (*last_day < first + 30) continue;
    for (int q = 0; q < 12; ++q) {
      const absl::CivilDay day = first + random() % (*last_day - first + 1);
      std::optional<absl::CivilDay> known;
      if (q % 2 == 1) known = day + random() % 400;
      if (known) ++known_at_queries;
      auto ours = loaded->projector.BalancesAt(
          ledger::BalanceQuery{day, known, ledger::View::kWithoutChange, fund});
      ASSERT_TRUE(ours.ok()) << ours.status();
      auto theirs = (*peer)->BalanceAsOf(
          fund, FormatDay(day),
          known ? std::optional<std::string>(FormatDay(*known)) : std::nullopt);
      ASSERT_TRUE(theirs.ok()) << theirs.status();
      auto same = ComparePeer(*ours, *theirs);
      ASSERT_TRUE(same.ok()) << fund << " as of " << FormatDay(day)
                             << (known ? " known at " + FormatDay(*known) : "")
                             << ": " << same.status();
      compared += *same;
      for (const PeerBalance& b : *theirs) {
        exact_nonzero += b.min_ore == b.max_ore && b.min_ore != 0;
      }
    }
  }
  // The comparison must not be empty: accounts with money, known_at too.
  EXPECT_GT(compared, 50);
  EXPECT_GT(exact_nonzero, 20);
  EXPECT_GT(known_at_queries, 5);
}

// A correction recorded later changes the balance only from its recorded_on:
// the peer's versions mirror fundlog's (known before: the original).
TEST(SqlitePeerTest, CorrectionAppliesFromItsRecordedOn) {
  ScratchDir dir;
  auto peer = SqlitePeer::Open(absl::StrCat(dir.path(), "/peer.sqlite"));
  ASSERT_TRUE(peer.ok()) << peer.status();
  std::vector<v1::StoredRecord> records = ledger::GenerateSynthetic(3, 0, 1);
  const std::string fund = records.back().event().fund_id();
  auto add = [&](v1::Event event) {
    v1::StoredRecord& r = records.emplace_back();
    r.set_seq(records.size() - 1);
    *r.mutable_event() = std::move(event);
    return r.seq();
  };
  v1::Event use;
  use.set_fund_id(fund);
  use.mutable_effective()->set_day("2001-03-01");
  use.set_recorded_on("2001-03-02");
  use.mutable_use()->set_amount_ore(500);
  const uint64_t used = add(use);
  v1::Event fix;
  fix.set_fund_id(fund);
  fix.set_recorded_on("2001-06-01");
  fix.mutable_correction()->set_corrected_seq(used);
  *fix.mutable_correction()->mutable_replacement() = use;
  fix.mutable_correction()
      ->mutable_replacement()
      ->mutable_use()
      ->set_amount_ore(700);
  add(fix);
  ASSERT_TRUE((*peer)->AppendBatch(records).ok());
  auto bank = [&](std::optional<std::string> known) -> int64_t {
    auto b = (*peer)->BalanceAsOf(fund, "2001-12-31", known);
    EXPECT_TRUE(b.ok()) << b.status();
    for (const PeerBalance& p : *b) {
      if (p.account == "synthetic-bank") return p.min_ore;
    }
    return 0;
  };
  const int64_t before = bank(std::string("2001-05-31"));
  const int64_t after = bank(std::string("2001-06-01"));
  EXPECT_EQ(before - after, 200);  // the bank paid 700 instead of 500
  EXPECT_EQ(bank(std::nullopt), after);
  EXPECT_EQ(bank(std::string("2001-03-01")) - before, 500);  // not yet known
}

}  // namespace
}  // namespace fundlog::bench
