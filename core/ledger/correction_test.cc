// Corrections apply from their own recorded_on: as known before, the
// original stands; after, the replacement (wholesale) or nothing (reversal).
#include <string>

#include "core/ledger/ledger.h"
#include "core/ledger/projector.h"
#include "core/ledger/test_events.h"
#include "gtest/gtest.h"

namespace fundlog::ledger {
namespace {

using ::fundlog::ledger::testing::BalanceOf;
using ::fundlog::ledger::testing::D;
using ::fundlog::ledger::testing::Log;
using Pair = std::pair<int64_t, int64_t>;

constexpr uint64_t kAllocationSeq = 3;

// Allocation of 1000 on 2010-06-01 (recorded that day) at kAllocationSeq.
Log Base() {
  Log log("f");
  log.Accounts({{"fund", v1::EQUITY}, {"equity", v1::EQUITY}});
  log.Policy("line", {{"allocation", "equity", "fund"}});
  log.Change("2000-01-01", "line");
  log.Allocation("2010-06-01", 1000);
  EXPECT_EQ(log.last_seq(), kAllocationSeq);
  return log;
}

v1::Event Replacement(const Log& log, int64_t ore, std::string day) {
  v1::Event e = log.records()[kAllocationSeq].event();
  e.mutable_allocation()->set_amount_ore(ore);
  e.mutable_effective()->set_day(std::move(day));
  return e;
}

Pair FundKnownAt(const Log& log, const char* known_at) {
  return BalanceOf(log.records(), "fund", "2010-12-31", View::kReported,
                   known_at);
}

TEST(CorrectionTest, ReplacementCountsFromItsRecordedOnOnly) {
  Log log = Base();
  const v1::Event replacement = Replacement(log, 700, "2010-06-01");
  log.Correct(kAllocationSeq, "2011-03-01", &replacement);
  EXPECT_EQ(FundKnownAt(log, "2010-06-01"), Pair(1000, 1000));
  EXPECT_EQ(FundKnownAt(log, "2011-02-28"), Pair(1000, 1000));
  EXPECT_EQ(FundKnownAt(log, "2011-03-01"), Pair(700, 700));
  EXPECT_EQ(BalanceOf(log.records(), "fund", "2010-12-31"), Pair(700, 700));
  // Known before the original was recorded: nothing.
  EXPECT_EQ(FundKnownAt(log, "2010-05-31"), Pair(0, 0));
}

TEST(CorrectionTest, ReversalVoidsTheOriginalFromItsRecordedOn) {
  Log log = Base();
  log.Correct(kAllocationSeq, "2011-03-01", nullptr);
  EXPECT_EQ(FundKnownAt(log, "2011-02-28"), Pair(1000, 1000));
  EXPECT_EQ(FundKnownAt(log, "2011-03-01"), Pair(0, 0));
  EXPECT_EQ(BalanceOf(log.records(), "fund", "2010-12-31"), Pair(0, 0));
}

TEST(CorrectionTest, ReplacementReplacesTheOriginalWholesale) {
  Log log = Base();
  // The corrected event moves to another year and another amount.
  const v1::Event replacement = Replacement(log, 300, "2012-01-01");
  log.Correct(kAllocationSeq, "2011-03-01", &replacement);
  EXPECT_EQ(FundKnownAt(log, "2011-03-01"), Pair(0, 0));
  EXPECT_EQ(BalanceOf(log.records(), "fund", "2012-01-01"), Pair(300, 300));
}

TEST(CorrectionTest, CorrectingACorrectionSupersedesIt) {
  Log log = Base();
  const v1::Event replacement = Replacement(log, 700, "2010-06-01");
  log.Correct(kAllocationSeq, "2011-03-01", &replacement);
  const uint64_t first = log.last_seq();
  log.Correct(first, "2011-05-01", nullptr);
  EXPECT_EQ(FundKnownAt(log, "2011-02-28"), Pair(1000, 1000));
  EXPECT_EQ(FundKnownAt(log, "2011-04-30"), Pair(700, 700));
  EXPECT_EQ(FundKnownAt(log, "2011-05-01"), Pair(0, 0));
}

TEST(CorrectionTest, CorrectionOfAPolicyChangeRestatesFromItsRecordedOn) {
  Log log = Base();
  log.Policy("nothing", {});
  v1::Event replacement = log.records()[2].event();
  replacement.mutable_policy_changed()->set_policy_id("nothing");
  log.Correct(2, "2011-03-01", &replacement);
  EXPECT_EQ(FundKnownAt(log, "2011-02-28"), Pair(1000, 1000));
  EXPECT_EQ(FundKnownAt(log, "2011-03-01"), Pair(0, 0));
}

TEST(CorrectionTest, CorrectionNamingALaterRecordIsRefused) {
  Log log = Base();
  log.Correct(99, "2011-03-01", nullptr);
  auto balances = Balances(log.records(), {D("2011-12-31"), {}, {}, ""});
  EXPECT_EQ(balances.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CorrectionTest, RejectedRecordIsCountedButChangesNothing) {
  Log log = Base();
  v1::Event bad = log.records()[kAllocationSeq].event();
  bad.mutable_allocation()->set_amount_ore(0);
  log.Correct(kAllocationSeq, "2011-03-01", &bad);
  Projector projector;
  for (const auto& record : log.records()) {
    const absl::Status s = projector.Add(record);
    EXPECT_EQ(s.ok(), record.seq() != log.last_seq()) << s;
  }
  EXPECT_EQ(projector.size(), log.records().size());
  auto balances = projector.BalancesAt({D("2011-12-31"), {}, {}, ""});
  ASSERT_TRUE(balances.ok()) << balances.status();
  for (const AccountRange& r : *balances) {
    if (r.account == "fund") {
      EXPECT_EQ(r.min_ore, 1000);
    }
  }
}

TEST(CorrectionTest, RecordOutOfSequenceIsRefusedWithoutChange) {
  Log log = Base();
  Projector projector;
  ASSERT_TRUE(projector.Add(log.records()[0]).ok());
  EXPECT_EQ(projector.Add(log.records()[2]).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(projector.size(), 1u);
}

}  // namespace
}  // namespace fundlog::ledger
