// GET /api/v1/export gives, byte for byte, the file `fundlog export` writes
// for the same format, view, year, fund and dialect; a parameter that does
// not apply to the format is refused with 400 naming it, as the CLI refuses
// the flag.
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"
#include "tests/serve_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;

class ServeExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.Run({"demo"}).exit_code, 0);
    server_ = ServerProcess::Start(cli_.dir() + "/fundlog-data");
    ASSERT_NE(server_, nullptr);
  }

  // The API's bytes for `query` equal the file of `fundlog export FLAGS`.
  void ExpectSameFile(const std::string& query, std::vector<std::string> flags,
                      const std::string& content_type) {
    SCOPED_TRACE(query);
    const std::string out = cli_.dir() + "/export.out";
    std::vector<std::string> args = {"export"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"--out", out});
    RunResult cli = cli_.Run(args);
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    std::ifstream file(out, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), {});
    ASSERT_FALSE(bytes.empty());
    HttpAnswer api = server_->Get("/api/v1/export?" + query);
    ASSERT_EQ(api.status, 200) << api.body;
    EXPECT_EQ(api.content_type, content_type);
    EXPECT_EQ(api.body.size(), bytes.size());
    EXPECT_TRUE(api.body == bytes) << "the API's file differs from the CLI's";
    bool attachment = false;
    for (const auto& [name, value] : api.headers) {
      if (name == "Content-Disposition") {
        attachment = value.rfind("attachment; filename=", 0) == 0;
      }
    }
    EXPECT_TRUE(attachment);
  }

  CliHarness cli_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServeExportTest, ExportBytesEqualTheCliFile) {
  ExpectSameFile("format=csv", {"--format", "csv"}, "text/csv; charset=utf-8");
  ExpectSameFile("format=csv&csv_dialect=sv",
                 {"--format", "csv", "--csv-dialect", "sv"},
                 "text/csv; charset=utf-8");
  ExpectSameFile("format=hledger&view=without-change",
                 {"--format", "hledger", "--view", "without-change"},
                 "text/plain; charset=utf-8");
  ExpectSameFile("format=sie", {"--format", "sie"},
                 "text/plain; charset=IBM437");
  ExpectSameFile("format=sie&view=restated&year=2015",
                 {"--format", "sie", "--view", "restated", "--year", "2015"},
                 "text/plain; charset=IBM437");
  ExpectSameFile("format=csv&fund=social-investeringsfond",
                 {"--format", "csv", "--fund", "social-investeringsfond"},
                 "text/csv; charset=utf-8");
}

TEST_F(ServeExportTest, ParameterThatDoesNotApplyIsRefusedByName) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "format"},
      {"format=pdf", "format"},
      {"format=csv&year=2015", "year"},
      {"format=hledger&csv_dialect=sv", "csv_dialect"},
      {"format=csv&view=restated", "view"},
      {"format=sie&view=sideways", "view"},
      {"format=sie&year=twenty", "year"},
      {"format=csv&out=/etc/passwd", "out"},
  };
  for (const auto& [query, parameter] : cases) {
    SCOPED_TRACE(query);
    HttpAnswer api = server_->Get("/api/v1/export?" + query);
    EXPECT_EQ(api.status, 400) << api.body;
    EXPECT_THAT(api.body,
                HasSubstr(absl::StrCat("\"parameter\":\"", parameter, "\"")));
  }
}

}  // namespace
}  // namespace fundlog::testing
