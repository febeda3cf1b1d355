// Nothing that is accepted may break the log (issue 8 §2): input that would
// leave a log no command can read again is refused at the door, through
// every command that writes, with exit 1, the file or event and the field
// named, and the log untouched.
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kOrigin[] = "test.example/fund";

// clang-format off
constexpr char kEstablish[] = R"pb(
events {
  event_id: "est"
  fund_id: "f"
  effective { day: "2020-01-01" }
  recorded_on: "2020-01-01"
  source { title: "Test document" }
  fund_established { name: "Test fund" }
}
)pb";

// Accounts and a policy under which allocations post to the fund's account.
constexpr char kPostings[] = R"pb(
events {
  event_id: "acc"
  fund_id: "f"
  effective { day: "2020-01-01" }
  recorded_on: "2020-01-01"
  source { title: "T" }
  accounts_defined {
    accounts { id: "fund" name: "Fund" type: EQUITY }
    accounts { id: "equity" name: "Equity" type: EQUITY }
  }
}
events {
  event_id: "pol"
  fund_id: "f"
  effective { day: "2020-01-01" }
  recorded_on: "2020-01-01"
  source { title: "T" }
  policy_defined {
    policy_id: "p"
    rules { payload_kind: "allocation" debit_account: "equity" credit_account: "fund" }
  }
}
events {
  event_id: "applies"
  fund_id: "f"
  effective { day: "2020-01-01" }
  recorded_on: "2020-01-01"
  source { title: "T" }
  policy_changed { policy_id: "p" }
}
)pb";
// clang-format on

// One allocation event as text format, with the given id and amount.
std::string Allocation(const std::string& id, const std::string& amount,
                       const std::string& recorded_on = "2020-02-01") {
  return absl::StrCat("events {\n  event_id: \"", id,
                      "\"\n  fund_id: \"f\"\n  effective { day: \"2020-02-01\" "
                      "}\n  recorded_on: \"",
                      recorded_on,
                      "\"\n  source { title: \"Test document\" }\n  "
                      "allocation { amount_ore: ",
                      amount, " }\n}\n");
}

class AcceptedInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult init = cli_.Run({"init", "--origin", kOrigin});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    RunResult imported = cli_.Run(
        {"import",
         cli_.WriteFile("start.textpb",
                        absl::StrCat(kEstablish, Allocation("alloc", "100")))});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    before_ = Verify();
  }

  // `verify --json`: the log's size and root, which any write changes.
  std::string Verify() const {
    RunResult verified = cli_.Run({"verify", "--json"});
    EXPECT_EQ(verified.exit_code, 0) << verified.err << verified.out;
    return verified.out;
  }

  // Expects `result` to be a refusal (exit 1) naming `field` and `what`,
  // with the log as it was.
  void ExpectRefused(const RunResult& result, const std::string& field,
                     const std::string& what) const {
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_THAT(result.err,
                AllOf(HasSubstr(absl::StrCat("field \"", field, "\"")),
                      HasSubstr(what)));
    EXPECT_EQ(Verify(), before_) << "the log changed";
  }

  CliHarness cli_;
  std::string before_;
};

TEST_F(AcceptedInputTest, InvalidUtf8EventIdInImportIsRefused) {
  const std::string file =
      cli_.WriteFile("bad.textpb", Allocation("bad\\xff\\xfeid", "100"));
  RunResult result = cli_.Run({"import", file});
  ExpectRefused(result, "event_id", "not valid UTF-8");
  EXPECT_THAT(result.err, HasSubstr("bad.textpb: event 0"));
}

TEST_F(AcceptedInputTest, InvalidUtf8NestedFieldInAppendIsRefused) {
  std::string event = Allocation("a2", "100");
  event = absl::StrReplaceAll(event,
                              {{"title: \"Test document\"",
                                "title: \"Test\" passage: \"s\\xc3\\x28\""}});
  RunResult result =
      cli_.Run({"append", "--file", cli_.WriteFile("bad.textpb", event)});
  ExpectRefused(result, "source.passage", "not valid UTF-8");
}

TEST_F(AcceptedInputTest, InvalidUtf8ReasonOfCorrectIsRefused) {
  ExpectRefused(
      cli_.Run({"correct", "1", "--reverse", "--reason", "typo \xff"}),
      "correction.reason", "not valid UTF-8");
}

TEST_F(AcceptedInputTest, InvalidUtf8ByOfCorrectIsRefused) {
  ExpectRefused(cli_.Run({"correct", "1", "--reverse", "--reason", "typo",
                          "--by", "\xfe\xff"}),
                "recorded_by", "not valid UTF-8");
}

