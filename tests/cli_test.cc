// End-to-end tests of the log commands: init, import, append, timeline,
// show, demo. Each drives the built binary in a fresh directory.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kOrigin[] = "test.example/fund";

// A valid two-event batch; tests break one field of it at a time.
// The bad cases below edit this text by exact lines: keep its layout.
// clang-format off
constexpr char kGoodBatch[] = R"pb(
events {
  event_id: "est"
  fund_id: "f"
  effective { day: "2020-01-01" }
  recorded_on: "2020-01-01"
  source { title: "Test document" }
  fund_established { name: "Test fund" }
}
events {
  event_id: "alloc"
  fund_id: "f"
  effective { day: "2020-02-01" }
  recorded_on: "2020-02-01"
  source { title: "Test document" }
  allocation { amount_ore: 100 }
}
)pb";
// clang-format on

int64_t TimelineSize(const CliHarness& cli) {
  RunResult result = cli.Run({"timeline", "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  google::protobuf::Struct json = ParseJson(result.out);
  return json.fields().at("events").list_value().values_size();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult init = cli_.Run({"init", "--origin", kOrigin});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  CliHarness cli_;
};

TEST_F(CliTest, ImportedTrelleborgTimelineListsEveryEventInEffectiveOrder) {
  RunResult imported = cli_.Run({"import", TrelleborgDataPath()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  RunResult result = cli_.Run({"timeline", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  google::protobuf::Struct json = ParseJson(result.out);
  const auto& events = json.fields().at("events").list_value().values();
  ASSERT_GE(events.size(), 10);
  std::string previous_from;
  bool guidelines = false, allocation = false, use = false, dissolved = false,
       budget_2016 = false, budget_2017 = false, proposal = false;
  for (const auto& value : events) {
    const auto& event = value.struct_value().fields();
    const std::string from = event.at("effective_from").string_value();
    EXPECT_LE(previous_from, from) << "not in effective order";
    previous_from = from;
    const auto& source = event.at("source").struct_value().fields();
    EXPECT_EQ(source.at("reference").string_value(), "KS 2021/568");
    EXPECT_EQ(source.at("date").string_value(), "2021-11-03");
    EXPECT_FALSE(source.at("passage").string_value().empty());
    const std::string kind = event.at("kind").string_value();
    const std::string to = event.at("effective_to").has_null_value()
                               ? "open"
                               : event.at("effective_to").string_value();
    if (kind == "guidelines_adopted" && from == "2011-11-03") guidelines = true;
    if (kind == "allocation" &&
        event.at("amount_ore").number_value() == 1'000'000'000) {
      allocation = true;
      EXPECT_THAT(event.at("summary").string_value(),
                  HasSubstr("10 000 000.00 kr"));
    }
    if (kind == "use" && from == "2011-01-01" && to == "2017-12-31" &&
        event.at("amount_ore").number_value() == 340'000'000) {
      use = true;
      EXPECT_THAT(event.at("summary").string_value(),
                  HasSubstr("3 400 000.00 kr"));
    }
    if (kind == "close_out" && from == "2015-01-01" && to == "2015-12-31") {
      dissolved = true;
      EXPECT_THAT(source.at("passage").string_value(),
                  HasSubstr("Rådet för Kommunal Redovisning"));
    }
    if (kind == "budget_frame_use" && from == "2016-01-01") budget_2016 = true;
    if (kind == "budget_frame_use" && from == "2017-01-01") budget_2017 = true;
    if (kind == "decision_proposed" && from == "2021-11-03") proposal = true;
    if (kind == "guidelines_repealed") {
      EXPECT_EQ(from, "2021-11-03");
      EXPECT_EQ(to, "open") << "the paper gives no date for KF's decision";
    }
  }
  EXPECT_TRUE(guidelines && allocation && use && dissolved && budget_2016 &&
              budget_2017 && proposal);
}

TEST_F(CliTest, TimelineFiltersByPeriodAndKnownAt) {
  ASSERT_EQ(cli_.Run({"import", TrelleborgDataPath()}).exit_code, 0);
  RunResult known =
      cli_.Run({"timeline", "--known-at", "2015-03-01", "--json"});
  ASSERT_EQ(known.exit_code, 0) << known.err;
  // Only the KS decision of 2011-11-03 was recorded before the 2021 paper.
  const google::protobuf::Struct known_json = ParseJson(known.out);
  const auto& early = known_json.fields().at("events").list_value().values();
  ASSERT_EQ(early.size(), 2);
  for (const auto& event : early) {
    EXPECT_EQ(event.struct_value().fields().at("recorded_on").string_value(),
              "2011-11-03");
  }
  RunResult window = cli_.Run(
      {"timeline", "--from", "2016-06-01", "--to", "2016-06-30", "--json"});
  ASSERT_EQ(window.exit_code, 0) << window.err;
  std::vector<std::string> kinds;
  const google::protobuf::Struct window_json = ParseJson(window.out);
  for (const auto& event :
       window_json.fields().at("events").list_value().values()) {
    kinds.push_back(event.struct_value().fields().at("kind").string_value());
  }
  // The use period 2011-2017 and the 2016 budget frame overlap June 2016.
  EXPECT_THAT(kinds,
              ::testing::UnorderedElementsAre("use", "budget_frame_use"));
}

TEST_F(CliTest, TimelineTextShowsKronorAndSources) {
  ASSERT_EQ(cli_.Run({"import", TrelleborgDataPath()}).exit_code, 0);
  RunResult result = cli_.Run({"timeline"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("Set aside 10 000 000.00 kr"));
  EXPECT_THAT(result.out, HasSubstr("2011-01-01..2017-12-31"));
  EXPECT_THAT(result.out, HasSubstr("2021-11-03..(open)"));
  EXPECT_THAT(result.out, HasSubstr("source: Upphävande av riktlinjer för "
                                    "social investeringsfond, KS 2021/568"));
}

struct BadCase {
  std::string name;
  std::string from;  // text in kGoodBatch
  std::string to;    // its replacement
  std::string want_field;
};

void PrintTo(const BadCase& bad, std::ostream* out) { *out << bad.name; }

class BadImportTest : public CliTest,
                      public ::testing::WithParamInterface<BadCase> {};

TEST_P(BadImportTest, ExitsOneNamesEventAndFieldAndWritesNothing) {
  const BadCase& bad = GetParam();
  ASSERT_EQ(
      cli_.Run({"import", cli_.WriteFile("good.textpb", kGoodBatch)}).exit_code,
      0);
  const int64_t size_before = TimelineSize(cli_);
  std::string text = absl::StrReplaceAll(
      absl::StrReplaceAll(
          kGoodBatch, {{"\"est\"", "\"est2\""}, {"\"alloc\"", "\"alloc2\""}}),
      {{bad.from, bad.to}});
  ASSERT_NE(text,
            absl::StrReplaceAll(kGoodBatch, {{"\"est\"", "\"est2\""},
                                             {"\"alloc\"", "\"alloc2\""}}))
      << "the case does not change the batch";
  std::string path = cli_.WriteFile("bad.textpb", text);
  RunResult result = cli_.Run({"import", path});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_THAT(result.err, HasSubstr("bad.textpb"));
  EXPECT_THAT(result.err, HasSubstr("event 1"));
  EXPECT_THAT(result.err, HasSubstr(absl::StrCat("\"", bad.want_field, "\"")));
  EXPECT_EQ(TimelineSize(cli_), size_before);
}

INSTANTIATE_TEST_SUITE_P(
    EachField, BadImportTest,
    ::testing::Values(
        BadCase{"ZeroAmount", "amount_ore: 100", "amount_ore: 0",
                "allocation.amount_ore"},
        BadCase{"NegativeAmount", "amount_ore: 100", "amount_ore: -5",
                "allocation.amount_ore"},
        BadCase{"InvalidDate", "day: \"2020-02-01\"", "day: \"2020-02-30\"",
                "effective.day"},
        BadCase{"PeriodEndsBeforeStart", "day: \"2020-02-01\"",
                "period { from: \"2020-02-01\" to: \"2020-01-31\" }",
                "effective.period.to"},
        BadCase{"MissingRecordedOn", "recorded_on: \"2020-02-01\"", "",
                "recorded_on"},
        BadCase{"MissingSource",
                "source { title: \"Test document\" }\n  allocation",
                "allocation", "source"},
        BadCase{"UnknownFund",
                "fund_id: \"f\"\n  effective { day: \"2020-02-01\" }",
                "fund_id: \"nope\"\n  effective { day: \"2020-02-01\" }",
                "fund_id"},
        BadCase{
            "CorrectionOfMissingRecord", "allocation { amount_ore: 100 }",
            "correction { corrected_seq: 99 reason: \"typo\" reversal: true }",
            "correction.corrected_seq"},
        BadCase{"DuplicateEventId", "\"alloc2\"", "\"alloc\"", "event_id"}),
    [](const auto& info) { return info.param.name; });

TEST_F(CliTest, JsonBatchImports) {
  std::string json = R"({"events": [{"event_id": "est", "fund_id": "f",
    "effective": {"day": "2020-01-01"}, "recorded_on": "2020-01-01",
    "source": {"title": "Doc"}, "fund_established": {"name": "F"}}]})";
  RunResult result = cli_.Run({"import", cli_.WriteFile("b.json", json)});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(TimelineSize(cli_), 1);
}

TEST_F(CliTest, SyntaxErrorNamesFileAndLine) {
  RunResult result = cli_.Run(
      {"import", cli_.WriteFile("broken.textpb", "events {\n  nope: 1\n}\n")});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("broken.textpb:2:"));
}

TEST_F(CliTest, SameFileTwiceIsRefused) {
  std::string path = cli_.WriteFile("good.textpb", kGoodBatch);
  ASSERT_EQ(cli_.Run({"import", path}).exit_code, 0);
  RunResult again = cli_.Run({"import", path});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("already imported"));
  EXPECT_EQ(TimelineSize(cli_), 2);
}

TEST_F(CliTest, AppendWithStaleExpectedSizeIsRefused) {
  ASSERT_EQ(
      cli_.Run({"import", cli_.WriteFile("good.textpb", kGoodBatch)}).exit_code,
      0);
  std::string one = R"pb(events {
                           event_id: "use1"
                           fund_id: "f"
                           effective { day: "2020-03-01" }
                           recorded_on: "2020-03-01"
                           source { title: "Doc" }
                           use { amount_ore: 40 }
                         })pb";
  std::string path = cli_.WriteFile("one.textpb", one);
  RunResult stale = cli_.Run({"append", "--file", path, "--expect-size", "1"});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_THAT(stale.err, HasSubstr("not the expected 1"));
  EXPECT_EQ(TimelineSize(cli_), 2);
  RunResult fresh = cli_.Run({"append", "--file", path, "--expect-size", "2"});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(TimelineSize(cli_), 3);
}

