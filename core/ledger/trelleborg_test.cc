// Every Trelleborg figure the issue names, on the fixture and (when it is
// there) on data/trelleborg_social_investment_fund.textpb.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/ledger/ledger.h"
#include "core/ledger/test_events.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace fundlog::ledger {
namespace {

using ::fundlog::ledger::testing::BalanceOf;
using ::fundlog::ledger::testing::kMnkr;
using ::fundlog::ledger::testing::TotalOf;
using Pair = std::pair<int64_t, int64_t>;

constexpr char kFund[] = "social_investment_fund";
const Pair kZero{0, 0};
const Pair kAllocatedLessUse{66 * kMnkr / 10, 10 * kMnkr};  // 6.6 – 10 mnkr
const Pair kSixPointSix{66 * kMnkr / 10, 66 * kMnkr / 10};

// The figures, checked on any log of the Trelleborg history.
void ExpectTrelleborgFigures(const std::vector<v1::StoredRecord>& log) {
  // reported
  EXPECT_EQ(BalanceOf(log, kFund, "2011-11-02"), kZero);
  EXPECT_EQ(BalanceOf(log, kFund, "2011-12-31"), kAllocatedLessUse);
  EXPECT_EQ(BalanceOf(log, kFund, "2014-12-31"), kAllocatedLessUse);
  EXPECT_EQ(BalanceOf(log, kFund, "2015-06-30"), Pair(0, 10 * kMnkr));
  for (const char* day : {"2015-12-31", "2016-06-30", "2017-12-31",
                          "2021-11-03", "2021-12-31", "2030-01-01"}) {
    EXPECT_EQ(BalanceOf(log, kFund, day), kZero) << day;
  }
  // without-change
  const View without = View::kWithoutChange;
  EXPECT_EQ(BalanceOf(log, kFund, "2014-12-31", without), kAllocatedLessUse);
  EXPECT_EQ(BalanceOf(log, kFund, "2017-12-31", without), kSixPointSix);
  EXPECT_EQ(BalanceOf(log, kFund, "2021-06-30", without), kSixPointSix);
  for (const char* day : {"2021-11-04", "2021-12-31", "2030-01-01"}) {
    EXPECT_EQ(BalanceOf(log, kFund, day, without), Pair(0, 66 * kMnkr / 10))
        << day;
  }
  // restated
  for (const char* day : {"2011-11-02", "2011-12-31", "2014-12-31",
                          "2015-06-30", "2017-12-31", "2021-12-31"}) {
    EXPECT_EQ(BalanceOf(log, kFund, day, View::kRestated), kZero) << day;
  }
  // totals
  for (View view : kAllViews) {
    EXPECT_EQ(TotalOf(log, "allocation", "2011-01-01", "2017-12-31", view),
              Pair(10 * kMnkr, 10 * kMnkr));
    EXPECT_EQ(TotalOf(log, "use", "2011-01-01", "2017-12-31", view),
              Pair(34 * kMnkr / 10, 34 * kMnkr / 10));
  }
  EXPECT_EQ(TotalOf(log, "close_out", "2015-01-01", "2015-12-31"),
            kAllocatedLessUse);
}

TEST(TrelleborgTest, FixtureGivesEveryFigure) {
  ExpectTrelleborgFigures(testing::TrelleborgFixture());
}

TEST(TrelleborgTest, FixtureDebitsEqualCreditsAndVerifies) {
  const auto log = testing::TrelleborgFixture();
  const LedgerCheck check = CheckLedger(log);
  for (const Finding& f : check.findings) {
    ADD_FAILURE() << f.seq << " " << f.kind << ": " << f.detail;
  }
  for (View view : kAllViews) {
    for (const char* day : {"2011-11-02", "2015-06-30", "2021-12-31"}) {
      auto balances = Balances(log, {testing::D(day), std::nullopt, view, ""});
      ASSERT_TRUE(balances.ok()) << balances.status();
      auto [lo, hi] = testing::DebitMinusCredit(log, *balances);
      EXPECT_LE(lo, 0) << day;
      EXPECT_GE(hi, 0) << day;
    }
  }
}

TEST(TrelleborgTest, CloseOutIsAbsentWhereItsChangeIsNotApplied) {
  const auto log = testing::TrelleborgFixture();
  EXPECT_EQ(TotalOf(log, "close_out", "2015-01-01", "2015-12-31",
                    View::kWithoutChange),
            kZero);
  EXPECT_EQ(
      TotalOf(log, "close_out", "2015-01-01", "2015-12-31", View::kRestated),
      kZero);
}

TEST(TrelleborgTest, StatementOf2015ShowsTheDissolution) {
  const auto log = testing::TrelleborgFixture();
  auto statement =
      YearStatement(log, {2015, View::kReported, std::nullopt, ""});
  ASSERT_TRUE(statement.ok()) << statement.status();
  auto find = [&](const std::vector<AccountRange>& v) {
    for (const AccountRange& r : v) {
      if (r.account == kFund) return Pair(r.min_ore, r.max_ore);
    }
    return Pair(-1, -1);
  };
  EXPECT_EQ(find(statement->opening), kAllocatedLessUse);
  EXPECT_EQ(find(statement->closing), kZero);
  bool close_out_seen = false;
  for (const Movement& m : statement->movements) {
    if (m.account == kFund && m.kind == "close_out") {
      close_out_seen = true;
      EXPECT_EQ(Pair(m.min_ore, m.max_ore),
                Pair(-10 * kMnkr, -66 * kMnkr / 10));
    }
  }
  EXPECT_TRUE(close_out_seen);
}

std::string DataFile() {
  return std::string(FUNDLOG_SOURCE_DIR) +
         "/data/trelleborg_social_investment_fund.textpb";
}

TEST(TrelleborgTest, DataFileGivesEveryFigure) {
  std::ifstream in(DataFile());
  if (!in) GTEST_SKIP() << DataFile() << " not written yet";
  std::stringstream text;
  text << in.rdbuf();
  v1::EventBatch batch;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &batch))
      << "the data file does not parse as an EventBatch";
  const auto log = testing::AsRecords(batch);
  ExpectTrelleborgFigures(log);
  for (const Finding& f : CheckLedger(log).findings) {
    ADD_FAILURE() << f.seq << " " << f.kind << ": " << f.detail;
  }
}

}  // namespace
}  // namespace fundlog::ledger
