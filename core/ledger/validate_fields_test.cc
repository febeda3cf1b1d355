#include "core/ledger/validate_fields.h"

#include <functional>
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

// A voucher event as an SIE import stages it, every field set.
v1::Event FullVoucher() {
  v1::Event event;
  event.set_event_id("sie-0123-L9");
  event.set_fund_id("sie-556");
  event.mutable_effective()->set_day("2024-01-05");
  event.set_recorded_on("2024-01-06");
  event.set_recorded_by("kassör");
  event.set_note("n");
  v1::Source* source = event.mutable_source();
  source->set_title("SIE file ö.se");
  source->set_reference("#VER A 1 (line 9)");
  source->set_date("2024-02-01");
  source->set_issuer("Fortnox");
  source->set_passage("line 9");
  source->set_document_sha256("ab");
  source->set_text_encoding("CP437");
  v1::Voucher* voucher = event.mutable_voucher();
  voucher->set_series("A");
  voucher->set_number("1");
  voucher->set_text("Hyra");
  voucher->set_signature("AB");
  for (int64_t amount : {kAmountOreMax, -kAmountOreMax}) {
    v1::VoucherRow* row = voucher->add_rows();
    row->set_account("sie-556:1930");
    row->set_amount_ore(amount);
    row->set_text("rad");
    row->set_transaction_date("2024-01-05");
    (*row->mutable_objects())["1"] = "Syd";
  }
  return event;
}

// The direct check must read every field the walk reads for a voucher: a
// field added to Event, Effective, Source, Voucher or VoucherRow turns this
// false (and the direct check off) until the check reads it too.
TEST(CheckEveryFieldTest, DirectVoucherCheckCoversTheSchema) {
  EXPECT_TRUE(VoucherCheckCoversSchema());
  EXPECT_EQ(VoucherFieldsClean(FullVoucher()), std::optional<bool>(true));
  v1::Event other;
  other.mutable_balance_asserted()->set_amount_ore(1);
  EXPECT_EQ(VoucherFieldsClean(other), std::nullopt);
}

// Every text field of a voucher event, made invalid one at a time, and the
// amount beyond the cap: the direct check sees each, and CheckEveryField
// names it as the walk does.
TEST(CheckEveryFieldTest, DirectVoucherCheckFindsEveryBadField) {
  static const std::string kBad("\xff", 1);  // not UTF-8
  const struct {
    const char* path;
    std::function<void(v1::Event*)> spoil;
  } cases[] = {
      {"event_id", [](v1::Event* e) { e->set_event_id(kBad); }},
      {"fund_id", [](v1::Event* e) { e->set_fund_id(kBad); }},
      {"effective.day",
       [](v1::Event* e) { e->mutable_effective()->set_day(kBad); }},
      {"recorded_on", [](v1::Event* e) { e->set_recorded_on(kBad); }},
      {"recorded_by", [](v1::Event* e) { e->set_recorded_by(kBad); }},
      {"note", [](v1::Event* e) { e->set_note(kBad); }},
      {"source.title",
       [](v1::Event* e) { e->mutable_source()->set_title(kBad); }},
      {"source.reference",
       [](v1::Event* e) { e->mutable_source()->set_reference(kBad); }},
      {"source.date",
       [](v1::Event* e) { e->mutable_source()->set_date(kBad); }},
      {"source.issuer",
       [](v1::Event* e) { e->mutable_source()->set_issuer(kBad); }},
      {"source.passage",
       [](v1::Event* e) { e->mutable_source()->set_passage(kBad); }},
      {"source.document_sha256",
       [](v1::Event* e) { e->mutable_source()->set_document_sha256(kBad); }},
      {"source.text_encoding",
       [](v1::Event* e) { e->mutable_source()->set_text_encoding(kBad); }},
      {"voucher.series",
       [](v1::Event* e) { e->mutable_voucher()->set_series(kBad); }},
      {"voucher.number",
       [](v1::Event* e) { e->mutable_voucher()->set_number(kBad); }},
      {"voucher.text",
       [](v1::Event* e) { e->mutable_voucher()->set_text(kBad); }},
      {"voucher.signature",
       [](v1::Event* e) { e->mutable_voucher()->set_signature(kBad); }},
      {"voucher.rows[1].account",
       [](v1::Event* e) {
         e->mutable_voucher()->mutable_rows(1)->set_account(kBad);
       }},
      {"voucher.rows[1].amount_ore",
       [](v1::Event* e) {
         e->mutable_voucher()->mutable_rows(1)->set_amount_ore(kAmountOreMax +
                                                               1);
       }},
      {"voucher.rows[0].text",
       [](v1::Event* e) {
         e->mutable_voucher()->mutable_rows(0)->set_text(kBad);
       }},
      {"voucher.rows[1].transaction_date",
       [](v1::Event* e) {
         e->mutable_voucher()->mutable_rows(1)->set_transaction_date(kBad);
       }},
      {"voucher.rows[0].objects[",
       [](v1::Event* e) {
         (*e->mutable_voucher()->mutable_rows(0)->mutable_objects())
             .insert({kBad, std::string(1, 'x')});
       }},
      {"voucher.rows[1].objects[",
       [](v1::Event* e) {
         (*e->mutable_voucher()->mutable_rows(1)->mutable_objects())["1"] =
             kBad;
       }},
  };
  for (const auto& c : cases) {
    v1::Event event = FullVoucher();
    c.spoil(&event);
    EXPECT_EQ(VoucherFieldsClean(event), std::optional<bool>(false)) << c.path;
    std::optional<FieldProblem> problem = CheckEveryField(event);
    ASSERT_TRUE(problem.has_value()) << c.path;
    EXPECT_THAT(problem->field, ::testing::StartsWith(c.path));
  }
}

}  // namespace
}  // namespace fundlog
