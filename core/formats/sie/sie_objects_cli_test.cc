// Per-object figures of SIE files (#OIB, #OUB, #PSALDO with objects),
// driven through the `fundlog` binary: kept as a breakdown of the account's
// figure, never added to it; checked against the account's own figures
// (findings, never fixes); exported and read back. Real files of
// tests/data/sie/jsisie, and one constructed file (labelled so).
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Jsisie(const std::string& name) {
  return absl::StrCat(FUNDLOG_TEST_DATA_DIR, "/sie/jsisie/", name);
}

CliHarness Fresh() {
  CliHarness cli;
  EXPECT_EQ(cli.Run({"init", "--origin", "t/sie"}).exit_code, 0);
  return cli;
}

// The first line of `table` that starts with `account` (the balances).
std::string FirstRow(const std::string& table, const std::string& account) {
  const size_t at = table.find(absl::StrCat("\n", account));
  if (at == std::string::npos) return "";
  return table.substr(at + 1, table.find('\n', at + 1) - at - 1);
}

// The line of `table` that names `account` and `objects`, or "".
std::string RowOf(const std::string& table, const std::string& account,
                  const std::string& objects) {
  size_t at = 0;
  while ((at = table.find(account, at)) != std::string::npos) {
    const size_t end = table.find('\n', at);
    const std::string line = table.substr(at, end - at);
    if (line.find(absl::StrCat(" ", objects, " ")) != std::string::npos) {
      return line;
    }
    at = end;
  }
  return "";
}