TEST_F(AcceptedInputTest, InvalidUtf8UserThroughDefaultByIsRefused) {
  const char* saved = std::getenv("USER");
  const std::string old = saved == nullptr ? "" : saved;
  ASSERT_EQ(setenv("USER", "kass\xe4r", 1), 0);  // Latin-1 'ä'
  RunResult correct =
      cli_.Run({"correct", "1", "--reverse", "--reason", "typo"});
  RunResult seal = cli_.Run({"seal", "--as-of", "2020-12-31"});
  if (saved == nullptr) {
    unsetenv("USER");
  } else {
    setenv("USER", old.c_str(), 1);
  }
  ExpectRefused(correct, "recorded_by", "not valid UTF-8");
  ExpectRefused(seal, "recorded_by", "not valid UTF-8");
}

TEST_F(AcceptedInputTest, InvalidUtf8InReplacementNamesTheNestedPath) {
  std::string event = Allocation("alloc", "200");
  event = absl::StrReplaceAll(
      event, {{"title: \"Test document\"", "title: \"\\xc0\\xaf overlong\""}});
  RunResult result =
      cli_.Run({"correct", "1", "--reason", "amount", "--replacement",
                cli_.WriteFile("replacement.textpb", event)});
  ExpectRefused(result, "correction.replacement.source.title",
                "not valid UTF-8");
  EXPECT_THAT(result.err, HasSubstr("replacement.textpb"));
}

TEST_F(AcceptedInputTest, MaxInt64AmountIsRefusedAtImport) {
  RunResult result = cli_.Run(
      {"import", cli_.WriteFile("huge.textpb",
                                Allocation("huge", "9223372036854775807"))});
  ExpectRefused(result, "allocation.amount_ore",
                "beyond the largest amount an event may state");
  EXPECT_THAT(result.err, HasSubstr("huge.textpb"));
}

TEST_F(AcceptedInputTest, MaxInt64AmountIsRefusedAtAppend) {
  RunResult result =
      cli_.Run({"append", "--file",
                cli_.WriteFile("huge.textpb",
                               Allocation("huge", "9223372036854775807"))});
  ExpectRefused(result, "allocation.amount_ore", "10 000 000 000 000.00 kr");
}

TEST_F(AcceptedInputTest, MaxInt64AmountIsRefusedInCorrectReplacement) {
  RunResult result =
      cli_.Run({"correct", "1", "--reason", "amount", "--replacement",
                cli_.WriteFile("huge.textpb",
                               Allocation("alloc", "9223372036854775807"))});
  ExpectRefused(result, "correction.replacement.allocation.amount_ore",
                "beyond the largest amount");
}

TEST_F(AcceptedInputTest, AmountAtTheCapIsAccepted) {
  RunResult result = cli_.Run(
      {"append", "--file",
       cli_.WriteFile("cap.textpb", Allocation("cap", "1000000000000000"))});
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

// Many amounts at the cap: sums up to int64 answer; beyond, every query
// fails with a clear message (never a crash, never a wrapped figure), and
// the timeline, which sums nothing, still lists every event.
TEST(AmountSumTest, ManyAmountsAtTheCapAnswerOrFailClearly) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", kOrigin}).exit_code, 0);
  std::string batch = absl::StrCat(kEstablish, kPostings);
  // 9 000 × 10^15 öre = 9×10^18 < 2^63 − 1 ≈ 9.22×10^18.
  for (int i = 0; i < 9000; ++i) {
    absl::StrAppend(&batch,
                    Allocation(absl::StrCat("a", i), "1000000000000000"));
  }
  RunResult imported = cli.Run({"import", cli.WriteFile("many.textpb", batch)});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  RunResult totals = cli.Run({"totals", "--json"});
  EXPECT_EQ(totals.exit_code, 0) << totals.err;
  EXPECT_THAT(totals.out, HasSubstr("9000000000000000000"));
  RunResult balance = cli.Run({"balance", "--as-of", "2021-01-01", "--json"});
  EXPECT_EQ(balance.exit_code, 0) << balance.err;
  EXPECT_THAT(balance.out, HasSubstr("9000000000000000000"));
  // 300 more: the sum no longer fits in int64.
  std::string more;
  for (int i = 9000; i < 9300; ++i) {
    absl::StrAppend(&more,
                    Allocation(absl::StrCat("a", i), "1000000000000000"));
  }
  RunResult appended = cli.Run({"import", cli.WriteFile("more.textpb", more)});
  ASSERT_EQ(appended.exit_code, 0) << appended.err;
  for (const std::vector<std::string>& query :
       {std::vector<std::string>{"totals"},
        {"balance", "--as-of", "2021-01-01"},
        {"statement", "--year", "2020"},
        {"report"}}) {
    RunResult result = cli.Run(query);
    EXPECT_THAT(result.exit_code, ::testing::AnyOf(1, 3))
        << query[0] << ": " << result.err;
    EXPECT_THAT(result.err, HasSubstr("overflows int64")) << query[0];
  }
  RunResult timeline = cli.Run({"timeline"});
  EXPECT_EQ(timeline.exit_code, 0) << timeline.err;
}

