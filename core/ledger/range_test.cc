// The range rules: period facts, open periods, splits across a policy
// change, close-outs with a period date, bounds, overflow, known_at.
#include <limits>
#include <optional>
#include <string>

#include "core/ledger/ledger.h"
#include "core/ledger/test_events.h"
#include "gtest/gtest.h"

namespace fundlog::ledger {
namespace {

using ::fundlog::ledger::testing::BalanceOf;
using ::fundlog::ledger::testing::D;
using ::fundlog::ledger::testing::Log;
using ::fundlog::ledger::testing::TotalOf;
using Pair = std::pair<int64_t, int64_t>;

// A fund line from 2000; `bound` declares fund >= 0.
Log FundLine(bool bound = false) {
  Log log("f");
  log.Accounts({{"fund", v1::EQUITY},
                {"equity", v1::EQUITY},
                {"costs", v1::EXPENSE},
                {"bank", v1::ASSET}});
  std::optional<std::pair<std::string, int64_t>> min_bound;
  if (bound) min_bound = std::pair(std::string("fund"), int64_t{0});
  log.Policy("line",
             {{"allocation", "equity", "fund"}, {"use", "fund", "bank"}},
             min_bound);
  log.Policy("frame", {{"use", "costs", "bank"}});
  log.Change("2000-01-01", "line");
  return log;
}

TEST(RangeTest, PeriodFactGivesEveryAmountInsideAndAllOnceEnded) {
  Log log = FundLine();
  log.Allocation("2009-12-31", 1000);
  log.Use("2010-01-01..2010-12-31", 100);
  const auto r = log.records();
  EXPECT_EQ(BalanceOf(r, "fund", "2009-12-31"), Pair(1000, 1000));
  EXPECT_EQ(BalanceOf(r, "fund", "2010-01-01"), Pair(900, 1000));
  EXPECT_EQ(BalanceOf(r, "fund", "2010-06-30"), Pair(900, 1000));
  EXPECT_EQ(BalanceOf(r, "fund", "2010-12-31"), Pair(900, 900));
  EXPECT_EQ(BalanceOf(r, "fund", "2011-01-01"), Pair(900, 900));
  EXPECT_EQ(BalanceOf(r, "bank", "2010-06-30"), Pair(-100, 0));
}

TEST(RangeTest, OpenPeriodNeverEnds) {
  Log log = FundLine();
  log.Allocation("2009-12-31", 1000);
  log.Use("2010-01-01..", 100);
  EXPECT_EQ(BalanceOf(log.records(), "fund", "2009-12-31"), Pair(1000, 1000));
  EXPECT_EQ(BalanceOf(log.records(), "fund", "2090-01-01"), Pair(900, 1000));
}

TEST(RangeTest, PeriodAcrossAPolicyChangeCarriesTheUnknownSplit) {
  Log log = FundLine();
  log.Allocation("2009-12-31", 1000);
  log.Change("2010-07-01", "frame");
  log.Use("2010-01-01..2010-12-31", 100);
  const auto r = log.records();
  EXPECT_EQ(BalanceOf(r, "fund", "2010-12-31"), Pair(900, 1000));
  EXPECT_EQ(BalanceOf(r, "costs", "2010-12-31"), Pair(0, 100));
  // Whatever the split, the bank paid all of it.
  EXPECT_EQ(BalanceOf(r, "bank", "2010-12-31"), Pair(-100, -100));
  // Before the change only the first policy can have taken a part.
  EXPECT_EQ(BalanceOf(r, "costs", "2010-06-30"), Pair(0, 0));
}

TEST(RangeTest, PeriodChangeWithAPeriodFactSplitsEitherWay) {
  Log log = FundLine();
  log.Change("2010-01-01..2010-12-31", "frame");
  log.Use("2010-01-01..2010-12-31", 100);
  const auto r = log.records();
  EXPECT_EQ(BalanceOf(r, "fund", "2010-12-31"), Pair(-100, 0));
  EXPECT_EQ(BalanceOf(r, "costs", "2010-12-31"), Pair(0, 100));
}

TEST(RangeTest, CloseOutWithAPeriodDateMayOrMayNotHaveHappened) {
  Log log = FundLine();
  log.Allocation("2010-01-01", 1000);
  log.CloseOut("2011-01-01..2011-12-31", "fund", "equity");
  const auto r = log.records();
  EXPECT_EQ(BalanceOf(r, "fund", "2010-12-31"), Pair(1000, 1000));
  EXPECT_EQ(BalanceOf(r, "fund", "2011-06-30"), Pair(0, 1000));
  EXPECT_EQ(BalanceOf(r, "equity", "2011-06-30"), Pair(-1000, 0));
  EXPECT_EQ(BalanceOf(r, "fund", "2011-12-31"), Pair(0, 0));
  EXPECT_EQ(BalanceOf(r, "equity", "2011-12-31"), Pair(0, 0));
}

TEST(RangeTest, CloseOutMovesWhatPeriodFactsLeftBeforeIt) {
  Log log = FundLine();
  log.Allocation("2010-01-01", 1000);
  log.Use("2011-01-01..2011-12-31", 100);
  log.CloseOut("2012-01-01", "fund", "equity");
  const auto r = log.records();
  EXPECT_EQ(BalanceOf(r, "fund", "2012-01-01"), Pair(0, 0));
  EXPECT_EQ(BalanceOf(r, "equity", "2012-01-01"), Pair(-100, -100));
  EXPECT_EQ(TotalOf(r, "close_out", "2012-01-01", "2012-12-31"),
            Pair(900, 900));
}

TEST(RangeTest, PartOfAPeriodFactMayFollowACloseOutInsideIt) {
  Log log = FundLine();
  log.Allocation("2010-01-01", 1000);
  log.Use("2011-01-01..2011-12-31", 100);
  log.CloseOut("2011-06-30", "fund", "equity");
  const auto r = log.records();
  EXPECT_EQ(BalanceOf(r, "fund", "2011-12-31"), Pair(-100, 0));
  EXPECT_EQ(TotalOf(r, "close_out", "2011-01-01", "2011-12-31"),
            Pair(900, 1000));
}

TEST(RangeTest, DeclaredBoundNarrowsTheRange) {
  Log log = FundLine(/*bound=*/true);
  log.Allocation("2010-06-01", 50);
  log.Use("2010-01-01..2011-12-31", 100);
  const auto r = log.records();
  EXPECT_EQ(BalanceOf(r, "fund", "2010-12-31"), Pair(0, 50));
  EXPECT_EQ(BalanceOf(r, "fund", "2010-05-31"), Pair(0, 0));
  // Without the bound the same facts allow a negative fund.
  Log unbounded = FundLine(/*bound=*/false);
  unbounded.Allocation("2010-06-01", 50);
  unbounded.Use("2010-01-01..2011-12-31", 100);
  EXPECT_EQ(BalanceOf(unbounded.records(), "fund", "2010-12-31"),
            Pair(-50, 50));
}

TEST(RangeTest, EmptyRangeAfterNarrowingIsAFinding) {
  Log log = FundLine(/*bound=*/true);
  const uint64_t policy_seq = 1;
  log.Allocation("2010-06-01", 50);
  log.Use("2010-01-01..2010-12-31", 100);
  auto balances = Balances(log.records(), {D("2010-12-31"), {}, {}, ""});
  ASSERT_TRUE(balances.ok()) << balances.status();
  bool seen = false;
  for (const AccountRange& range : *balances) {
    if (range.account != "fund") continue;
    seen = true;
    EXPECT_TRUE(range.bound_contradicted);
    EXPECT_EQ(Pair(range.min_ore, range.max_ore), Pair(-50, -50));
  }
  EXPECT_TRUE(seen);
  const LedgerCheck check = CheckLedger(log.records());
  bool found = false;
  for (const Finding& f : check.findings) {
    if (f.kind == "bound_contradicted") {
      found = true;
      EXPECT_EQ(f.seq, policy_seq);
    }
  }
  EXPECT_TRUE(found);
}

TEST(RangeTest, TotalsAreExactInsideAndARangeAcrossABound) {
  Log log = FundLine();
  log.Use("2010-06-01..2011-06-30", 100);
  log.Allocation("2010-03-01", 40);
  const auto r = log.records();
  EXPECT_EQ(TotalOf(r, "use", "2010-01-01", "2010-12-31"), Pair(0, 100));
  EXPECT_EQ(TotalOf(r, "use", "2010-01-01", "2011-12-31"), Pair(100, 100));
  EXPECT_EQ(TotalOf(r, "use", "2012-01-01", "2012-12-31"), Pair(0, 0));
  EXPECT_EQ(TotalOf(r, "allocation", "2010-03-01", "2010-03-01"), Pair(40, 40));
}

TEST(RangeTest, OverflowingInputSumsAreAStatusNotUndefinedBehaviour) {
  Log log = FundLine();
  const int64_t big = std::numeric_limits<int64_t>::max() / 2 + 1;
  log.Allocation("2010-01-01", big);
  log.Allocation("2010-01-02", big);
  auto balances = Balances(log.records(), {D("2010-12-31"), {}, {}, ""});
  EXPECT_EQ(balances.status().code(), absl::StatusCode::kOutOfRange);
  TotalsQuery query;
  query.from = D("2010-01-01");
  query.to = D("2010-12-31");
  auto totals = Totals(log.records(), query);
  EXPECT_EQ(totals.status().code(), absl::StatusCode::kOutOfRange);
}

TEST(RangeTest, NonPositiveAmountIsRefusedNamingSeqAndField) {
  Log log = FundLine();
  log.Use("2010-01-01", -5);
  auto balances = Balances(log.records(), {D("2010-12-31"), {}, {}, ""});
  EXPECT_EQ(balances.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(balances.status().message().find("seq 4: amount_ore"),
            std::string::npos)
      << balances.status();
}

TEST(RangeTest, KnownAtCountsOnlyEventsRecordedByThen) {
  Log log = FundLine();
  log.Allocation("2010-12-31", 1000).set_recorded_on("2011-01-15");
  const auto r = log.records();
  EXPECT_EQ(BalanceOf(r, "fund", "2010-12-31", View::kReported, "2011-01-14"),
            Pair(0, 0));
  EXPECT_EQ(BalanceOf(r, "fund", "2010-12-31", View::kReported, "2011-01-15"),
            Pair(1000, 1000));
  EXPECT_EQ(BalanceOf(r, "fund", "2010-12-31"), Pair(1000, 1000));
}

}  // namespace
}  // namespace fundlog::ledger
