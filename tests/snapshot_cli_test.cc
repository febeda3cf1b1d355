// End-to-end: `rebuild` throws derived data away and recomputes it, and the
// balance, statement and totals a user sees are the same before and after,
// with a snapshot, without one, and with a snapshot plus later records.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;

// The JSON answers of a fixed set of read-only queries, joined.
std::string Answers(const CliHarness& cli) {
  const std::vector<std::vector<std::string>> queries = {
      {"balance", "--as-of", "2005-12-31", "--json"},
      {"balance", "--as-of", "2015-06-30", "--known-at", "2016-01-01",
       "--json"},
      {"balance", "--as-of", "2019-12-31", "--view", "restated", "--json"},
      {"balance", "--as-of", "2012-03-01", "--view", "without-change", "--fund",
       "synthetic-fund-1", "--json"},
      {"statement", "--year", "2015", "--json"},
      {"totals", "--from", "2010-01-01", "--to", "2016-12-31", "--json"},
  };
  std::string out;
  for (const std::vector<std::string>& query : queries) {
    RunResult result = cli.Run(query);
    EXPECT_EQ(result.exit_code, 0) << query[0] << ": " << result.err;
    ParseJson(result.out);  // fails the test on malformed JSON
    out += result.out;
  }
  return out;
}

TEST(SnapshotCliTest, RebuildKeepsEveryAnswerIdentical) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "test.example/snapshots"}).exit_code,
            0);
  RunResult synth = cli.Run({"synth", "--events", "20000", "--seed", "7"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  ASSERT_THAT(synth.out, HasSubstr("SYNTHETIC"));

  const std::string replayed = Answers(cli);  // no snapshot yet
  ASSERT_THAT(replayed, HasSubstr("\"accounts\""));

  RunResult rebuilt = cli.Run({"rebuild"});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_THAT(rebuilt.out, HasSubstr("cleared derived data"));
  EXPECT_THAT(rebuilt.out,
              HasSubstr("rewrote the table files in the current layout"));
  EXPECT_THAT(rebuilt.out, HasSubstr("folded 20000 records"));
  EXPECT_THAT(rebuilt.out, HasSubstr("wrote snapshot"));
  EXPECT_EQ(Answers(cli), replayed);  // from the snapshot

  // Later records (corrections) fold on top of the snapshot; a second
  // rebuild agrees. They are recorded after every synthetic record (a
  // correction may not be recorded before what it corrects).
  for (const char* seq : {"1500", "7001", "15002"}) {
    RunResult corrected =
        cli.Run({"correct", seq, "--reason", "test", "--reverse",
                 "--recorded-on", "2025-06-01", "--by", "snapshot test"});
    ASSERT_EQ(corrected.exit_code, 0) << corrected.err;
  }
  const std::string with_tail = Answers(cli);
  rebuilt = cli.Run({"rebuild"});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_THAT(rebuilt.out, HasSubstr("folded 20003 records"));
  EXPECT_EQ(Answers(cli), with_tail);
}

// Balances and statements without --known-at read the query state (and
// fall back to the full state where it cannot answer); with a --known-at
// after every recorded_on they read the full state. The figures agree on
// every view, on days all over the synthetic history.
TEST(SnapshotCliTest, QueryStateAnswersAsTheFullState) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "test.example/query"}).exit_code, 0);
  RunResult synth = cli.Run({"synth", "--events", "20000", "--seed", "11"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  const std::string kFull = "\"known_at\":\"9999-12-31\"";
  const char* views[] = {"reported", "without-change", "restated"};
  int checked = 0;
  for (int year = 2000; year <= 2019; ++year) {
    const std::string view = views[year % 3];
    for (const std::string& day :
         {absl::StrCat(year, "-07-01"), absl::StrCat(year, "-12-31")}) {
      RunResult light =
          cli.Run({"balance", "--as-of", day, "--view", view, "--json"});
      RunResult full = cli.Run({"balance", "--as-of", day, "--view", view,
                                "--known-at", "9999-12-31", "--json"});
      ASSERT_EQ(light.exit_code, 0) << light.err;
      ASSERT_EQ(full.exit_code, 0) << full.err;
      std::string expected = full.out;
      expected.replace(expected.find(kFull), kFull.size(), "\"known_at\":null");
      EXPECT_EQ(light.out, expected) << day << " " << view;
      ++checked;
    }
    RunResult light = cli.Run(
        {"statement", "--year", absl::StrCat(year), "--view", view, "--json"});
    RunResult full =
        cli.Run({"statement", "--year", absl::StrCat(year), "--view", view,
                 "--known-at", "9999-12-31", "--json"});
    ASSERT_EQ(light.exit_code, 0) << light.err;
    ASSERT_EQ(full.exit_code, 0) << full.err;
    EXPECT_EQ(light.out, full.out) << year << " " << view;
    ++checked;
  }
  EXPECT_EQ(checked, 60);
}

TEST(SnapshotCliTest, RebuildOfAnEmptyLogWritesNoSnapshot) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "test.example/empty"}).exit_code, 0);
  RunResult rebuilt = cli.Run({"rebuild"});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_THAT(rebuilt.out, HasSubstr("no snapshot written"));
}

}  // namespace
}  // namespace fundlog::testing