// BL Administration's type 3 file states #OIB/#OUB for account 1930 per
// object ({1 "1"} 7600, {1 "2"} 1000, {2 "A"} 7600) beside its own #UB 0 of
// 869015.45: the objects are shown as stated and the account keeps its own
// figure (7600 + 1000 + 7600 is not added to it).
TEST(SieObjects, StatedPerObjectBalancesAreKeptNotAddedToTheAccount) {
  CliHarness cli = Fresh();
  RunResult got = cli.Run({"import", Jsisie("BL0001_typ3.SE"), "--fund", "f"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("kept 34 per-object figure(s)"));
  EXPECT_THAT(got.out, Not(HasSubstr("finding")));
  EXPECT_EQ(cli.Run({"verify"}).exit_code, 0);
  RunResult balance =
      cli.Run({"balance", "--as-of", "2010-06-30", "--by-object"});
  ASSERT_EQ(balance.exit_code, 0) << balance.err;
  EXPECT_THAT(FirstRow(balance.out, "f:1930 "), HasSubstr("869 015.45"));
  EXPECT_THAT(RowOf(balance.out, "f:1930 ", "1:1"),
              HasSubstr("7 600.00 (closing 2010-06-30)"));
  EXPECT_THAT(RowOf(balance.out, "f:1930 ", "1:2"),
              HasSubstr("1 000.00 (closing 2010-06-30)"));
  EXPECT_THAT(RowOf(balance.out, "f:3010 ", "1:1"),
              HasSubstr("-26 400.00 (closing 2010-06-30)"));
  // Its 19 #PSALDO months per object add up to each object's #OUB 0 (the
  // import's check (2) found nothing): before the closing day, 4010's
  // object 1 is its months alone, 33 080.40, which #OUB 0 then states.
  RunResult may = cli.Run({"balance", "--as-of", "2010-05-31", "--by-object"});
  EXPECT_THAT(RowOf(may.out, "f:4010 ", "1:1"), HasSubstr("none stated"));
  EXPECT_THAT(RowOf(may.out, "f:4010 ", "1:1"), HasSubstr("33 080.40 (9)"));
  EXPECT_THAT(RowOf(balance.out, "f:4010 ", "1:1"),
              HasSubstr("33 080.40 (closing 2010-06-30)"));
  // The timeline names them for what they are.
  RunResult timeline = cli.Run({"timeline", "--format", "csv"});
  EXPECT_THAT(timeline.out,
              HasSubstr("Per-object closing balances: 12 figure(s), a "
                        "breakdown of their accounts' figures, not added"));
  // At the year's start, the #OIB 0 figures.
  RunResult start =
      cli.Run({"balance", "--as-of", "2009-07-01", "--by-object"});
  EXPECT_THAT(RowOf(start.out, "f:1930 ", "2:A"),
              HasSubstr("7 600.00 (opening 2009-07-01)"));
}

// Avendo's type 3 file states #PSALDO per object only: each object's months
// add up, and the account's own balance is what its own figures say.
TEST(SieObjects, PerObjectMonthsAddUpPerObject) {
  CliHarness cli = Fresh();
  RunResult got =
      cli.Run({"import", Jsisie("objektsaldo_ovnbolag.se"), "--fund", "f"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("kept 137 per-object figure(s)"));
  RunResult balance =
      cli.Run({"balance", "--as-of", "2011-12-31", "--by-object"});
  ASSERT_EQ(balance.exit_code, 0) << balance.err;
  EXPECT_THAT(balance.out, HasSubstr("none stated"));
  EXPECT_THAT(balance.out, HasSubstr("Per dimension object as of 2011-12-31"));
}

// Constructed (not a real program's file): a type 3 file whose objects of
// dimension 1 for account 1930 sum to more than the account's #UB 0, and
// whose object {1 "B"} does not close at #OIB 0 plus its #PSALDO months.
// Both are findings; the figures are kept as stated, nothing is fixed.
constexpr char kContradicting[] =
    "#FLAGGA 0\r\n#PROGRAM constructed 1\r\n#FORMAT PC8\r\n#SIETYP 3\r\n"
    "#FNAMN \"Konstruerat AB\"\r\n#RAR 0 20240101 20241231\r\n"
    "#KONTO 1930 Bank\r\n#KONTO 2081 Kapital\r\n"
    "#DIM 1 Kostnadsställe\r\n#OBJEKT 1 A Norr\r\n#OBJEKT 1 B Syd\r\n"
    "#IB 0 1930 100.00\r\n#IB 0 2081 -100.00\r\n"
    "#UB 0 1930 100.00\r\n#UB 0 2081 -100.00\r\n"
    "#OIB 0 1930 {1 \"A\"} 60.00\r\n#OIB 0 1930 {1 \"B\"} 40.00\r\n"
    "#PSALDO 0 202403 1930 {1 \"B\"} 25.00\r\n"
    "#OUB 0 1930 {1 \"A\"} 60.00\r\n#OUB 0 1930 {1 \"B\"} 90.00\r\n";

TEST(SieObjects, PerObjectFiguresThatContradictTheAccountAreFindings) {
  CliHarness cli = Fresh();
  const std::string path = absl::StrCat(cli.dir(), "/constructed.se");
  std::ofstream(path, std::ios::binary) << kContradicting;
  RunResult got = cli.Run({"import", path, "--fund", "f"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out,
              HasSubstr("finding: #OUB 0 of account 1930: the objects of "
                        "dimension 1 sum to 150.00 kr, more in size than the "
                        "account's own #UB 0/#RES 0 of 100.00 kr"));
  EXPECT_THAT(got.out,
              HasSubstr("finding: account 1930 object {1 \"B\"}: #OIB 0 plus "
                        "its #PSALDO 0 months give 65.00 kr, but #OUB 0 "
                        "states 90.00 kr"));
  EXPECT_THAT(got.out, Not(HasSubstr("object {1 \"A\"}")));
  EXPECT_EQ(cli.Run({"verify"}).exit_code, 0);
  RunResult balance =
      cli.Run({"balance", "--as-of", "2024-12-31", "--by-object"});
  EXPECT_THAT(FirstRow(balance.out, "f:1930 "), HasSubstr("100.00"));
  EXPECT_THAT(RowOf(balance.out, "f:1930 ", "1:B"),
              HasSubstr("90.00 (closing 2024-12-31)"));
  // The year's statement carries the same breakdown at the year's end.
  RunResult statement = cli.Run({"statement", "--year", "2024", "--by-object"});
  ASSERT_EQ(statement.exit_code, 0) << statement.err;
  EXPECT_THAT(RowOf(statement.out, "f:1930 ", "1:B"),
              HasSubstr("90.00 (closing 2024-12-31)"));
  // Before the closing: the opening plus the month the file states.
  RunResult mid = cli.Run({"balance", "--as-of", "2024-06-30", "--by-object"});
  EXPECT_THAT(RowOf(mid.out, "f:1930 ", "1:B"), HasSubstr("65.00"));
}

// Export and re-import keep every per-object figure: the same table after.
TEST(SieObjects, SieExportKeepsThePerObjectFigures) {
  for (const char* name : {"BL0001_typ3.SE", "BL0001_typ4.SE", "Test4.SE"}) {
    SCOPED_TRACE(name);
    CliHarness cli = Fresh();
    ASSERT_EQ(cli.Run({"import", Jsisie(name), "--fund", "f"}).exit_code, 0);
    const std::string out = absl::StrCat(cli.dir(), "/out.se");
    RunResult exported = cli.Run({"export", "--format", "sie", "--out", out});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    CliHarness second = Fresh();
    RunResult back = second.Run({"import", out, "--fund", "f"});
    ASSERT_EQ(back.exit_code, 0) << back.err;
    EXPECT_THAT(back.out, HasSubstr("per-object figure(s)"));
    EXPECT_EQ(second.Run({"verify"}).exit_code, 0);
    for (const char* day : {"2009-07-01", "2010-06-30", "1997-06-30",
                            "1997-12-31", "2026-12-31"}) {
      const std::string before =
          cli.Run({"balance", "--as-of", day, "--by-object"}).out;
      const std::string after =
          second.Run({"balance", "--as-of", day, "--by-object"}).out;
      EXPECT_EQ(before.substr(before.find("Per dimension object")),
                after.substr(after.find("Per dimension object")))
          << day;
    }
  }
}

// A correction applies to per-object figures as to every fact: reversing
// the closing balances (record 61 of this import) removes them from
// `balance --by-object` from the correction's recorded_on, while the view as
// known before it still shows them.
TEST(SieObjects, ReversedPerObjectFiguresAreNoLongerShown) {
  CliHarness cli = Fresh();
  ASSERT_EQ(
      cli.Run({"import", Jsisie("BL0001_typ3.SE"), "--fund", "f"}).exit_code,
      0);
  RunResult timeline = cli.Run({"show", "61"});
  ASSERT_THAT(timeline.out, HasSubstr("object_balances"));
  ASSERT_THAT(timeline.out, HasSubstr("2010-06-30"));
  RunResult reversed =
      cli.Run({"correct", "61", "--reverse", "--reason", "wrong closing",
               "--recorded-on", "2012-01-10"});
  ASSERT_EQ(reversed.exit_code, 0) << reversed.err;
  RunResult now = cli.Run({"balance", "--as-of", "2010-06-30", "--by-object"});
  ASSERT_EQ(now.exit_code, 0) << now.err;
  EXPECT_THAT(RowOf(now.out, "f:1930 ", "1:1"), Not(HasSubstr("closing")));
  EXPECT_THAT(RowOf(now.out, "f:4010 ", "1:1"), HasSubstr("none stated"));
  RunResult before = cli.Run({"balance", "--as-of", "2010-06-30", "--known-at",
                              "2012-01-09", "--by-object"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_THAT(RowOf(before.out, "f:1930 ", "1:1"),
              HasSubstr("7 600.00 (closing 2010-06-30)"));
}

}  // namespace
}  // namespace fundlog::testing