TEST(CorrectionOrderTest, CorrectionRecordedBeforeItsOriginalIsRefused) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  const std::string before = cli.Run({"verify", "--json"}).out;
  RunResult result = cli.Run({"correct", "5", "--reverse", "--reason", "x",
                              "--recorded-on", "2020-01-01"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_THAT(result.err,
              AllOf(HasSubstr("2020-01-01"), HasSubstr("2021-11-03"),
                    HasSubstr("field \"recorded_on\"")));
  EXPECT_EQ(cli.Run({"verify", "--json"}).out, before);
  // On the original's own day it is accepted.
  RunResult same_day = cli.Run({"correct", "5", "--reverse", "--reason", "x",
                                "--recorded-on", "2021-11-03"});
  EXPECT_EQ(same_day.exit_code, 0) << same_day.err;
}

TEST(CorrectionOrderTest, CorrectionOfAnEarlierEventInTheSameBatchIsOrdered) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", kOrigin}).exit_code, 0);
  const std::string batch = absl::StrCat(
      kEstablish, Allocation("alloc", "100", "2020-03-01"),
      "events {\n  event_id: \"fix\"\n  fund_id: \"f\"\n  effective { day: "
      "\"2020-02-01\" }\n  recorded_on: \"2020-02-15\"\n  source { title: "
      "\"t\" }\n  correction { corrected_seq: 1 reason: \"r\" reversal: true "
      "}\n}\n");
  RunResult result = cli.Run({"import", cli.WriteFile("b.textpb", batch)});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_THAT(result.err,
              AllOf(HasSubstr("b.textpb: event 2"), HasSubstr("2020-03-01")));
}

// A text-format batch nesting 5 000 corrections deep crashed the parser
// (stack overflow); it is refused with the file named.
TEST(NestingTest, DeeplyNestedTextBatchIsRefused) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", kOrigin}).exit_code, 0);
  std::string text = "events { event_id: \"x\" ";
  for (int i = 0; i < 5000; ++i) text += "correction { replacement { ";
  for (int i = 0; i < 5000; ++i) text += "} } ";
  text += "}\n";
  RunResult result = cli.Run({"import", cli.WriteFile("deep.textpb", text)});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_THAT(result.err,
              AllOf(HasSubstr("deep.textpb"), HasSubstr("too deep")));
  RunResult append =
      cli.Run({"append", "--file", cli.WriteFile("deep2.textpb", text)});
  EXPECT_EQ(append.exit_code, 1) << append.err;
}

TEST(NestingTest, DeeplyNestedJsonBatchIsRefused) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", kOrigin}).exit_code, 0);
  std::string json = "{\"events\": [{\"event_id\": \"x\", ";
  for (int i = 0; i < 5000; ++i) json += "\"correction\": {\"replacement\": {";
  json += "\"event_id\": \"{[\"";
  for (int i = 0; i < 5000; ++i) json += "}}";
  json += "}]}\n";
  RunResult result = cli.Run({"import", cli.WriteFile("deep.json", json)});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_THAT(result.err,
              AllOf(HasSubstr("deep.json"), HasSubstr("nested more than")));
}

TEST(NestingTest, ModeratelyNestedJsonStillParses) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", kOrigin}).exit_code, 0);
  // Brackets inside strings do not count as nesting.
  const std::string json =
      "{\"events\": [{\"event_id\": \"est{[[{\", \"fund_id\": \"f\", "
      "\"effective\": {\"day\": \"2020-01-01\"}, \"recorded_on\": "
      "\"2020-01-01\", \"source\": {\"title\": \"t\\\"{\"}, "
      "\"fund_established\": {\"name\": \"n\"}}]}\n";
  RunResult result = cli.Run({"import", cli.WriteFile("ok.json", json)});
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

}  // namespace
}  // namespace fundlog::testing
