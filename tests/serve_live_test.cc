// `fundlog serve` beside writers: appends, imports and corrections in other
// processes go on while it serves, and it shows their records within a
// second; it stops cleanly on SIGTERM.
#include <chrono>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"
#include "tests/serve_harness.h"

namespace fundlog::testing {
namespace {

// The catch-up deadline: one second as promised; sanitizer builds run
// several times slower on a shared machine, so they get more.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr auto kVisibleWithin = std::chrono::seconds(10);
#else
constexpr auto kVisibleWithin = std::chrono::seconds(1);
#endif

std::string Allocation(int i) {
  return absl::StrCat(
      "events { event_id: \"live-", i,
      "\" fund_id: \"social-investeringsfond\" effective { day: "
      "\"2013-02-01\" } recorded_on: \"2013-02-01\" source { title: "
      "\"Doc\" } allocation { amount_ore: 100 } }");
}

class ServeLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.Run({"init", "--origin", "live.test/log"}).exit_code, 0);
    ASSERT_EQ(cli_.Run({"import", TrelleborgDataPath()}).exit_code, 0);
    server_ = ServerProcess::Start(cli_.dir() + "/fundlog-data");
    ASSERT_NE(server_, nullptr);
  }

  CliHarness cli_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServeLiveTest, AppendedRecordIsServedWithinASecond) {
  ASSERT_EQ(server_->Get("/api/v1/records/14").status, 404);
  RunResult appended =
      cli_.Run({"append", "--file", cli_.WriteFile("a.textpb", Allocation(0))});
  ASSERT_EQ(appended.exit_code, 0) << appended.err;
  const auto written = std::chrono::steady_clock::now();
  HttpAnswer record;
  while (std::chrono::steady_clock::now() - written < kVisibleWithin) {
    record = server_->Get("/api/v1/records/14");
    if (record.status == 200) break;
  }
  ASSERT_EQ(record.status, 200) << "not served within the deadline";
  EXPECT_THAT(record.body, ::testing::HasSubstr("live-0"));
  // The warm ledger has it too: the 2013 balance moved by 1.00 kr.
  HttpAnswer timeline = server_->Get(
      "/api/v1/timeline?from=2013-02-01"
      "&to=2013-02-01");
  EXPECT_THAT(timeline.body, ::testing::HasSubstr("live-0"));
  RunResult cli = cli_.Run({"balance", "--as-of", "2013-12-31", "--json"});
  HttpAnswer balance = server_->Get("/api/v1/balance?as_of=2013-12-31");
  EXPECT_EQ(ParseJson(balance.body).DebugString(),
            ParseJson(cli.out).DebugString());
}

TEST_F(ServeLiveTest, WritersKeepWorkingWhileItServes) {
  for (int i = 0; i < 5; ++i) {
    RunResult appended = cli_.Run(
        {"append", "--file",
         cli_.WriteFile(absl::StrCat("a", i, ".textpb"), Allocation(i))});
    EXPECT_EQ(appended.exit_code, 0) << appended.err;
    EXPECT_EQ(server_->Get("/api/v1/key").status, 200);
  }
  RunResult imported =
      cli_.Run({"import", cli_.WriteFile("batch.textpb", Allocation(100))});
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  RunResult corrected = cli_.Run({"correct", "14", "--reason", "typo",
                                  "--reverse", "--recorded-on", "2013-03-01"});
  EXPECT_EQ(corrected.exit_code, 0) << corrected.err;
  RunResult checkpoint = cli_.Run({"checkpoint"});
  EXPECT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  RunResult synth = cli_.Run({"synth", "--events", "300", "--funds", "1"});
  EXPECT_EQ(synth.exit_code, 0) << synth.err;
  const std::string verified = cli_.Run({"verify", "--json"}).out;
  // Everything written shows, and the background verify catches up too.
  const auto written = std::chrono::steady_clock::now();
  std::string served;
  while (std::chrono::steady_clock::now() - written < 10 * kVisibleWithin) {
    HttpAnswer verify = server_->Get("/api/v1/verify");
    google::protobuf::Struct parsed = ParseJson(verify.body);
    if (parsed.fields().at("result").has_struct_value()) {
      served = parsed.fields().at("result").DebugString();
      if (served == ParseJson(verified).DebugString()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  google::protobuf::Value expected;
  *expected.mutable_struct_value() = ParseJson(verified);
  EXPECT_EQ(served, expected.DebugString());
  EXPECT_THAT(verified, ::testing::HasSubstr("\"ok\":true"));
}

TEST_F(ServeLiveTest, SigtermStopsItCleanly) {
  EXPECT_EQ(server_->Get("/api/v1/key").status, 200);
  EXPECT_EQ(server_->Stop(), 0);
  EXPECT_EQ(server_->Get("/api/v1/key").status, 0);  // nobody listens
  // The log is untouched and writable.
  RunResult appended =
      cli_.Run({"append", "--file", cli_.WriteFile("a.textpb", Allocation(9))});
  EXPECT_EQ(appended.exit_code, 0) << appended.err;
}

}  // namespace
}  // namespace fundlog::testing
