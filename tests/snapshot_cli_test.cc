// End-to-end: `rebuild` throws derived data away and recomputes it, and the
// balance, statement and totals a user sees are the same before and after,
// with a snapshot, without one, and with a snapshot plus later records.
#include <string>
#include <vector>

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

TEST(SnapshotCliTest, RebuildOfAnEmptyLogWritesNoSnapshot) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "test.example/empty"}).exit_code, 0);
  RunResult rebuilt = cli.Run({"rebuild"});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_THAT(rebuilt.out, HasSubstr("no snapshot written"));
}

}  // namespace
}  // namespace fundlog::testing
