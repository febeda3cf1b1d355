// report --lang sv|en and demo --lang sv|en: Swedish headings, labels and
// amounts; the same figures as the English report; English by default.
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The text between `from` and `to` (both must be present).
std::string Between(const std::string& text, const std::string& from,
                    const std::string& to) {
  const size_t a = text.find(from);
  const size_t b = text.find(to, a == std::string::npos ? 0 : a);
  EXPECT_NE(a, std::string::npos) << "missing " << from;
  EXPECT_NE(b, std::string::npos) << "missing " << to;
  if (a == std::string::npos || b == std::string::npos) return "";
  return text.substr(a, b - a);
}

// Every amount in `text` written with `mark` as decimal mark, in the
// English form ("10 000 000.00").
std::vector<std::string> Amounts(const std::string& text, char mark) {
  const std::regex amount(std::string("-?\\d{1,3}(?: \\d{3})*\\") + mark +
                          "\\d{2}");
  std::vector<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), amount), end;
       it != end; ++it) {
    out.push_back(absl::StrReplaceAll(it->str(), {{",", "."}}));
  }
  return out;
}

TEST(LangCliTest, SwedishDemoHasSwedishHeadingsAndAmounts) {
  CliHarness cli;
  RunResult sv = cli.Run({"demo", "--lang", "sv"});
  ASSERT_EQ(sv.exit_code, 0) << sv.err;
  for (const char* word :
       {"fundlog revisionsrapport", "Tidslinje",
        "källa: ", "stycke: ", "balansräkningen", "räkenskapsårets slut",
        "enligt redovisat", "som om ändringen aldrig skett",
        "omräknat från början", "avsättning", "ianspråktagande", "upplösning",
        "Signerad kontrollpunkt", "inkluderingsbevis", "revisor",
        "Avsättning 10 000 000,00 kr (beslutad av Kommunfullmäktige)",
        "Ianspråktagande 3 400 000,00 kr", "6 600 000,00 – 10 000 000,00 kr",
        "10 000 000,00 kr (stämmer"}) {
    EXPECT_THAT(sv.out, HasSubstr(word));
  }
  EXPECT_THAT(sv.out, Not(HasSubstr("Year-end")));
  EXPECT_THAT(sv.out, Not(HasSubstr("10 000 000.00")));
}

TEST(LangCliTest, SwedishReportStatesTheSameFiguresAsTheEnglish) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  RunResult en = cli.Run({"report", "--lang", "en"});
  RunResult sv = cli.Run({"report", "--lang", "sv"});
  ASSERT_EQ(en.exit_code, 0) << en.err;
  ASSERT_EQ(sv.exit_code, 0) << sv.err;
  const std::vector<std::string> en_figures =
      Amounts(Between(en.out, "Year-end balances", "Stated amounts"), '.');
  const std::vector<std::string> sv_figures = Amounts(
      Between(sv.out, "Fondens rad i balansräkningen", "Angivna belopp"), ',');
  // 12 years x 3 views, ranges counting twice, and the totals table.
  EXPECT_GT(en_figures.size(), 40u);
  EXPECT_EQ(sv_figures, en_figures);
  // The same records, the same tree.
  const std::regex root("(?:root hash|rothash): +(\\S+)");
  std::smatch en_root, sv_root;
  ASSERT_TRUE(std::regex_search(en.out, en_root, root));
  ASSERT_TRUE(std::regex_search(sv.out, sv_root, root));
  EXPECT_EQ(en_root[1], sv_root[1]);
}

TEST(LangCliTest, ReportStaysEnglishWithoutLang) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  RunResult report = cli.Run({"report"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_THAT(report.out, HasSubstr("fundlog audit report"));
  EXPECT_THAT(report.out, HasSubstr("Set aside 10 000 000.00 kr"));
  EXPECT_THAT(report.out, Not(HasSubstr("Tidslinje")));
}

TEST(LangCliTest, UnknownLangIsAUsageErrorNamingTheFlag) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  for (const char* command : {"report", "demo"}) {
    RunResult result = cli.Run({command, "--lang", "de"});
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_THAT(result.err, HasSubstr("--lang must be sv or en"));
    EXPECT_EQ(result.out, "");
  }
}

TEST(LangCliTest, SwedishTimelineHasSwedishSummariesAndTheSameEvents) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  RunResult text = cli.Run({"timeline", "--lang", "sv"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("   nr  gäller"));
  EXPECT_THAT(text.out, HasSubstr("Ianspråktagande 3 400 000,00 kr"));
  EXPECT_THAT(text.out, HasSubstr("14 händelser"));
  RunResult sv = cli.Run({"timeline", "--json", "--lang", "sv"});
  RunResult en = cli.Run({"timeline", "--json"});
  ASSERT_EQ(sv.exit_code, 0) << sv.err;
  EXPECT_THAT(sv.out, HasSubstr("\"summary\":\"Avsättning 10 000 000,00 kr"));
  EXPECT_THAT(en.out, HasSubstr("\"summary\":\"Set aside 10 000 000.00 kr"));
  // Only the summaries differ.
  // A JSON string: anything but a quote or backslash, or an escape.
  const std::regex summary(R"re("summary":"(?:[^"\\]|\\.)*")re");
  EXPECT_TRUE(std::regex_replace(sv.out, summary, "") ==
              std::regex_replace(en.out, summary, ""));
  RunResult csv = cli.Run({"timeline", "--format", "csv", "--lang", "sv"});
  EXPECT_EQ(csv.exit_code, 2);
  EXPECT_THAT(csv.err, HasSubstr("--lang applies to the text and --json"));
}

TEST(LangCliTest, SwedishHtmlReportSaysItIsSwedish) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  const std::string html = cli.dir() + "/report.html";
  RunResult result = cli.Run({"report", "--lang", "sv", "--html", html});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  RunResult en = cli.Run({"report", "--html", cli.dir() + "/en.html"});
  ASSERT_EQ(en.exit_code, 0) << en.err;
  std::ifstream sv_file(html), en_file(cli.dir() + "/en.html");
  std::string sv_page((std::istreambuf_iterator<char>(sv_file)), {});
  std::string en_page((std::istreambuf_iterator<char>(en_file)), {});
  EXPECT_THAT(sv_page, HasSubstr("<html lang=\"sv\">"));
  EXPECT_THAT(sv_page, HasSubstr("<title>fundlog revisionsrapport: "));
  EXPECT_THAT(en_page, HasSubstr("<html lang=\"en\">"));
}

}  // namespace
}  // namespace fundlog::testing
