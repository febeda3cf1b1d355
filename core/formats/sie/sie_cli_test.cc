// The SIE, hledger and CSV paths of the command line, end to end.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/formats/sie/sie_synth.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;

std::string Jsisie(const std::string& name) {
  return absl::StrCat(FUNDLOG_TEST_DATA_DIR, "/sie/jsisie/", name);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SieCli, ImportVerifyExportReimport) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "t/sie"}).exit_code, 0);
  RunResult bad =
      cli.Run({"import", Jsisie("transaktioner_ovnbolag-bad-balance.se")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr(":3910: #VER B 1 (line 3905)"));
  EXPECT_THAT(bad.err, HasSubstr("nothing written"));
  RunResult good =
      cli.Run({"import", Jsisie("transaktioner_ovnbolag.se"), "--fund", "ovn"});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  EXPECT_THAT(good.out, HasSubstr("163 vouchers"));
  RunResult again =
      cli.Run({"import", Jsisie("transaktioner_ovnbolag.se"), "--fund", "ovn"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("already imported"));
  RunResult verify = cli.Run({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_THAT(verify.out, HasSubstr("82 balance assertion(s)"));

  const std::string out = absl::StrCat(cli.dir(), "/out.se");
  ASSERT_EQ(cli.Run({"export", "--format", "sie", "--out", out}).exit_code, 0);
  CliHarness second;
  ASSERT_EQ(second.Run({"init", "--origin", "t/two"}).exit_code, 0);
  ASSERT_EQ(second.Run({"import", out, "--fund", "ovn"}).exit_code, 0);
  EXPECT_EQ(second.Run({"verify"}).exit_code, 0);
  EXPECT_EQ(cli.Run({"balance", "--as-of", "2011-12-31", "--json"}).out,
            second.Run({"balance", "--as-of", "2011-12-31", "--json"}).out);
}

// A synthetic SIE file of `vouchers` vouchers in the harness's directory.
std::string SyntheticSie(const CliHarness& cli, const std::string& name,
                         uint64_t vouchers) {
  std::string text;
  sie::GenerateSyntheticSie({7, vouchers, 2020}, [&](absl::string_view piece) {
    text.append(piece.data(), piece.size());
  });
  return cli.WriteFile(name, text);
}

double IndexInFile(const CliHarness& cli, uint64_t seq) {
  RunResult shown = cli.Run({"show", absl::StrCat(seq), "--json"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  const google::protobuf::Struct record = ParseJson(shown.out);
  const auto& provenance = record.fields().at("provenance").struct_value();
  auto it = provenance.fields().find("index_in_file");
  return it == provenance.fields().end() ? 0 : it->second.number_value();
}

// Records of a 2500-voucher file come in two batches of vouchers; the
// numbering within the file runs on across them.
TEST(SieCli, IndexInFileIsContinuousAcrossBatches) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "t/sie"}).exit_code, 0);
  const std::string path = SyntheticSie(cli, "big.se", 2500);
  RunResult imported = cli.Run({"import", path});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("2500 vouchers"));
  for (uint64_t seq : {0, 1, 2000, 2100, 2400}) {
    EXPECT_EQ(IndexInFile(cli, seq), static_cast<double>(seq)) << seq;
  }
  EXPECT_EQ(cli.Run({"verify"}).exit_code, 0);
}

TEST(SieCli, SameFileGivenTwiceInOneImportSaysSo) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "t/twice"}).exit_code, 0);
  const std::string verified = cli.Run({"verify"}).out;
  const std::string batch = TrelleborgDataPath();
  const std::string copy = cli.WriteFile("copy.textpb", Slurp(batch));
  const std::string sie = SyntheticSie(cli, "s.se", 10);
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"import", batch, batch},
                                             {"import", batch, copy},
                                             {"import", sie, sie}}) {
    RunResult twice = cli.Run(args);
    EXPECT_EQ(twice.exit_code, 1) << args.back();
    EXPECT_THAT(twice.err, HasSubstr("given twice in this import"));
    EXPECT_THAT(twice.err, ::testing::Not(HasSubstr("already imported")));
    EXPECT_THAT(twice.err, HasSubstr("nothing written"));
    EXPECT_EQ(cli.Run({"verify"}).out, verified);
  }
}

// Reading fails after the file opened (a directory named like an SIE file
// opens, and its first read fails with EISDIR): an I/O error, not rejected
// input.
TEST(SieCli, ReadErrorInSieFileIsAnIoError) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "t/io"}).exit_code, 0);
  const std::string verified = cli.Run({"verify"}).out;
  const std::string dir = absl::StrCat(cli.dir(), "/unreadable.se");
  std::filesystem::create_directory(dir);
  RunResult failed = cli.Run({"import", dir});
  EXPECT_EQ(failed.exit_code, 3) << failed.err;
  EXPECT_THAT(failed.err, HasSubstr("I/O error"));
  EXPECT_THAT(failed.err, HasSubstr("unreadable.se"));
  EXPECT_EQ(cli.Run({"verify"}).out, verified);
  // A missing file is the user's mistake: rejected input.
  EXPECT_EQ(cli.Run({"import", absl::StrCat(cli.dir(), "/none.se")}).exit_code,
            1);
}

TEST(SieCli, HledgerAndCsvExports) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  const std::string journal = absl::StrCat(cli.dir(), "/f.journal");
  ASSERT_EQ(
      cli.Run({"export", "--format", "hledger", "--out", journal}).exit_code,
      0);
  EXPECT_THAT(Slurp(journal), HasSubstr("; fundlog range"));
  const std::string csv = absl::StrCat(cli.dir(), "/t.csv");
  ASSERT_EQ(cli.Run({"export", "--format", "csv", "--csv-dialect", "sv",
                     "--out", csv})
                .exit_code,
            0);
  EXPECT_EQ(Slurp(csv).substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(Slurp(csv), HasSubstr("seq;kind;fund"));
  EXPECT_EQ(cli.Run({"export", "--format", "xml", "--out", csv}).exit_code, 2);
}

TEST(CsvCli, BalanceStatementTotalsTimelineInBothDialects) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  RunResult rfc =
      cli.Run({"balance", "--as-of", "2015-12-31", "--format", "csv"});
  ASSERT_EQ(rfc.exit_code, 0) << rfc.err;
  EXPECT_THAT(rfc.out, HasSubstr("account,name,min_kr,max_kr,exact\r\n"));
  EXPECT_THAT(rfc.out, HasSubstr("bank,Likvida medel,-3400000.00,0.00,no"));
  RunResult sv = cli.Run({"totals", "--format", "csv", "--csv-dialect", "sv"});
  ASSERT_EQ(sv.exit_code, 0) << sv.err;
  EXPECT_EQ(sv.out.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(sv.out, HasSubstr("allocation;10000000,00;10000000,00;yes;0"));
  EXPECT_EQ(
      cli.Run({"statement", "--year", "2015", "--format", "csv"}).exit_code, 0);
  RunResult timeline = cli.Run({"timeline", "--format", "csv"});
  ASSERT_EQ(timeline.exit_code, 0);
  // A summary with a comma is quoted, as RFC 4180 has it.
  EXPECT_THAT(timeline.out, HasSubstr(",\""));
  EXPECT_EQ(cli.Run({"balance", "--as-of", "2015-12-31", "--format", "csv",
                     "--csv-dialect", "xx"})
                .exit_code,
            2);
}

}  // namespace
}  // namespace fundlog::testing
