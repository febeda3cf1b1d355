#include "core/store/validate_fields.h"

#include <limits>

#include "core/base/money.h"
#include "fundlog/v1/events.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fundlog {
namespace {

using ::testing::HasSubstr;

TEST(CheckEveryFieldTest, CleanEventPasses) {
  v1::Event event;
  event.set_event_id("kassör-1");
  event.mutable_voucher()->add_rows()->set_amount_ore(kAmountOreMax);
  event.mutable_voucher()->add_rows()->set_amount_ore(-kAmountOreMax);
  EXPECT_FALSE(CheckEveryField(event).has_value());
}

TEST(CheckEveryFieldTest, InvalidUtf8InRepeatedNestedStringIsNamed) {
  v1::Event event;
  event.mutable_correction()->mutable_replacement()->mutable_use()->add_units(
      "ok");
  event.mutable_correction()->mutable_replacement()->mutable_use()->add_units(
      "bad\xff");
  std::optional<FieldProblem> problem = CheckEveryField(event);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->field, "correction.replacement.use.units[1]");
  EXPECT_THAT(problem->reason, HasSubstr("not valid UTF-8 (byte 3"));
}

TEST(CheckEveryFieldTest, InvalidUtf8MapValueIsFound) {
  v1::Event event;
  v1::VoucherRow* row = event.mutable_voucher()->add_rows();
  (*row->mutable_objects())["1"] = "\xc0\xaf";
  std::optional<FieldProblem> problem = CheckEveryField(event);
  ASSERT_TRUE(problem.has_value());
  EXPECT_THAT(problem->field, HasSubstr("voucher.rows[0].objects[0]"));
}

TEST(CheckEveryFieldTest, AmountBeyondTheCapIsNamedWherever) {
  v1::Event event;
  event.mutable_policy_defined()->add_bounds()->set_min_ore(
      std::numeric_limits<int64_t>::min());
  std::optional<FieldProblem> problem = CheckEveryField(event);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->field, "policy_defined.bounds[0].min_ore");
  v1::Event plus_one;
  plus_one.mutable_balance_asserted()->set_amount_ore(kAmountOreMax + 1);
  EXPECT_TRUE(CheckEveryField(plus_one).has_value());
}

TEST(CheckEveryFieldTest, SealedFiguresAreNotCapped) {
  v1::Event event;
  event.mutable_statement_sealed()->add_views()->add_balances()->set_max_ore(
      std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(CheckEveryField(event).has_value());
}

}  // namespace
}  // namespace fundlog
