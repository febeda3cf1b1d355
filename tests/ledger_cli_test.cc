// End-to-end tests of balances, totals, corrections and seals: every figure
// the Trelleborg history must give, read from `balance --json` and
// `totals --json` as an auditor's tooling would.
#include <fstream>
#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMillion = 100'000'000;  // 1 000 000.00 kr in öre

struct Figure {
  std::string view;
  std::string as_of;
  int64_t min_ore;
  int64_t max_ore;
};

void PrintTo(const Figure& f, std::ostream* out) {
  *out << f.view << " " << f.as_of;
}

// The fund line's balance from `balance --json`.
std::pair<int64_t, int64_t> FundLine(const CliHarness& cli,
                                     const std::string& view,
                                     const std::string& as_of) {
  RunResult result =
      cli.Run({"balance", "--as-of", as_of, "--view", view, "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  auto json = ParseJson(result.out);
  EXPECT_EQ(json.fields().at("as_of").string_value(), as_of);
  EXPECT_EQ(json.fields().at("view").string_value(), view);
  for (const auto& account :
       json.fields().at("accounts").list_value().values()) {
    const auto& fields = account.struct_value().fields();
    if (fields.at("account").string_value() == "social_investment_fund") {
      EXPECT_EQ(fields.at("name").string_value(), "Social investeringsfond");
      return {static_cast<int64_t>(fields.at("min_ore").number_value()),
              static_cast<int64_t>(fields.at("max_ore").number_value())};
    }
  }
  ADD_FAILURE() << "no social_investment_fund in " << result.out;
  return {-1, -1};
}

class TrelleborgFigureTest : public ::testing::TestWithParam<Figure> {
 protected:
  static void SetUpTestSuite() {
    cli_ = new CliHarness;
    ASSERT_EQ(cli_->Run({"demo"}).exit_code, 0);
  }
  static void TearDownTestSuite() { delete cli_; }
  static CliHarness* cli_;
};
CliHarness* TrelleborgFigureTest::cli_ = nullptr;

TEST_P(TrelleborgFigureTest, FundLineBalanceMatchesTheFacts) {
  const Figure& want = GetParam();
  auto [min_ore, max_ore] = FundLine(*cli_, want.view, want.as_of);
  EXPECT_EQ(min_ore, want.min_ore);
  EXPECT_EQ(max_ore, want.max_ore);
}

INSTANTIATE_TEST_SUITE_P(
    IssueFigures, TrelleborgFigureTest,
    ::testing::Values(
        Figure{"reported", "2011-11-02", 0, 0},
        Figure{"reported", "2011-12-31", 66 * kMillion / 10, 10 * kMillion},
        Figure{"reported", "2014-12-31", 66 * kMillion / 10, 10 * kMillion},
        Figure{"reported", "2015-06-30", 0, 10 * kMillion},
        Figure{"reported", "2015-12-31", 0, 0},
        Figure{"reported", "2018-06-30", 0, 0},
        Figure{"reported", "2023-12-31", 0, 0},
        Figure{"without-change", "2014-12-31", 66 * kMillion / 10,
               10 * kMillion},
        Figure{"without-change", "2017-12-31", 66 * kMillion / 10,
               66 * kMillion / 10},
        Figure{"without-change", "2021-06-30", 66 * kMillion / 10,
               66 * kMillion / 10},
        Figure{"without-change", "2021-11-04", 0, 66 * kMillion / 10},
        Figure{"without-change", "2025-01-01", 0, 66 * kMillion / 10},
        Figure{"restated", "2011-12-31", 0, 0},
        Figure{"restated", "2015-06-30", 0, 0},
        Figure{"restated", "2021-12-31", 0, 0}),
    [](const auto& info) {
      std::string name = absl::StrCat(info.param.view, "_", info.param.as_of);
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

std::map<std::string, std::pair<int64_t, int64_t>> Totals(
    const CliHarness& cli, const std::string& view, const std::string& from,
    const std::string& to) {
  RunResult result =
      cli.Run({"totals", "--from", from, "--to", to, "--view", view, "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  auto json = ParseJson(result.out);
  for (const auto& total : json.fields().at("totals").list_value().values()) {
    const auto& fields = total.struct_value().fields();
    out[fields.at("kind").string_value()] = {
        static_cast<int64_t>(fields.at("min_ore").number_value()),
        static_cast<int64_t>(fields.at("max_ore").number_value())};
  }
  return out;
}

TEST(TrelleborgTotalsTest, SetAsideAndUsedAreExactUnderEveryView) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  for (const char* view : {"reported", "without-change", "restated"}) {
    auto totals = Totals(cli, view, "2011-01-01", "2017-12-31");
    EXPECT_EQ(totals["allocation"],
              std::make_pair(10 * kMillion, 10 * kMillion))
        << view;
    EXPECT_EQ(totals["use"],
              std::make_pair(34 * kMillion / 10, 34 * kMillion / 10))
        << view;
  }
  auto reported = Totals(cli, "reported", "2015-01-01", "2015-12-31");
  EXPECT_EQ(reported["close_out"],
            std::make_pair(66 * kMillion / 10, 10 * kMillion));
  // A window that cuts the 2011-2017 use period cannot say how much of it
  // fell inside: a range, never an invented split.
  auto partial = Totals(cli, "reported", "2012-01-01", "2012-12-31");
  EXPECT_EQ(partial["use"], std::make_pair(int64_t{0}, 34 * kMillion / 10));
}

TEST(TrelleborgReportTest, DemoReportHasYearEndTableAndTotals) {
  CliHarness cli;
  RunResult demo = cli.Run({"demo"});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_THAT(demo.out, HasSubstr("Year-end balances of the fund line"));
  EXPECT_THAT(demo.out,
              ::testing::ContainsRegex(
                  "2014 +6 600 000.00 – 10 000 000.00 +6 600 000.00 – "
                  "10 000 000.00 +0.00"));
  EXPECT_THAT(demo.out, ::testing::ContainsRegex(
                            "2022 +0.00 +0.00 – 6 600 000.00 +0.00"));
  EXPECT_THAT(demo.out, HasSubstr("10 000 000.00 (agrees under every view)"));
  EXPECT_THAT(demo.out, HasSubstr("3 400 000.00 (agrees under every view)"));
}

TEST(TrelleborgReportTest, ReportWritesAnHtmlPageWithEscapedText) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  RunResult report = cli.Run({"report", "--html", "report.html"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  std::ifstream in(absl::StrCat(cli.dir(), "/report.html"));
  std::string html((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("Year-end balances of the fund line"));
  EXPECT_THAT(html, HasSubstr("&quot;min – max&quot;"));
  EXPECT_THAT(html, HasSubstr("Signed checkpoint"));
}

// A small log of one fund: accounts, a policy that applies, and a 100.00 kr
// allocation (record 4).
constexpr char kSmallLog[] = R"pb(
  events {
    event_id: "est"
    fund_id: "f"
    effective { day: "2020-01-01" }
    recorded_on: "2020-01-01"
    source { title: "T" }
    fund_established { name: "F" }
  }
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
      rules {
        payload_kind: "allocation"
        debit_account: "equity"
        credit_account: "fund"
      }
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
  events {
    event_id: "alloc"
    fund_id: "f"
    effective { day: "2020-03-01" }
    recorded_on: "2020-02-01"
    source { title: "T" }
    allocation { amount_ore: 10000 }
  }
)pb";

int64_t FundBalance(const CliHarness& cli, const std::string& known_at) {
  std::vector<std::string> args = {"balance", "--as-of", "2020-12-31",
                                   "--json"};
  if (!known_at.empty()) {
    args.push_back("--known-at");
    args.push_back(known_at);
  }
  RunResult result = cli.Run(args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  auto json = ParseJson(result.out);
  for (const auto& account :
       json.fields().at("accounts").list_value().values()) {
    const auto& fields = account.struct_value().fields();
    if (fields.at("account").string_value() == "fund") {
      EXPECT_EQ(fields.at("min_ore").number_value(),
                fields.at("max_ore").number_value());
      return static_cast<int64_t>(fields.at("min_ore").number_value());
    }
  }
  return -1;
}

class CorrectionCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.Run({"init", "--origin", "test/corrections"}).exit_code, 0);
    ASSERT_EQ(cli_.Run({"import", cli_.WriteFile("small.textpb", kSmallLog)})
                  .exit_code,
              0);
  }
  CliHarness cli_;
};

TEST_F(CorrectionCliTest, ReversalAppliesFromItsOwnRecordedOn) {
  RunResult corrected =
      cli_.Run({"correct", "4", "--reason", "booked twice", "--reverse",
                "--recorded-on", "2020-06-01", "--by", "ekonom A"});
  ASSERT_EQ(corrected.exit_code, 0) << corrected.err;
  EXPECT_EQ(FundBalance(cli_, "2020-05-31"), 10000) << "known before it";
  EXPECT_EQ(FundBalance(cli_, "2020-06-01"), 0) << "known from it";
  EXPECT_EQ(FundBalance(cli_, ""), 0);
  // The original stays readable.
  RunResult original = cli_.Run({"show", "4", "--json"});
  EXPECT_THAT(original.out, HasSubstr("\"amount_ore\":\"10000\""));
  RunResult correction = cli_.Run({"show", "5", "--json"});
  EXPECT_THAT(correction.out, HasSubstr("\"recorded_by\":\"ekonom A\""));
  EXPECT_THAT(correction.out, HasSubstr("booked twice"));
}

TEST_F(CorrectionCliTest, ReplacementAppliesFromItsOwnRecordedOn) {
  std::string replacement = R"pb(events {
                                   event_id: "alloc"
                                   fund_id: "f"
                                   effective { day: "2020-03-01" }
                                   recorded_on: "2020-02-01"
                                   source { title: "T" }
                                   allocation { amount_ore: 15000 }
                                 })pb";
  RunResult corrected = cli_.Run(
      {"correct", "4", "--reason", "wrong amount", "--replacement",
       cli_.WriteFile("r.textpb", replacement), "--recorded-on", "2020-07-01"});
  ASSERT_EQ(corrected.exit_code, 0) << corrected.err;
  EXPECT_EQ(FundBalance(cli_, "2020-06-30"), 10000);
  EXPECT_EQ(FundBalance(cli_, "2020-07-01"), 15000);
}

TEST_F(CorrectionCliTest, BadCorrectionsAreRefusedAndWriteNothing) {
  EXPECT_EQ(cli_.Run({"correct", "99", "--reason", "x", "--reverse"}).exit_code,
            1);
  EXPECT_EQ(cli_.Run({"correct", "4", "--reverse"}).exit_code, 2);
  std::string bad = R"pb(events {
                           event_id: "alloc"
                           fund_id: "f"
                           effective { day: "2020-03-01" }
                           recorded_on: "2020-02-01"
                           source { title: "T" }
                           allocation { amount_ore: -5 }
                         })pb";
  RunResult refused =
      cli_.Run({"correct", "4", "--reason", "x", "--replacement",
                cli_.WriteFile("bad.textpb", bad)});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("bad.textpb"));
  EXPECT_THAT(refused.err,
              HasSubstr("correction.replacement.allocation.amount_ore"));
  EXPECT_EQ(cli_.Run({"show", "5"}).exit_code, 1) << "nothing was appended";
}

