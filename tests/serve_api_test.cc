// `fundlog serve`'s JSON API answers exactly what the CLI prints with
// --json for the same question, on the Trelleborg history (compared as
// parsed JSON).
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"
#include "tests/serve_harness.h"

namespace fundlog::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;

class ServeApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.Run({"init", "--origin", "trelleborg.se/fundlog"}).exit_code,
              0);
    ASSERT_EQ(cli_.Run({"import", TrelleborgDataPath()}).exit_code, 0);
    // A correction, so that known_at answers differ from today's.
    ASSERT_EQ(cli_.Run({"correct", "6", "--reason", "test", "--reverse",
                        "--recorded-on", "2022-03-01"})
                  .exit_code,
              0);
    ASSERT_EQ(cli_.Run({"checkpoint"}).exit_code, 0);
    server_ = ServerProcess::Start(Db());
    ASSERT_NE(server_, nullptr);
  }

  std::string Db() const { return cli_.dir() + "/fundlog-data"; }

  // The API's answer to `target` equals `fundlog ARGS` (as parsed JSON).
  void ExpectSame(const std::string& target,
                  const std::vector<std::string>& args) {
    SCOPED_TRACE(target);
    RunResult cli = cli_.Run(args);
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    HttpAnswer api = server_->Get(target);
    ASSERT_EQ(api.status, 200) << api.body;
    EXPECT_EQ(api.content_type, "application/json");
    std::string difference;
    MessageDifferencer differ;
    differ.ReportDifferencesToString(&difference);
    EXPECT_TRUE(differ.Compare(ParseJson(cli.out), ParseJson(api.body)))
        << difference << "\nCLI: " << cli.out.substr(0, 400)
        << "\nAPI: " << api.body.substr(0, 400);
  }

  CliHarness cli_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServeApiTest, BalancesEqualTheCli) {
  const std::string fund = "social-investeringsfond";
  for (const char* day : {"2011-11-02", "2011-12-31", "2014-12-31",
                          "2015-06-30", "2019-12-31", "2022-06-30"}) {
    for (const char* view : {"reported", "without-change", "restated"}) {
      ExpectSame(absl::StrCat("/api/v1/balance?as_of=", day, "&view=", view),
                 {"balance", "--as-of", day, "--view", view, "--json"});
    }
    ExpectSame(absl::StrCat("/api/v1/balance?as_of=", day,
                            "&known_at=2021-12-31&fund=", fund),
               {"balance", "--as-of", day, "--known-at", "2021-12-31", "--fund",
                fund, "--json"});
  }
  ExpectSame(
      "/api/v1/balance?as_of=2014-12-31&known_at=2011-11-03"
      "&view=without-change",
      {"balance", "--as-of", "2014-12-31", "--known-at", "2011-11-03", "--view",
       "without-change", "--json"});
}

// A server that keeps none of the known state decoded (each lookup reads
// and decodes its pages) answers known_at queries as the CLI does; a
// malformed cache size is refused before anything is served.
TEST_F(ServeApiTest, KnownAtAnswersEqualTheCliWithoutADecodedCache) {
  ASSERT_EQ(server_->Stop(), 0);
  server_ = ServerProcess::Start(Db(), {"--known-cache-mb", "0"});
  ASSERT_NE(server_, nullptr);
  for (const char* day : {"2011-12-31", "2014-12-31", "2015-06-30"}) {
    for (const char* known : {"2011-11-03", "2015-01-01", "2022-03-02"}) {
      ExpectSame(absl::StrCat("/api/v1/balance?as_of=", day,
                              "&known_at=", known, "&view=restated"),
                 {"balance", "--as-of", day, "--known-at", known, "--view",
                  "restated", "--json"});
    }
  }
  ExpectSame("/api/v1/totals?from=2015-03-01&to=2016-06-30&known_at=2021-12-31",
             {"totals", "--from", "2015-03-01", "--to", "2016-06-30",
              "--known-at", "2021-12-31", "--json"});
  for (const char* bad : {"-1", "many", "99999999"}) {
    RunResult refused = cli_.Run({"serve", "--known-cache-mb", bad});
    EXPECT_EQ(refused.exit_code, 2) << bad;
    EXPECT_NE(refused.err.find("--known-cache-mb"), std::string::npos)
        << refused.err;
  }
}

