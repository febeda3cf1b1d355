// Verification: assertions, seals, vouchers, references, bad input.
#include <string>

#include "core/ledger/ledger.h"
#include "core/ledger/test_events.h"
#include "gtest/gtest.h"

namespace fundlog::ledger {
namespace {

using ::fundlog::ledger::testing::D;
using ::fundlog::ledger::testing::Log;

Log Simple() {
  Log log("f");
  log.Accounts(
      {{"fund", v1::EQUITY}, {"equity", v1::EQUITY}, {"bank", v1::ASSET}});
  log.Policy("line",
             {{"allocation", "equity", "fund"}, {"use", "fund", "bank"}});
  log.Change("2000-01-01", "line");
  log.Allocation("2010-01-01", 1000);
  log.Use("2010-01-01..2011-12-31", 100);
  return log;
}

void Assert(Log& log, absl::string_view day, int64_t ore,
            std::string view = "") {
  v1::BalanceAsserted* a = log.Append(day).mutable_balance_asserted();
  a->set_account("fund");
  a->set_amount_ore(ore);
  a->set_view(std::move(view));
}

std::vector<std::string> Kinds(const LedgerCheck& check) {
  std::vector<std::string> kinds;
  for (const Finding& f : check.findings) kinds.push_back(f.kind);
  return kinds;
}

// The fold stops at a record out of its place (one finding, not one per
// later record), and the passes after it still run: an undefined account
// named after the gap is still found.
TEST(CheckTest, RecordOutOfSequenceStopsTheReplayOnce) {
  Log log = Simple();
  std::vector<v1::StoredRecord> records = log.records();
  records[2].set_seq(records[2].seq() + 7);
  v1::StoredRecord stray = records.back();
  stray.set_seq(records.size());
  stray.mutable_event()->mutable_close_out()->set_from_account("nowhere");
  stray.mutable_event()->mutable_close_out()->set_to_account("equity");
  records.push_back(stray);
  const LedgerCheck check = CheckLedger(records);
  EXPECT_EQ(Kinds(check),
            (std::vector<std::string>{"out_of_sequence", "undefined_account"}));
  // The scanned form, stopped by the same visitor status, agrees.
  absl::StatusOr<LedgerCheck> scanned =
      CheckLedgerScanned([&](const RecordVisitor& visit) -> absl::Status {
        for (const v1::StoredRecord& record : records) {
          if (absl::Status s = visit(record); !s.ok()) return s;
        }
        return absl::OkStatus();
      });
  ASSERT_TRUE(scanned.ok()) << scanned.status();
  EXPECT_EQ(Kinds(*scanned), Kinds(check));
}

TEST(CheckTest, CleanLedgerHasNoFindings) {
  EXPECT_TRUE(CheckLedger(Simple().records()).findings.empty());
}

TEST(CheckTest, AssertionOnAnExactBalanceHoldsExactly) {
  Log log = Simple();
  Assert(log, "2012-01-01", 900);
  const LedgerCheck check = CheckLedger(log.records());
  EXPECT_TRUE(check.findings.empty());
  ASSERT_EQ(check.assertions.size(), 1u);
  EXPECT_TRUE(check.assertions[0].holds);
  EXPECT_TRUE(check.assertions[0].exact);
}

TEST(CheckTest, AssertionInsideARangeHoldsButIsNotExact) {
  Log log = Simple();
  Assert(log, "2010-12-31", 950);
  const LedgerCheck check = CheckLedger(log.records());
  EXPECT_TRUE(check.findings.empty());
  ASSERT_EQ(check.assertions.size(), 1u);
  EXPECT_TRUE(check.assertions[0].holds);
  EXPECT_FALSE(check.assertions[0].exact);
}

TEST(CheckTest, AssertionOutsideTheRangeIsAFindingNamingItsSeq) {
  Log log = Simple();
  Assert(log, "2010-12-31", 850);
  const uint64_t seq = log.last_seq();
  const LedgerCheck check = CheckLedger(log.records());
  ASSERT_EQ(Kinds(check), std::vector<std::string>{"assertion_failed"});
  EXPECT_EQ(check.findings[0].seq, seq);
  EXPECT_FALSE(check.assertions[0].holds);
}

TEST(CheckTest, AssertionWithAnUnknownViewIsAFinding) {
  Log log = Simple();
  Assert(log, "2012-01-01", 900, "sideways");
  EXPECT_EQ(Kinds(CheckLedger(log.records())),
            std::vector<std::string>{"assertion_failed"});
}

// Appends the seal the log would compute now.
void Seal(Log& log, absl::string_view as_of) {
  auto seal = ComputeSeal(log.records(), D(as_of));
  ASSERT_TRUE(seal.ok()) << seal.status();
  EXPECT_EQ(seal->log_size(), log.records().size());
  EXPECT_EQ(seal->views_size(), 3);
  *log.Append(as_of).mutable_statement_sealed() = *seal;
}

TEST(CheckTest, SealReplaysToTheSameFigures) {
  Log log = Simple();
  Seal(log, "2010-12-31");
  EXPECT_TRUE(CheckLedger(log.records()).findings.empty());
}

TEST(CheckTest, SealStillReplaysAfterALaterCorrection) {
  Log log = Simple();
  Seal(log, "2010-12-31");
  log.Correct(3, "2011-06-01", nullptr);  // void the allocation
  EXPECT_TRUE(CheckLedger(log.records()).findings.empty());
}

TEST(CheckTest, TamperedSealIsAFinding) {
  Log log = Simple();
  Seal(log, "2010-12-31");
  const uint64_t seq = log.last_seq();
  v1::StoredRecord tampered = log.records().back();
  auto* balance = tampered.mutable_event()
                      ->mutable_statement_sealed()
                      ->mutable_views(0)
                      ->mutable_balances(0);
  balance->set_max_ore(balance->max_ore() + 1);
  std::vector<v1::StoredRecord> records = log.records();
  records.back() = tampered;
  const LedgerCheck check = CheckLedger(records);
  ASSERT_EQ(Kinds(check), std::vector<std::string>{"seal_mismatch"});
  EXPECT_EQ(check.findings[0].seq, seq);
}

// A seal covering fewer records than precede it (`seal` never appends one,
// but a log may hold one) is compared with the replay at the size it
// covers, not at the size the replay has reached when it meets the seal.
TEST(CheckTest, SealCoveringFewerRecordsThanPrecedeItIsComparedAtItsSize) {
  Log log = Simple();
  auto seal = ComputeSeal(log.records(), D("2012-12-31"));
  ASSERT_TRUE(seal.ok()) << seal.status();
  log.Allocation("2012-06-01", 500);  // changes the figures after the seal
  *log.Append("2012-12-31").mutable_statement_sealed() = *seal;
  const uint64_t seq = log.last_seq();
  ASSERT_LT(seal->log_size(), seq);
  EXPECT_TRUE(CheckLedger(log.records()).findings.empty());

  std::vector<v1::StoredRecord> records = log.records();
  auto* balance = records.back()
                      .mutable_event()
                      ->mutable_statement_sealed()
                      ->mutable_views(0)
                      ->mutable_balances(0);
  balance->set_min_ore(balance->min_ore() - 1);
  const LedgerCheck check = CheckLedger(records);
  ASSERT_EQ(Kinds(check), std::vector<std::string>{"seal_mismatch"});
  EXPECT_EQ(check.findings[0].seq, seq);
}

// Names are defined anywhere in the log: one used before the record that
// defines it is no finding, one never defined is.
TEST(CheckTest, NameUsedBeforeItsDefinitionIsNoFinding) {
  Log log = Simple();
  log.CloseOut("2013-01-01", "fund", "later");
  log.CloseOut("2013-02-01", "fund", "never");
  const uint64_t never = log.last_seq();
  log.Accounts({{"later", v1::EQUITY}});
  const LedgerCheck check = CheckLedger(log.records());
  ASSERT_EQ(Kinds(check), std::vector<std::string>{"undefined_account"});
  EXPECT_EQ(check.findings[0].seq, never);
  EXPECT_NE(check.findings[0].detail.find("\"never\""), std::string::npos);
}

TEST(CheckTest, UnbalancedVoucherIsAFindingAndBreaksDebitsEqualCredits) {
  Log log = Simple();
  v1::Voucher* voucher = log.Append("2010-05-01").mutable_voucher();
  for (int64_t ore : {10, -9}) {
    v1::VoucherRow* row = voucher->add_rows();
    row->set_account("bank");
    row->set_amount_ore(ore);
  }
  const auto kinds = Kinds(CheckLedger(log.records()));
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "unbalanced_voucher"),
            kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "debits_credits"),
            kinds.end());
}

TEST(CheckTest, MalformedEventIsAFindingAndTheRestStillVerifies) {
  Log log = Simple();
  log.Allocation("2010-02-30", 5);  // no such day
  const uint64_t seq = log.last_seq();
  const LedgerCheck check = CheckLedger(log.records());
  ASSERT_EQ(Kinds(check), std::vector<std::string>{"invalid_event"});
  EXPECT_EQ(check.findings[0].seq, seq);
}

TEST(CheckTest, UndefinedNamesAreFindings) {
  Log log = Simple();
  log.Change("2012-01-01", "missing-policy");
  log.CloseOut("2013-01-01", "fund", "nowhere", "no-such-change");
  const auto kinds = Kinds(CheckLedger(log.records()));
  for (const char* kind :
       {"undefined_policy", "undefined_account", "unknown_policy_change"}) {
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), kind), kinds.end()) << kind;
  }
}

}  // namespace
}  // namespace fundlog::ledger