TEST_F(CorrectionCliTest, SealReplaysAndAFalseAssertionIsAFinding) {
  RunResult sealed = cli_.Run({"seal", "--as-of", "2020-12-31"});
  ASSERT_EQ(sealed.exit_code, 0) << sealed.err;
  RunResult verified = cli_.Run({"verify", "--json"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
  std::string assertion =
      R"pb(events {
             event_id: "ub"
             fund_id: "f"
             effective { day: "2020-12-31" }
             recorded_on: "2021-02-01"
             source { title: "Årsredovisning 2020" }
             balance_asserted { account: "fund" amount_ore: 9999 }
           })pb";
  ASSERT_EQ(
      cli_.Run({"import", cli_.WriteFile("ub.textpb", assertion)}).exit_code,
      0);
  RunResult failed = cli_.Run({"verify", "--json"});
  EXPECT_EQ(failed.exit_code, 1);
  auto json = ParseJson(failed.out);
  EXPECT_FALSE(json.fields().at("ok").bool_value());
  bool named = false;
  for (const auto& finding :
       json.fields().at("findings").list_value().values()) {
    const auto& fields = finding.struct_value().fields();
    if (fields.at("seq").number_value() == 6 &&
        fields.at("kind").string_value() == "assertion_failed") {
      named = true;
    }
  }
  EXPECT_TRUE(named) << failed.out;
}

TEST(SynthCliTest, SyntheticLedgerVerifiesAndIsLabelled) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "test/synth"}).exit_code, 0);
  RunResult synth =
      cli.Run({"synth", "--events", "3000", "--funds", "3", "--seed", "11"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  EXPECT_THAT(synth.out, HasSubstr("SYNTHETIC"));
  RunResult verified = cli.Run({"verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
  RunResult first = cli.Run({"show", "0", "--json"});
  EXPECT_THAT(first.out, ::testing::ContainsRegex("[Ss]ynthetic"));
}

TEST(LedgerUsageTest, MissingOrBadFlagsAreUsageErrors) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  EXPECT_EQ(cli.Run({"balance"}).exit_code, 2);
  EXPECT_EQ(cli.Run({"balance", "--as-of", "2020-02-30"}).exit_code, 2);
  EXPECT_EQ(
      cli.Run({"balance", "--as-of", "2020-01-01", "--view", "nope"}).exit_code,
      2);
  EXPECT_EQ(cli.Run({"statement"}).exit_code, 2);
}

}  // namespace
}  // namespace fundlog::testing