TEST_F(ServeApiTest, StatementsAndTotalsEqualTheCli) {
  for (const char* year : {"2011", "2015", "2021"}) {
    for (const char* view : {"reported", "without-change", "restated"}) {
      ExpectSame(absl::StrCat("/api/v1/statement?year=", year, "&view=", view),
                 {"statement", "--year", year, "--view", view, "--json"});
    }
  }
  ExpectSame(
      "/api/v1/statement?year=2015&known_at=2015-01-01"
      "&fund=social-investeringsfond",
      {"statement", "--year", "2015", "--known-at", "2015-01-01", "--fund",
       "social-investeringsfond", "--json"});
  ExpectSame("/api/v1/totals", {"totals", "--json"});
  ExpectSame("/api/v1/totals?from=2011-01-01&to=2017-12-31&view=restated",
             {"totals", "--from", "2011-01-01", "--to", "2017-12-31", "--view",
              "restated", "--json"});
  ExpectSame("/api/v1/totals?from=2015-03-01&to=2016-06-30&known_at=2021-12-31",
             {"totals", "--from", "2015-03-01", "--to", "2016-06-30",
              "--known-at", "2021-12-31", "--json"});
}

TEST_F(ServeApiTest, TimelinePagesEqualTheCli) {
  ExpectSame("/api/v1/timeline",
             {"timeline", "--json", "--offset", "0", "--limit", "10000"});
  ExpectSame("/api/v1/timeline?offset=3&limit=4",
             {"timeline", "--json", "--offset", "3", "--limit", "4"});
  ExpectSame("/api/v1/timeline?offset=100&limit=4",
             {"timeline", "--json", "--offset", "100", "--limit", "4"});
  ExpectSame(
      "/api/v1/timeline?fund=social-investeringsfond&from=2015-01-01"
      "&to=2016-12-31&known_at=2021-11-03&limit=5",
      {"timeline", "--fund", "social-investeringsfond", "--from", "2015-01-01",
       "--to", "2016-12-31", "--known-at", "2021-11-03", "--json", "--offset",
       "0", "--limit", "5"});
}

