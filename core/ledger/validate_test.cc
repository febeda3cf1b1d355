#include "core/ledger/validate.h"

#include "absl/container/flat_hash_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fundlog {
namespace {

using ::testing::HasSubstr;

class FakeContext : public ValidationContext {
 public:
  uint64_t Size() const override { return size; }
  absl::StatusOr<bool> HasEventId(absl::string_view id) const override {
    return ids.contains(id);
  }
  absl::StatusOr<bool> HasFund(absl::string_view fund) const override {
    return funds.contains(fund);
  }
  absl::StatusOr<bool> HasPolicy(absl::string_view policy) const override {
    return policies.contains(policy);
  }
  absl::StatusOr<bool> HasAccount(absl::string_view account) const override {
    return accounts.contains(account);
  }
  absl::StatusOr<std::string> RecordedOn(uint64_t seq) const override {
    return seq < size ? recorded_on : std::string();
  }
  uint64_t size = 3;
  std::string recorded_on = "2021-11-03";
  absl::flat_hash_set<std::string> ids, funds = {"f"}, policies,
                                        accounts = {"fund", "equity"};
};

v1::Event Base() {
  v1::Event event;
  event.set_event_id("e");
  event.set_fund_id("f");
  event.mutable_effective()->set_day("2015-06-30");
  event.set_recorded_on("2021-11-03");
  event.mutable_source()->set_title("paper");
  return event;
}

absl::Status Check(const v1::Event& event, const FakeContext& context = {}) {
  v1::EventBatch batch;
  *batch.add_events() = event;
  return ValidateBatch(batch, context);
}

TEST(ValidateTest, GoodCloseOutPasses) {
  v1::Event event = Base();
  event.mutable_close_out()->set_from_account("fund");
  event.mutable_close_out()->set_to_account("equity");
  EXPECT_TRUE(Check(event).ok()) << Check(event);
}

TEST(ValidateTest, CloseOutToUnknownAccountNamesTheField) {
  v1::Event event = Base();
  event.mutable_close_out()->set_from_account("fund");
  event.mutable_close_out()->set_to_account("nowhere");
  EXPECT_THAT(Check(event).message(),
              HasSubstr("field \"close_out.to_account\": unknown account"));
}

TEST(ValidateTest, OpenPeriodIsAllowed) {
  v1::Event event = Base();
  event.mutable_effective()->mutable_period()->set_from("2021-11-03");
  event.mutable_guidelines_repealed()->set_title("riktlinjer");
  event.mutable_guidelines_repealed()->mutable_decision()->set_body(v1::KF);
  EXPECT_TRUE(Check(event).ok()) << Check(event);
}

TEST(ValidateTest, PolicyChangeNeedsADefinedPolicy) {
  v1::Event event = Base();
  event.mutable_policy_changed()->set_policy_id("later");
  EXPECT_THAT(Check(event).message(), HasSubstr("unknown policy \"later\""));
}

TEST(ValidateTest, VoucherRowsMustBalance) {
  v1::Event event = Base();
  auto* row = event.mutable_voucher()->add_rows();
  row->set_account("fund");
  row->set_amount_ore(100);
  row = event.mutable_voucher()->add_rows();
  row->set_account("equity");
  row->set_amount_ore(-99);
  EXPECT_THAT(Check(event).message(), HasSubstr("off by 1 öre"));
}

TEST(ValidateTest, EventInSameBatchEstablishesTheFund) {
  v1::EventBatch batch;
  v1::Event established = Base();
  established.set_fund_id("new");
  established.set_event_id("est");
  established.mutable_fund_established()->set_name("New");
  v1::Event allocation = Base();
  allocation.set_fund_id("new");
  allocation.mutable_allocation()->set_amount_ore(5);
  *batch.add_events() = allocation;
  *batch.add_events() = established;
  EXPECT_THAT(ValidateBatch(batch, FakeContext{}).message(),
              HasSubstr("event 0 (id \"e\"): field \"fund_id\": unknown fund"));
  batch.mutable_events()->SwapElements(0, 1);
  EXPECT_TRUE(ValidateBatch(batch, FakeContext{}).ok());
}

// ObjectBalances (SIE's per-object figures): a kind, a YYYY-MM period
// exactly for a month's movement, defined accounts and at least one object.
TEST(ValidateTest, ObjectBalancesNameKindPeriodAccountAndObject) {
  v1::Event event = Base();
  v1::ObjectBalances* figures = event.mutable_object_balances();
  figures->set_kind(v1::ObjectBalances::PERIOD_MOVEMENT);
  figures->set_period("2015-06");
  v1::ObjectAmount* row = figures->add_rows();
  row->set_account("fund");
  row->set_amount_ore(-5);
  (*row->mutable_objects())["1"] = "Norr";
  EXPECT_TRUE(Check(event).ok()) << Check(event);
  figures->set_period("2015-13");
  EXPECT_THAT(Check(event).message(),
              HasSubstr("\"object_balances.period\": \"2015-13\""));
  figures->set_period("");
  figures->set_kind(v1::ObjectBalances::KIND_UNSPECIFIED);
  EXPECT_THAT(Check(event).message(),
              HasSubstr("\"object_balances.kind\": missing"));
  figures->set_kind(v1::ObjectBalances::CLOSING);
  EXPECT_TRUE(Check(event).ok()) << Check(event);
  row->set_account("nowhere");
  EXPECT_THAT(Check(event).message(),
              HasSubstr("object_balances.rows[0].account\": unknown account"));
  row->set_account("fund");
  row->clear_objects();
  EXPECT_THAT(Check(event).message(),
              HasSubstr("object_balances.rows[0].objects\": missing"));
}

TEST(ValidateTest, ReplacementIsValidatedToo) {
  v1::Event event = Base();
  event.mutable_correction()->set_corrected_seq(1);
  event.mutable_correction()->set_reason("wrong amount");
  v1::Event* replacement = event.mutable_correction()->mutable_replacement();
  *replacement = Base();
  replacement->mutable_allocation()->set_amount_ore(-1);
  EXPECT_THAT(Check(event).message(),
              HasSubstr("correction.replacement.allocation.amount_ore"));
  replacement->mutable_allocation()->set_amount_ore(1);
  EXPECT_TRUE(Check(event).ok()) << Check(event);
}

}  // namespace
}  // namespace fundlog

namespace fundlog {
namespace {

// kBatchBytesMax is a promise of validate.h: a batch of events each under
// kEventBytesMax but together over the batch bound is refused as a whole.
TEST(ValidateTest, BatchOverItsByteBoundIsRefused) {
  v1::Event big = Base();
  big.mutable_source()->set_title(std::string(kEventBytesMax - 1024, 'x'));
  ASSERT_LE(big.ByteSizeLong(), kEventBytesMax);
  v1::EventBatch batch;
  const size_t count = kBatchBytesMax / big.ByteSizeLong() + 1;
  for (size_t i = 0; i < count; ++i) *batch.add_events() = big;
  absl::Status status = ValidateBatch(batch, FakeContext{});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("bytes of events, over the limit"));
}

}  // namespace
}  // namespace fundlog
