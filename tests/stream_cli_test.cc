// Whole-log `timeline` (text, --json, --format csv) and `export --format
// csv` are written while the log is read (core/audit/timeline_output.h):
// their bytes must stay what the commands gave when they built the whole
// document in memory. The golden files in tests/data/golden/trelleborg/ are
// the output of the binary before streaming (main at f1a67f3) on the
// Trelleborg history; tests/data/README.md says how they were made.
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Golden(const std::string& name) {
  return ReadAll(
      absl::StrCat(FUNDLOG_TEST_DATA_DIR, "/golden/trelleborg/", name));
}

// The append time is the clock's: the one field that differs per import.
std::string WithoutAppendTimes(const std::string& json) {
  static const std::regex kAppended("\"appended_at_micros\":[0-9]+");
  return std::regex_replace(json, kAppended, "\"appended_at_micros\":0");
}

TEST(StreamCliTest, TrelleborgTimelineAndCsvExportAreAsBeforeStreaming) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "trelleborg.golden"}).exit_code, 0);
  RunResult imported = cli.Run({"import", TrelleborgDataPath()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  struct Case {
    std::vector<std::string> args;
    std::string golden;
  };
  const Case cases[] = {
      {{"timeline"}, "timeline.txt"},
      {{"timeline", "--lang", "sv"}, "timeline_sv.txt"},
      {{"timeline", "--format", "csv"}, "timeline.csv"},
      {{"timeline", "--format", "csv", "--csv-dialect", "sv"},
       "timeline_sv.csv"},
  };
  for (const Case& c : cases) {
    RunResult result = cli.Run(c.args);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, Golden(c.golden)) << c.golden;
  }
  RunResult json = cli.Run({"timeline", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(WithoutAppendTimes(json.out), Golden("timeline.json"));

  for (const auto& [dialect, golden] :
       {std::pair{"rfc4180", "export.csv"}, std::pair{"sv", "export_sv.csv"}}) {
    const std::string out = absl::StrCat(cli.dir(), "/", golden);
    RunResult exported = cli.Run(
        {"export", "--format", "csv", "--csv-dialect", dialect, "--out", out});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    const std::string want = Golden(golden);
    EXPECT_EQ(ReadAll(out), want) << golden;
    EXPECT_EQ(exported.out, absl::StrCat("wrote csv export of 14 records to ",
                                         out, " (", want.size(), " bytes)\n"));
  }
}

// Many pieces: the streamed --json of a synthetic log (labelled synthetic)
// against the page path, which still builds its document in memory.
TEST(StreamCliTest, LongTimelineJsonEqualsTheDocumentBuiltInMemory) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "stream.test"}).exit_code, 0);
  RunResult synth = cli.Run({"synth", "--events", "3000"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  RunResult streamed = cli.Run({"timeline", "--json"});
  ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
  RunResult paged = cli.Run({"timeline", "--json", "--offset", "0"});
  ASSERT_EQ(paged.exit_code, 0) << paged.err;
  ASSERT_GT(streamed.out.size(), 1u << 20);  // well past one piece
  const std::string tail =
      absl::StrCat(",\"offset\":0,\"limit\":null,\"total\":3000}\n");
  ASSERT_GT(paged.out.size(), tail.size());
  ASSERT_EQ(paged.out.substr(paged.out.size() - tail.size()), tail);
  EXPECT_EQ(streamed.out,
            paged.out.substr(0, paged.out.size() - tail.size()) + "}\n");
}

// An export that cannot be written says where, with exit 1.
TEST(StreamCliTest, CsvExportIntoAMissingDirectoryNamesThePath) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "stream.test"}).exit_code, 0);
  ASSERT_EQ(cli.Run({"synth", "--events", "200"}).exit_code, 0);
  const std::string out = absl::StrCat(cli.dir(), "/missing/x.csv");
  RunResult exported = cli.Run({"export", "--format", "csv", "--out", out});
  EXPECT_EQ(exported.exit_code, 1) << exported.err;
  EXPECT_NE(exported.err.find(out), std::string::npos) << exported.err;
}

}  // namespace
}  // namespace fundlog::testing
