// Posting derivation under a policy timeline, and the three views.
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/ledger/facts.h"
#include "core/ledger/ledger.h"
#include "core/ledger/test_events.h"
#include "gtest/gtest.h"

namespace fundlog::ledger {
namespace {

using ::fundlog::ledger::testing::BalanceOf;
using ::fundlog::ledger::testing::D;
using ::fundlog::ledger::testing::Log;
using Pair = std::pair<int64_t, int64_t>;

// A fund line until a change on 2012-01-01 (known day) to a budget frame,
// with a close-out tied to that change.
Log TwoPolicyLog() {
  Log log("f");
  log.Accounts({{"fund_line", v1::EQUITY},
                {"equity", v1::EQUITY},
                {"costs", v1::EXPENSE},
                {"bank", v1::ASSET}});
  log.Policy("line", {{"allocation", "equity", "fund_line"},
                      {"use", "fund_line", "bank"},
                      {"guidelines_repealed", "fund_line", "equity"}});
  log.Policy("frame", {{"use", "costs", "bank"}});
  log.Change("2010-01-01", "line");
  log.Change("2012-01-01", "frame", "chg");
  log.CloseOut("2012-01-01", "fund_line", "equity", "chg");
  log.Allocation("2010-06-01", 100);
  log.Use("2011-06-01", 30);
  log.Use("2012-06-01", 20);
  return log;
}

std::vector<Posting> PostingsAsOf(const Log& log, absl::string_view day,
                                  View view) {
  auto postings = Postings(log.records(), {D(day), std::nullopt, view, ""});
  EXPECT_TRUE(postings.ok()) << postings.status();
  return postings.ok() ? *postings : std::vector<Posting>{};
}

std::string Describe(const Posting& p) {
  return absl::StrCat(p.kind, " Dr ", p.debit_account, " Cr ", p.credit_account,
                      " ", p.min_ore, "..", p.max_ore);
}

std::vector<std::string> Describe(const std::vector<Posting>& postings) {
  std::vector<std::string> out;
  for (const Posting& p : postings) out.push_back(Describe(p));
  return out;
}

TEST(PostingTest, AllocationPostsItsRuleExactly) {
  EXPECT_EQ(
      Describe(PostingsAsOf(TwoPolicyLog(), "2010-12-31", View::kReported)),
      std::vector<std::string>{"allocation Dr equity Cr fund_line 100..100"});
}

TEST(PostingTest, EachUseFollowsThePolicyInForceAndTheCloseOutMovesTheRest) {
  EXPECT_EQ(
      Describe(PostingsAsOf(TwoPolicyLog(), "2012-12-31", View::kReported)),
      (std::vector<std::string>{
          "close_out Dr fund_line Cr equity 70..70",
          "allocation Dr equity Cr fund_line 100..100",
          "use Dr fund_line Cr bank 30..30",
          "use Dr costs Cr bank 20..20",
      }));
}

TEST(PostingTest, ReportedViewDissolvesTheFundAtTheChange) {
  const auto log = TwoPolicyLog().records();
  EXPECT_EQ(BalanceOf(log, "fund_line", "2011-12-31"), Pair(70, 70));
  EXPECT_EQ(BalanceOf(log, "fund_line", "2012-12-31"), Pair(0, 0));
  EXPECT_EQ(BalanceOf(log, "costs", "2012-12-31"), Pair(20, 20));
  EXPECT_EQ(BalanceOf(log, "bank", "2012-12-31"), Pair(-50, -50));
  EXPECT_EQ(BalanceOf(log, "equity", "2012-12-31"), Pair(-30, -30));
}

TEST(PostingTest, WithoutChangeKeepsTheFirstPolicyAndSkipsTheTiedCloseOut) {
  const auto log = TwoPolicyLog().records();
  const View v = View::kWithoutChange;
  EXPECT_EQ(BalanceOf(log, "fund_line", "2012-12-31", v), Pair(50, 50));
  EXPECT_EQ(BalanceOf(log, "costs", "2012-12-31", v), Pair(0, 0));
  EXPECT_EQ(BalanceOf(log, "equity", "2012-12-31", v), Pair(-100, -100));
}

TEST(PostingTest, RestatedAppliesTheLatestPolicyFromTheBeginning) {
  const auto log = TwoPolicyLog().records();
  const View v = View::kRestated;
  EXPECT_EQ(BalanceOf(log, "fund_line", "2011-12-31", v), Pair(0, 0));
  EXPECT_EQ(BalanceOf(log, "costs", "2012-12-31", v), Pair(50, 50));
  EXPECT_EQ(BalanceOf(log, "equity", "2012-12-31", v), Pair(0, 0));
  // The budget frame has no allocation rule: the allocation posts nothing.
  for (const Posting& p : PostingsAsOf(TwoPolicyLog(), "2012-12-31", v)) {
    EXPECT_NE(p.kind, "allocation");
    EXPECT_NE(p.kind, "close_out");
  }
}

TEST(PostingTest, RepealClosesTheFundOnlyUnderAPolicyWithARepealRule) {
  Log log = TwoPolicyLog();
  log.Repeal("2013-03-01");
  const auto records = log.records();
  EXPECT_EQ(BalanceOf(records, "fund_line", "2013-02-28", View::kWithoutChange),
            Pair(50, 50));
  EXPECT_EQ(BalanceOf(records, "fund_line", "2013-03-01", View::kWithoutChange),
            Pair(0, 0));
  EXPECT_EQ(BalanceOf(records, "equity", "2013-03-01", View::kWithoutChange),
            Pair(-50, -50));
  // Under the budget frame (reported, restated) the repeal weighs nothing.
  EXPECT_EQ(BalanceOf(records, "equity", "2013-03-01"), Pair(-30, -30));
  EXPECT_EQ(BalanceOf(records, "equity", "2013-03-01", View::kRestated),
            Pair(0, 0));
}

TEST(PostingTest, CloseOutTiedToTheFirstChangeAppliesWithoutTheChange) {
  Log log("f");
  log.Accounts({{"fund_line", v1::EQUITY}, {"equity", v1::EQUITY}});
  log.Policy("line", {{"allocation", "equity", "fund_line"}});
  log.Policy("frame", {});
  log.Allocation("2009-06-01", 100);
  log.Change("2010-01-01", "line", "first");
  log.CloseOut("2010-01-01", "fund_line", "equity", "first");
  log.Change("2012-01-01", "frame", "second");
  const auto records = log.records();
  EXPECT_EQ(BalanceOf(records, "fund_line", "2009-12-31", View::kWithoutChange),
            Pair(100, 100));
  EXPECT_EQ(BalanceOf(records, "fund_line", "2010-01-01", View::kWithoutChange),
            Pair(0, 0));
  EXPECT_EQ(BalanceOf(records, "fund_line", "2010-01-01"), Pair(0, 0));
  // Restated: the frame from the start, no transition at all.
  EXPECT_EQ(BalanceOf(records, "fund_line", "2010-01-01", View::kRestated),
            Pair(0, 0));
}

TEST(PostingTest, UntiedCloseOutAppliesInEveryView) {
  Log log = TwoPolicyLog();
  log.CloseOut("2013-01-01", "costs", "equity");
  const auto records = log.records();
  for (View view : kAllViews) {
    EXPECT_EQ(BalanceOf(records, "costs", "2013-01-01", view), Pair(0, 0))
        << ViewName(view);
  }
  EXPECT_EQ(BalanceOf(records, "equity", "2013-01-01", View::kRestated),
            Pair(-50, -50));
}

TEST(PostingTest, VoucherRowsPostDirectlyInEveryView) {
  Log log = TwoPolicyLog();
  v1::Voucher* voucher = log.Append("2011-02-01").mutable_voucher();
  v1::VoucherRow* debit = voucher->add_rows();
  debit->set_account("costs");
  debit->set_amount_ore(7);
  v1::VoucherRow* credit = voucher->add_rows();
  credit->set_account("bank");
  credit->set_amount_ore(-7);
  const auto records = log.records();
  const auto without = TwoPolicyLog().records();
  for (View view : kAllViews) {
    auto [lo, hi] = BalanceOf(without, "costs", "2011-12-31", view);
    EXPECT_EQ(BalanceOf(records, "costs", "2011-12-31", view),
              Pair(lo + 7, hi + 7))
        << ViewName(view);
    std::tie(lo, hi) = BalanceOf(without, "bank", "2011-12-31", view);
    EXPECT_EQ(BalanceOf(records, "bank", "2011-12-31", view),
              Pair(lo - 7, hi - 7))
        << ViewName(view);
  }
  auto postings = PostingsAsOf(log, "2011-12-31", View::kReported);
  EXPECT_EQ(Describe(postings.back()), "voucher Dr costs Cr  7..7");
}

TEST(PostingTest, ViewsNeverChangeTheFactsTotals) {
  const auto log = TwoPolicyLog().records();
  for (View view : kAllViews) {
    EXPECT_EQ(testing::TotalOf(log, "use", "2010-01-01", "2012-12-31", view),
              Pair(50, 50));
  }
}

TEST(PostingTest, AccountsAreListedInNumberOrderIncludingUnposted) {
  Log log("f");
  v1::Event& accounts = log.Append("2000-01-01");
  for (auto [id, number] : {std::pair("z", "1000"), std::pair("a", "2000"),
                            std::pair("m", "1500")}) {
    v1::Account* a = accounts.mutable_accounts_defined()->add_accounts();
    a->set_id(id);
    a->set_name(id);
    a->set_number(number);
  }
  auto balances = Balances(log.records(), {D("2020-01-01"), {}, {}, ""});
  ASSERT_TRUE(balances.ok()) << balances.status();
  ASSERT_EQ(balances->size(), 3u);
  EXPECT_EQ((*balances)[0].account, "z");
  EXPECT_EQ((*balances)[1].account, "m");
  EXPECT_EQ((*balances)[2].account, "a");
  EXPECT_EQ((*balances)[2].min_ore, 0);
}

TEST(PostingTest, UnknownFundIsNotFound) {
  auto balances =
      Balances(TwoPolicyLog().records(), {D("2020-01-01"), {}, {}, "nope"});
  EXPECT_EQ(balances.status().code(), absl::StatusCode::kNotFound);
}

TEST(ViewTest, KindNamesAreThePayloadFieldNames) {
  for (int k = 0; k < internal::kFactKinds; ++k) {
    const absl::string_view name =
        internal::FactKindName(static_cast<internal::FactKind>(k));
    EXPECT_NE(v1::Event::descriptor()->FindFieldByName(std::string(name)),
              nullptr)
        << name;
  }
}

TEST(ViewTest, NamesRoundTripAndUnknownNamesAreRefused) {
  for (View view : kAllViews) {
    auto parsed = ParseView(ViewName(view));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, view);
  }
  EXPECT_EQ(ParseView("Reported").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseView("").ok());
}

}  // namespace
}  // namespace fundlog::ledger