TEST_F(ServeApiTest, RecordsProofsAndVerifyEqualTheCli) {
  for (const char* seq : {"0", "6", "14"}) {
    ExpectSame(absl::StrCat("/api/v1/records/", seq), {"show", seq, "--json"});
    ExpectSame(absl::StrCat("/api/v1/proof/inclusion?seq=", seq),
               {"prove", seq, "--json"});
    ExpectSame(absl::StrCat("/api/v1/proof/inclusion?seq=", seq, "&size=15"),
               {"prove", seq, "--size", "15", "--json"});
  }
  ExpectSame("/api/v1/proof/consistency?from=3&to=12",
             {"consistency", "--from", "3", "--to", "12", "--json"});
  ExpectSame("/api/v1/proof/consistency?from=7",
             {"consistency", "--from", "7", "--json"});
  // The background verify: wait for its first run, then compare.
  std::string result;
  for (int i = 0; i < 300 && result.empty(); ++i) {
    HttpAnswer verify = server_->Get("/api/v1/verify");
    ASSERT_EQ(verify.status, 200);
    google::protobuf::Struct parsed = ParseJson(verify.body);
    if (parsed.fields().at("ran_at").has_string_value()) {
      std::string json;
      ASSERT_TRUE(google::protobuf::util::MessageToJsonString(
                      parsed.fields().at("result"), &json)
                      .ok());
      result = json;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  RunResult verify = cli_.Run({"verify", "--json"});
  ASSERT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_TRUE(
      MessageDifferencer::Equals(ParseJson(verify.out), ParseJson(result)))
      << result;
}

TEST_F(ServeApiTest, KeyAndCheckpointAreTheCliText) {
  HttpAnswer key = server_->Get("/api/v1/key");
  ASSERT_EQ(key.status, 200);
  EXPECT_EQ(key.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(key.body, cli_.Run({"key"}).out);
  // `fundlog checkpoint` at the same size signs the same note (Ed25519 is
  // deterministic); the server republishes the one the log signed.
  HttpAnswer note = server_->Get("/api/v1/checkpoint");
  ASSERT_EQ(note.status, 200) << note.body;
  EXPECT_EQ(note.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(note.body, cli_.Run({"checkpoint"}).out);
}

TEST_F(ServeApiTest, CheckpointIsTheLastSignedOneNotTheCurrentSize) {
  const std::string signed_note = cli_.Run({"checkpoint"}).out;
  ASSERT_EQ(cli_.Run({"correct", "5", "--reason", "later", "--reverse",
                      "--recorded-on", "2022-04-01"})
                .exit_code,
            0);
  // The server sees the new record, yet serves the checkpoint the log
  // signed, not one of a size nobody signed.
  for (int i = 0; i < 100; ++i) {
    if (server_->Get("/api/v1/records/15").status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(server_->Get("/api/v1/records/15").status, 200);
  EXPECT_EQ(server_->Get("/api/v1/checkpoint").body, signed_note);
  const std::string newer = cli_.Run({"checkpoint"}).out;
  ASSERT_NE(newer, signed_note);
  std::string served;
  for (int i = 0; i < 100 && served != newer; ++i) {
    served = server_->Get("/api/v1/checkpoint").body;
    if (served != newer) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_EQ(served, newer);
}

TEST_F(ServeApiTest, FundsAndConfigComeFromTheLog) {
  HttpAnswer funds = server_->Get("/api/v1/funds");
  ASSERT_EQ(funds.status, 200);
  EXPECT_THAT(funds.body, ::testing::HasSubstr(
                              R"("fund":"social-investeringsfond","name":)"));
  EXPECT_THAT(funds.body, ::testing::HasSubstr(R"("account":"bank")"));
  HttpAnswer config = server_->Get("/api/v1/config");
  ASSERT_EQ(config.status, 200);
  EXPECT_EQ(config.body,
            "{\"lang\":\"sv\",\"origin\":\"trelleborg.se/fundlog\"}\n");
}

// The OpenAPI document names every route of the contract
// (notes/api_contract: the routes the page is written against) and the
// page's, and every route it names answers.
TEST_F(ServeApiTest, OpenApiDescribesEveryRouteAndEachAnswers) {
  HttpAnswer answer = server_->Get("/api/v1/openapi.json");
  ASSERT_EQ(answer.status, 200);
  google::protobuf::Struct doc = ParseJson(answer.body);
  EXPECT_EQ(doc.fields().at("openapi").string_value(), "3.0.3");
  const auto& paths = doc.fields().at("paths").struct_value().fields();
  const std::vector<std::string> contract = {"/",
                                             "/assets/{name}",
                                             "/api/v1/timeline",
                                             "/api/v1/records/{seq}",
                                             "/api/v1/balance",
                                             "/api/v1/statement",
                                             "/api/v1/totals",
                                             "/api/v1/checkpoint",
                                             "/api/v1/proof/inclusion",
                                             "/api/v1/proof/consistency",
                                             "/api/v1/key",
                                             "/api/v1/verify",
                                             "/api/v1/funds",
                                             "/api/v1/config",
                                             "/api/v1/export",
                                             "/api/v1/openapi.json"};
  for (const std::string& path : contract) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
  EXPECT_EQ(paths.size(), contract.size()) << answer.body.substr(0, 2000);
  // Each documented route, with its required parameters filled in.
  const std::map<std::string, std::string> samples = {
      {"seq", "3"},     {"name", "index.html"}, {"as_of", "2014-12-31"},
      {"year", "2015"}, {"from", "2"},          {"format", "csv"}};
  for (const auto& [path, item] : paths) {
    SCOPED_TRACE(path);
    const auto& get = item.struct_value().fields().at("get").struct_value();
    std::string target = path;
    std::string query;
    for (const auto& param :
         get.fields().at("parameters").list_value().values()) {
      const auto& fields = param.struct_value().fields();
      const std::string name = fields.at("name").string_value();
      if (!fields.at("required").bool_value()) continue;
      ASSERT_TRUE(samples.contains(name)) << name;
      if (fields.at("in").string_value() == "path") {
        target.replace(target.find("{" + name + "}"), name.size() + 2,
                       samples.at(name));
      } else {
        absl::StrAppend(&query, query.empty() ? "?" : "&", name, "=",
                        samples.at(name));
      }
    }
    HttpAnswer routed = server_->Get(target + query);
    EXPECT_EQ(routed.status, 200) << target << query << ": " << routed.body;
  }
}

}  // namespace
}  // namespace fundlog::testing
