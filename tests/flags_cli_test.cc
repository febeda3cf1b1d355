// Flags and messages that mislead (issue 8 §7) and export's durable write
// (§8): each flag does what its help says or is refused, and each failure
// says what happened in the user's terms.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/ledger/record_rules.h"
#include "core/store/event_log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTrelleborgFund[] = "social-investeringsfond";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// The number after "as record " in a command's output.
uint64_t RecordIn(const std::string& out) {
  const size_t at = out.find("as record ");
  uint64_t seq = 0;
  EXPECT_NE(at, std::string::npos) << out;
  if (at == std::string::npos) return 0;
  const std::string rest = out.substr(at + 10);
  EXPECT_TRUE(absl::SimpleAtoi(rest.substr(0, rest.find_first_of(" \n")), &seq))
      << out;
  return seq;
}

// The demo log with a two-fund synthetic history beside the Trelleborg fund.
class TwoHistoriesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cli_ = new CliHarness;
    ASSERT_EQ(cli_->Run({"demo"}).exit_code, 0);
    // The demo log defines its own "equity"; synth must not collide with it.
    RunResult synth =
        cli_->Run({"synth", "--events", "300", "--funds", "2", "--seed", "7"});
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
  }
  static void TearDownTestSuite() { delete cli_; }
  static CliHarness* cli_;
};
CliHarness* TwoHistoriesTest::cli_ = nullptr;

