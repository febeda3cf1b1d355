// The server's background `verify`, run in a child process: what a real
// damage makes `verify` find reaches /api/v1/verify as the CLI prints it; a
// verify process that cannot start, dies by a signal or reports a storage
// error is a failed run with a message, and the server goes on answering;
// stopping the server kills a verify still running (and what it started).
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/merkle/merkle.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/raw_log.h"
#include "tests/serve_harness.h"
#include "tests/verify_damage_fixture.h"

namespace fundlog::testing {
namespace {
using ::google::protobuf::util::MessageDifferencer;
using ::testing::Contains;
using ::testing::HasSubstr;

class ServeVerifyTest : public VerifyDamageTest {
 protected:
  // /api/v1/verify once a run has ended (ran_at set), parsed; waits at most
  // 60 s, then fails the test.
  google::protobuf::Struct LastRun(const ServerProcess& server) {
    for (int i = 0; i < 600; ++i) {
      HttpAnswer verify = server.Get("/api/v1/verify");
      EXPECT_EQ(verify.status, 200);
      if (verify.status != 200) break;
      google::protobuf::Struct parsed = ParseJson(verify.body);
      if (parsed.fields().at("ran_at").has_string_value()) return parsed;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "no verify run ended";
    return {};
  }

  // A shell script in the test's directory, executable.
  std::string Script(const std::string& name, const std::string& body) {
    const std::string path = cli_.WriteFile(name, "#!/bin/sh\n" + body);
    EXPECT_EQ(chmod(path.c_str(), 0755), 0);
    return path;
  }

  // The server still answers from the log after a failed verify run.
  void ExpectStillAnswers(ServerProcess& server) {
    EXPECT_TRUE(server.Running());
    HttpAnswer record = server.Get("/api/v1/records/0");
    EXPECT_EQ(record.status, 200) << record.body;
    HttpAnswer balance = server.Get(absl::StrCat(
        "/api/v1/balance?as_of=2014-12-31&fund=", kFund, "&view=reported"));
    EXPECT_EQ(balance.status, 200) << balance.body;
    RunResult cli = cli_.Run({"balance", "--as-of", "2014-12-31", "--fund",
                              kFund, "--view", "reported", "--json"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_TRUE(
        MessageDifferencer::Equals(ParseJson(cli.out), ParseJson(balance.body)))
        << balance.body;
  }

  // Asserts a failed run: result null, error holding `text`.
  void ExpectFailedRun(const google::protobuf::Struct& run,
                       const std::string& text) {
    ASSERT_TRUE(run.fields().contains("result"));
    EXPECT_TRUE(run.fields().at("result").has_null_value());
    ASSERT_TRUE(run.fields().contains("error"));
    EXPECT_THAT(run.fields().at("error").string_value(), HasSubstr(text));
  }
};

// A flipped bit in a stored tree node: the server's verify names it as the
// CLI does, exit 1 giving the document with its findings.
TEST_F(ServeVerifyTest, DamagedTreeNodeIsReportedByTheServersVerify) {
  {
    RawLog raw(LogPath());
    std::string leaf = raw.Get("tree", merkle::NodeKey(0, 3));
    ASSERT_EQ(leaf.size(), merkle::kHashBytes);
    leaf[7] = static_cast<char>(leaf[7] ^ 0x01);
    raw.Put("tree", merkle::NodeKey(0, 3), leaf);
  }
  std::unique_ptr<ServerProcess> server = ServerProcess::Start(LogPath());
  ASSERT_NE(server, nullptr);
  const google::protobuf::Struct run = LastRun(*server);
  ASSERT_TRUE(run.fields().contains("result"));
  EXPECT_FALSE(run.fields().contains("error"));
  std::string result;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(
                  run.fields().at("result"), &result)
                  .ok());
  RunResult cli = cli_.Run({"verify", "--json"});
  EXPECT_EQ(cli.exit_code, 1) << cli.err;
  EXPECT_TRUE(MessageDifferencer::Equals(ParseJson(cli.out), ParseJson(result)))
      << result;
  RunResult served;
  served.out = result;
  Verdict verdict = ParseVerdict(served);
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(3, "data_loss",
                                    "the stored Merkle tree node of record 3 "
                                    "(level 0) disagrees with the record")));
  EXPECT_FALSE(
      run.fields().at("result").struct_value().fields().at("ok").bool_value());
}

// A verify binary that cannot be executed (no execute permission).
TEST_F(ServeVerifyTest, VerifyThatCannotStartIsAFailedRunAndServingGoesOn) {
  const std::string binary = cli_.WriteFile("not-executable", "#!/bin/sh\n");
  std::unique_ptr<ServerProcess> server =
      ServerProcess::Start(LogPath(), {"--verify-binary", binary});
  ASSERT_NE(server, nullptr);
  ExpectFailedRun(LastRun(*server),
                  absl::StrCat("cannot start ", binary, ": Permission denied"));
  ExpectStillAnswers(*server);
  EXPECT_EQ(server->Stop(), 0);
}

TEST_F(ServeVerifyTest, VerifyKilledByASignalIsAFailedRunAndServingGoesOn) {
  const std::string binary =
      Script("killed", "echo 'partial {' ; kill -KILL $$\n");
  std::unique_ptr<ServerProcess> server =
      ServerProcess::Start(LogPath(), {"--verify-binary", binary});
  ASSERT_NE(server, nullptr);
  ExpectFailedRun(LastRun(*server), "verify was killed by signal 9 (KILL)");
  ExpectStillAnswers(*server);
  EXPECT_EQ(server->Stop(), 0);
}

// Exit 3 is the CLI's storage error: its stderr is the message.
TEST_F(ServeVerifyTest, VerifyStorageErrorIsAFailedRunWithItsMessage) {
  const std::string binary = Script(
      "storage", "echo 'fundlog verify: the disk said no' >&2; exit 3\n");
  std::unique_ptr<ServerProcess> server =
      ServerProcess::Start(LogPath(), {"--verify-binary", binary});
  ASSERT_NE(server, nullptr);
  const google::protobuf::Struct run = LastRun(*server);
  ExpectFailedRun(run, "fundlog verify: the disk said no");
  EXPECT_EQ(run.fields().at("error").string_value(),
            "fundlog verify: the disk said no");
  ExpectStillAnswers(*server);
}

// Exit 0 without a document is not a clean run.
TEST_F(ServeVerifyTest, VerifyExitingZeroWithoutJsonIsAFailedRun) {
  const std::string binary = Script("silent", "echo ok; exit 0\n");
  std::unique_ptr<ServerProcess> server =
      ServerProcess::Start(LogPath(), {"--verify-binary", binary});
  ASSERT_NE(server, nullptr);
  ExpectFailedRun(LastRun(*server),
                  "verify exited 0 without a JSON document on stdout");
  ExpectStillAnswers(*server);
}

// Whether process `pid` is gone (or a zombie nobody has reaped yet).
bool Gone(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat;
  if (!std::getline(in, stat)) return true;
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() &&
         stat[paren + 2] == 'Z';
}

// SIGTERM while verify runs: the server kills the verify process and the
// one it started (its process group), reaps it, and exits 0 without waiting
// for them.
TEST_F(ServeVerifyTest, StoppingTheServerKillsARunningVerify) {
  const std::string pid_file = cli_.dir() + "/sleep.pid";
  const std::string binary = Script(
      "slow", absl::StrCat("sleep 300 &\necho $! > ", pid_file, "\nwait\n"));
  std::unique_ptr<ServerProcess> server =
      ServerProcess::Start(LogPath(), {"--verify-binary", binary});
  ASSERT_NE(server, nullptr);
  pid_t sleeper = 0;
  for (int i = 0; i < 300 && sleeper == 0; ++i) {
    std::ifstream in(pid_file);
    std::string text;
    if (!std::getline(in, text) || !absl::SimpleAtoi(text, &sleeper)) {
      sleeper = 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_GT(sleeper, 0) << "the verify script did not start";
  ExpectStillAnswers(*server);  // serving while verify runs
  EXPECT_TRUE(server->Get("/api/v1/verify").body.find("\"ran_at\":null") !=
              std::string::npos);
  EXPECT_EQ(server->Stop(), 0);  // -1: it had to be killed after 30 s
  for (int i = 0; i < 100 && !Gone(sleeper); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(Gone(sleeper))
      << "the verify's own child " << sleeper << " outlived the server";
}

}  // namespace
}  // namespace fundlog::testing
