// Many clients at once while another process appends: every answer is a
// whole one (200, parsable, of some prefix of the log), and the server
// ends at the writer's size. Labelled "threads": runs under TSan too.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"
#include "tests/serve_harness.h"

namespace fundlog::testing {
namespace {

TEST(ServeThreadsTest, ConcurrentClientsWhileAnotherProcessAppends) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "threads.test/log"}).exit_code, 0);
  ASSERT_EQ(cli.Run({"import", TrelleborgDataPath()}).exit_code, 0);
  std::unique_ptr<ServerProcess> server =
      ServerProcess::Start(cli.dir() + "/fundlog-data");
  ASSERT_NE(server, nullptr);

  constexpr int kClients = 8;
  constexpr int kAppends = 10;
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::atomic<int> answers{0};
  std::atomic<int> busy{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      const std::string targets[] = {
          "/api/v1/balance?as_of=2014-12-31&view=without-change",
          "/api/v1/timeline?limit=3",
          "/api/v1/statement?year=2015",
          "/api/v1/totals?known_at=2021-12-31",
          "/api/v1/records/2",
          "/api/v1/proof/inclusion?seq=1",
          "/api/v1/funds"};
      for (int i = 0; writing.load() || i < 20; ++i) {
        const std::string& target = targets[(c + i) % std::size(targets)];
        HttpAnswer answer = server->Get(target);
        // Timelines beyond two at once are refused with 429 (a limit).
        const bool timeline = target.find("timeline") != std::string::npos;
        if (timeline && answer.status == 429) {
          ++busy;
        } else if (answer.status != 200 || answer.body.empty() ||
                   answer.body.back() != '\n') {
          ++failures;
        }
        ++answers;
      }
    });
  }
  for (int i = 0; i < kAppends; ++i) {
    RunResult appended = cli.Run(
        {"append", "--file",
         cli.WriteFile(
             absl::StrCat("a", i, ".textpb"),
             absl::StrCat("events { event_id: \"t", i,
                          "\" fund_id: \"social-investeringsfond\" "
                          "effective { day: \"2013-02-01\" } recorded_on: "
                          "\"2013-02-01\" source { title: \"Doc\" } "
                          "allocation { amount_ore: 100 } }"))});
    EXPECT_EQ(appended.exit_code, 0) << appended.err;
  }
  const uint64_t last = 14 + kAppends - 1;
  HttpAnswer record;
  for (int i = 0; i < 600 && record.status != 200; ++i) {
    record = server->Get(absl::StrCat("/api/v1/records/", last));
    if (record.status != 200) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  writing = false;
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(record.status, 200);
  EXPECT_EQ(failures.load(), 0) << "of " << answers.load();
  EXPECT_LT(busy.load(), answers.load() / 7) << "every timeline refused";
  EXPECT_EQ(server->Stop(), 0);
}

}  // namespace
}  // namespace fundlog::testing
