// The synthetic generator, and debits equal credits on random ledgers.
#include "core/ledger/synth.h"

#include <set>
#include <string>

#include "core/base/dates.h"
#include "core/ledger/ledger.h"
#include "core/ledger/test_events.h"
#include "gtest/gtest.h"

namespace fundlog::ledger {
namespace {

TEST(SynthTest, SameSeedGivesTheSameBytes) {
  const auto a = GenerateSynthetic(7, 500, 3);
  const auto b = GenerateSynthetic(7, 500, 3);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].SerializeAsString(), b[i].SerializeAsString()) << i;
  }
  const auto c = GenerateSynthetic(8, 500, 3);
  EXPECT_NE(a.back().SerializeAsString(), c.back().SerializeAsString());
}

TEST(SynthTest, GivesTheRequestedCountAboveTheSetUp) {
  EXPECT_EQ(GenerateSynthetic(1, 1000, 4).size(), 1000u);
  EXPECT_EQ(GenerateSynthetic(1, 0, 4).size(), 1u + 8 * 4);
  EXPECT_EQ(GenerateSynthetic(1, 5, 0).size(), 1u + 8);
}

TEST(SynthTest, EveryEventIsLabelledSynthetic) {
  for (const auto& record : GenerateSynthetic(3, 400, 2)) {
    EXPECT_EQ(record.event().source().title(), "synthetic");
    EXPECT_NE(record.event().note().find("synthetic"), std::string::npos);
  }
}

TEST(SynthTest, CoversEveryKindTheLedgerDerivesFrom) {
  std::set<int> cases;
  bool period = false, replacement = false, reversal = false, tied = false;
  for (const auto& record : GenerateSynthetic(11, 3000, 3)) {
    const v1::Event& e = record.event();
    cases.insert(e.payload_case());
    period |= e.effective().has_period() && e.has_use();
    replacement |= e.correction().has_replacement();
    reversal |= e.correction().reversal();
    tied |= !e.close_out().policy_change_event_id().empty();
  }
  for (int expected :
       {v1::Event::kAccountsDefined, v1::Event::kPolicyDefined,
        v1::Event::kPolicyChanged, v1::Event::kAllocation, v1::Event::kUse,
        v1::Event::kRepayment, v1::Event::kBudgetFrameUse, v1::Event::kCloseOut,
        v1::Event::kCorrection, v1::Event::kGuidelinesRepealed}) {
    EXPECT_TRUE(cases.count(expected)) << expected;
  }
  EXPECT_TRUE(period && replacement && reversal && tied);
}

TEST(SynthTest, RandomLedgersVerifyWithoutDebitCreditOrInputFindings) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const auto log = GenerateSynthetic(seed, 400, 3);
    for (const Finding& f : CheckLedger(log).findings) {
      EXPECT_NE(f.kind, "debits_credits") << seed << ": " << f.detail;
      EXPECT_NE(f.kind, "invalid_event") << seed << ": " << f.detail;
      EXPECT_NE(f.kind, "query_failed") << seed << ": " << f.detail;
      EXPECT_NE(f.kind, "undefined_account") << seed << ": " << f.detail;
    }
  }
}

TEST(SynthTest, DebitsEqualCreditsAtRandomDatesViewsAndKnowledge) {
  for (uint64_t seed = 100; seed < 110; ++seed) {
    const auto log = GenerateSynthetic(seed, 300, 2 + seed % 3);
    for (int i = 0; i < 6; ++i) {
      const uint64_t pick = seed * 31 + i * 7;
      BalanceQuery query;
      query.as_of = absl::CivilDay(2000, 1, 1) + (pick * 97) % (21 * 365);
      query.view = kAllViews[pick % 3];
      if (i % 2 == 1) query.known_at = query.as_of + (pick % 400);
      if (i == 4) query.fund_id = "synthetic-fund-0";
      auto balances = Balances(log, query);
      ASSERT_TRUE(balances.ok()) << balances.status();
      auto [lo, hi] = testing::DebitMinusCredit(log, *balances);
      EXPECT_LE(lo, 0) << seed << " " << FormatDay(query.as_of);
      EXPECT_GE(hi, 0) << seed << " " << FormatDay(query.as_of);
    }
  }
}

}  // namespace
}  // namespace fundlog::ledger
