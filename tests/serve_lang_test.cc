// GET /api/v1/timeline?lang=sv: the summaries in Swedish, equal to
// `fundlog timeline --json --lang sv` for the same page; an unknown
// language is refused naming the parameter.
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"
#include "tests/serve_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;

TEST(ServeLangTest, SwedishTimelineEqualsTheCli) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"demo"}).exit_code, 0);
  std::unique_ptr<ServerProcess> server =
      ServerProcess::Start(cli.dir() + "/fundlog-data");
  ASSERT_NE(server, nullptr);
  RunResult sv = cli.Run({"timeline", "--json", "--lang", "sv", "--offset", "0",
                          "--limit", "10000"});
  ASSERT_EQ(sv.exit_code, 0) << sv.err;
  EXPECT_THAT(sv.out, HasSubstr("Avsättning 10 000 000,00 kr"));
  HttpAnswer api = server->Get("/api/v1/timeline?lang=sv");
  ASSERT_EQ(api.status, 200) << api.body;
  EXPECT_THAT(api.body, HasSubstr("Avsättning 10 000 000,00 kr"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      ParseJson(sv.out), ParseJson(api.body)));
  // Without lang: English, as before.
  HttpAnswer en = server->Get("/api/v1/timeline");
  ASSERT_EQ(en.status, 200);
  EXPECT_THAT(en.body, HasSubstr("Set aside 10 000 000.00 kr"));
  HttpAnswer bad = server->Get("/api/v1/timeline?lang=de");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("\"parameter\":\"lang\""));
}

}  // namespace
}  // namespace fundlog::testing