TEST_F(CliTest, ShowPrintsTheStoredRecord) {
  ASSERT_EQ(cli_.Run({"import", TrelleborgDataPath()}).exit_code, 0);
  RunResult shown = cli_.Run({"show", "0", "--json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  auto json = ParseJson(shown.out);
  EXPECT_EQ(json.fields()
                .at("event")
                .struct_value()
                .fields()
                .at("event_id")
                .string_value(),
            "fund-established-2011-11-03");
  EXPECT_EQ(cli_.Run({"show", "999"}).exit_code, 1);
}

TEST(CliUsageTest, UnknownCommandAndFlagAreUsageErrors) {
  CliHarness cli;
  EXPECT_EQ(cli.Run({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(cli.Run({"timeline", "--bogus"}).exit_code, 2);
  EXPECT_EQ(cli.Run({"timeline", "--from", "2020-13-01"}).exit_code, 2);
  RunResult help = cli.Run({"timeline", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--known-at D"));
}

TEST(CliUsageTest, MissingLogIsReported) {
  CliHarness cli;
  RunResult result = cli.Run({"timeline"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("holds no log"));
}

TEST(CliDemoTest, DemoTwiceImportsOnce) {
  CliHarness cli;
  RunResult first = cli.Run({"demo"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("imported data/"));
  EXPECT_THAT(first.out, HasSubstr("Set aside 10 000 000.00 kr"));
  const int64_t size = TimelineSize(cli);
  RunResult second = cli.Run({"demo"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, HasSubstr("nothing imported"));
  EXPECT_EQ(TimelineSize(cli), size);
}

}  // namespace
}  // namespace fundlog::testing