TEST_F(TwoHistoriesTest, SynthOnTheDemoLogVerifies) {
  RunResult verified = cli_->Run({"verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

TEST_F(TwoHistoriesTest, SealWithFundSealsOnlyThatFundsAccounts) {
  RunResult sealed =
      cli_->Run({"seal", "--as-of", "2021-12-31", "--fund", kTrelleborgFund});
  ASSERT_EQ(sealed.exit_code, 0) << sealed.err;
  RunResult shown =
      cli_->Run({"show", absl::StrCat(RecordIn(sealed.out)), "--json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const google::protobuf::Struct record = ParseJson(shown.out);
  const auto& seal = record.fields()
                         .at("event")
                         .struct_value()
                         .fields()
                         .at("statement_sealed")
                         .struct_value()
                         .fields();
  EXPECT_EQ(seal.at("fund_id").string_value(), kTrelleborgFund);
  std::set<std::string> sealed_accounts;
  for (const auto& view : seal.at("views").list_value().values()) {
    for (const auto& balance :
         view.struct_value().fields().at("balances").list_value().values()) {
      sealed_accounts.insert(
          balance.struct_value().fields().at("account").string_value());
    }
  }
  RunResult balance = cli_->Run({"balance", "--as-of", "2021-12-31", "--fund",
                                 kTrelleborgFund, "--json"});
  ASSERT_EQ(balance.exit_code, 0) << balance.err;
  std::set<std::string> fund_accounts;
  const google::protobuf::Struct balances = ParseJson(balance.out);
  for (const auto& account :
       balances.fields().at("accounts").list_value().values()) {
    fund_accounts.insert(
        account.struct_value().fields().at("account").string_value());
  }
  EXPECT_FALSE(sealed_accounts.empty());
  EXPECT_EQ(sealed_accounts, fund_accounts);
  for (const std::string& account : sealed_accounts) {
    EXPECT_THAT(account, Not(HasSubstr("synthetic"))) << "sealed another fund";
  }
  RunResult verified = cli_->Run({"verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

TEST_F(TwoHistoriesTest, ExportCsvWithFundKeepsOnlyThatFund) {
  const std::string out = absl::StrCat(cli_->dir(), "/fund.csv");
  RunResult exported = cli_->Run(
      {"export", "--format", "csv", "--fund", kTrelleborgFund, "--out", out});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string csv = Slurp(out);
  EXPECT_THAT(csv, HasSubstr(kTrelleborgFund));
  EXPECT_THAT(csv, Not(HasSubstr("synthetic-fund")));
}

TEST_F(TwoHistoriesTest, ExportFlagsThatDoNotApplyAreRefused) {
  const std::string out = absl::StrCat(cli_->dir(), "/x.out");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--format", "csv", "--view", "restated"},
        {"--format", "csv", "--year", "2015"},
        {"--format", "hledger", "--year", "2015"},
        {"--format", "sie", "--csv-dialect", "sv"}}) {
    std::vector<std::string> command = {"export", "--out", out};
    command.insert(command.end(), args.begin(), args.end());
    RunResult result = cli_->Run(command);
    EXPECT_EQ(result.exit_code, 2) << args[1] << " " << args[2];
    EXPECT_THAT(result.err, HasSubstr("applies to")) << result.err;
  }
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(ExportFileTest, ExportIsWholeAndAFailedWriteLeavesNothing) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  const std::string out = absl::StrCat(cli.dir(), "/journal.txt");
  RunResult exported = cli.Run({"export", "--format", "hledger", "--out", out});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string journal = Slurp(out);
  EXPECT_THAT(exported.out,
              HasSubstr(absl::StrCat("(", journal.size(), " bytes)")));
  EXPECT_FALSE(journal.empty());
  // Into a directory that does not exist: a clear message, nothing written.
  RunResult missing = cli.Run({"export", "--format", "hledger", "--out",
                               absl::StrCat(cli.dir(), "/no/such/dir/j.txt")});
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_THAT(missing.err, AllOf(HasSubstr("no/such/dir/j.txt"),
                                 HasSubstr("does its directory exist")));
  // Onto a directory: refused, and no temporary file is left beside it.
  const std::string dir = absl::StrCat(cli.dir(), "/target");
  std::filesystem::create_directory(dir);
  RunResult onto_dir = cli.Run({"export", "--format", "hledger", "--out", dir});
  EXPECT_NE(onto_dir.exit_code, 0);
  EXPECT_THAT(onto_dir.err, HasSubstr("is a directory"));
  for (const auto& entry : std::filesystem::directory_iterator(cli.dir())) {
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr(".tmp")));
  }
}

TEST(TimelineFlagsTest, ToBeforeFromIsRefusedLikeTotals) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  RunResult timeline =
      cli.Run({"timeline", "--from", "2015-01-01", "--to", "2014-01-01"});
  RunResult totals =
      cli.Run({"totals", "--from", "2015-01-01", "--to", "2014-01-01"});
  EXPECT_EQ(timeline.exit_code, totals.exit_code) << timeline.err;
  EXPECT_EQ(timeline.exit_code, 1);
  EXPECT_THAT(timeline.err, HasSubstr("--to 2014-01-01 is before --from"));
  EXPECT_TRUE(timeline.out.empty());
  RunResult help = cli.Run({"timeline", "--help"});
  EXPECT_THAT(help.out, HasSubstr("overlaps"));
  EXPECT_THAT(help.out, Not(HasSubstr("effective on or after")));
}

TEST(TimelineTextTest, UseWithoutUnitsSaysTheSplitIsOpenNotTheCurrency) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  RunResult timeline = cli.Run({"timeline"});
  ASSERT_EQ(timeline.exit_code, 0);
  EXPECT_THAT(timeline.out, Not(HasSubstr("(units not stated)")));
  EXPECT_THAT(timeline.out, HasSubstr("how much each, not stated"));
}

TEST(OpenMessagesTest, InitIntoNonEmptyDirectoryIsTheUsersMistake) {
  CliHarness cli;
  const std::string dir = absl::StrCat(cli.dir(), "/busy");
  std::filesystem::create_directory(dir);
  cli.WriteFile("busy/notes.txt", "mine");
  RunResult init = cli.Run({"--db", dir, "init", "--origin", "x/y"});
  EXPECT_EQ(init.exit_code, 1) << init.err;
  EXPECT_THAT(init.err, AllOf(HasSubstr("not empty"),
                              HasSubstr("a new or empty directory")));
  EXPECT_EQ(Slurp(absl::StrCat(dir, "/notes.txt")), "mine");
}

// Tests run as root, where a mode-000 directory is still readable, so the
// permission case cannot be produced here; the path through a file takes
// the same errno-based classification (ENOTDIR rather than ENOENT).
TEST(OpenMessagesTest, DbThatIsAFileIsNotCalledAMissingLog) {
  CliHarness cli;
  const std::string file = cli.WriteFile("plain.txt", "not a log");
  RunResult result = cli.Run({"--db", file, "timeline"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("is not a directory"));
  EXPECT_THAT(result.err, Not(HasSubstr("fundlog init")));
}

TEST(OpenMessagesTest, SecondWriterIsToldAnotherProcessHoldsTheLog) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  const std::string db = absl::StrCat(cli.dir(), "/fundlog-data");
  absl::StatusOr<std::unique_ptr<EventLog>> held = EventLog::Open(
      OpenOptions{.path = db, .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(held.ok()) << held.status();
  RunResult result = cli.Run({"seal", "--as-of", "2020-12-31"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("another process"));
  held->reset();
  EXPECT_EQ(cli.Run({"seal", "--as-of", "2020-12-31"}).exit_code, 0);
}

TEST(OpenMessagesTest, KeyFileModeIsPrintedInOctal) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  const std::string key = absl::StrCat(cli.dir(), "/fundlog-data/signing.key");
  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  RunResult result = cli.Run({"checkpoint"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.err, HasSubstr("mode 0644"));
}

TEST(StatementFlagsTest, MalformedYearIsCalledMalformed) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  RunResult bad = cli.Run({"statement", "--year", "abc"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("\"abc\" is malformed"));
  RunResult missing = cli.Run({"statement"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("is required"));
}

// Flags that would be silently ignored are refused (usage, exit 2).
TEST(FlagAuditTest, FlagsThatWouldBeIgnoredAreRefused) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"balance", "--as-of", "2020-01-01",
                                 "--csv-dialect", "sv"},
        {"totals", "--json", "--format", "csv"},
        {"timeline", "--csv-dialect", "sv"},
        {"statement", "--year", "2015", "--json", "--format", "csv"},
        {"consistency", "--to", "3"}}) {
    RunResult result = cli.Run(command);
    EXPECT_EQ(result.exit_code, 2) << command[0] << ": " << result.err;
    EXPECT_TRUE(result.out.empty()) << command[0];
  }
}

}  // namespace
}  // namespace fundlog::testing
