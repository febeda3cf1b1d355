// `fundlog serve --witness W --tiles DIR`: the C2SP tlog-witness
// add-checkpoint endpoint and the tlog-tiles paths over HTTP, driven as a
// log (or anyone) would: POST a checkpoint with its consistency proof, read
// the published checkpoint and tiles.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"
#include "tests/serve_harness.h"

namespace fundlog::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class ServeWitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.Run({"init", "--origin", "serve.test/log"}).exit_code, 0);
    key_ = Trim(cli_.Run({"key"}).out);
    Grow(5, 1, "a.textpb");
    RunResult init = cli_.Run(
        {"witness", "init", "--dir", "w", "--name", "revisor.example/w1"});
    ASSERT_EQ(init.exit_code, 0);
    witness_key_ = Trim(init.out);
    // The witness learns the log through the CLI: HTTP never introduces a
    // log key.
    ASSERT_EQ(cli_.Run({"checkpoint", "--out", "cp0"}).exit_code, 0);
    ASSERT_EQ(cli_.Run({"witness", "add-checkpoint", "--dir", "w", "--log-key",
                        key_, "--checkpoint", "cp0"})
                  .exit_code,
              0);
    ASSERT_EQ(cli_.Run({"publish", "--to", "pub"}).exit_code, 0);
    server_ = ServerProcess::Start(
        cli_.dir() + "/fundlog-data",
        {"--witness", cli_.dir() + "/w", "--tiles", cli_.dir() + "/pub"});
    ASSERT_NE(server_, nullptr);
  }

  static std::string Trim(const std::string& text) {
    return std::string(absl::StripTrailingAsciiWhitespace(text));
  }

  void Grow(int events, int seed, const std::string& name,
            const std::string& db = "") {
    std::string batch = seed == 1 ? R"pb(events {
                                           event_id: "est"
                                           fund_id: "f"
                                           effective { day: "2020-01-01" }
                                           recorded_on: "2020-01-01"
                                           source { title: "T" }
                                           fund_established { name: "F" }
                                         }
                            )pb"
                                  : "";
    for (int j = 0; j < events; ++j) {
      absl::StrAppend(&batch, "events { event_id: \"e", seed, "_", j,
                      "\" fund_id: \"f\" effective { day: \"2020-02-01\" } "
                      "recorded_on: \"2020-02-01\" source { title: \"D\" } "
                      "allocation { amount_ore: ",
                      seed * 100 + j + 1, " } }\n");
    }
    std::vector<std::string> args = {"import", cli_.WriteFile(name, batch)};
    if (!db.empty()) args.insert(args.begin(), {"--db", db});
    ASSERT_EQ(cli_.Run(args).exit_code, 0);
  }

  // The tlog-witness body: "old N", the proof lines, "", the checkpoint.
  std::string Body(uint64_t old_size, const std::string& note,
                   const std::string& db = "fundlog-data") {
    std::string body = absl::StrCat("old ", old_size, "\n");
    if (old_size > 0) {
      google::protobuf::Struct proof =
          ParseJson(cli_.Run({"--db", db, "consistency", "--from",
                              absl::StrCat(old_size), "--json"})
                        .out);
      for (const auto& hash :
           proof.fields().at("proof").list_value().values()) {
        absl::StrAppend(&body, hash.string_value(), "\n");
      }
    }
    return absl::StrCat(body, "\n", note);
  }

  CliHarness cli_;
  std::string key_;
  std::string witness_key_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServeWitnessTest, AddCheckpointCosignsOverHttpAndAnswers409WithItsSize) {
  const uint64_t old_size = 6;
  Grow(4, 2, "b.textpb");
  ASSERT_EQ(cli_.Run({"checkpoint", "--out", "cp1"}).exit_code, 0);
  HttpAnswer ok = server_->Request(
      "POST", "/add-checkpoint", Body(old_size, ReadAll(cli_.dir() + "/cp1")));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_THAT(ok.body, StartsWith("\xE2\x80\x94 revisor.example/w1 "));
  // The log appends the answer to its note: verify-proof accepts it.
  cli_.WriteFile("cp1.cosigned", ReadAll(cli_.dir() + "/cp1") + ok.body);
  cli_.WriteFile("p.json", cli_.Run({"prove", "7"}).out);
  RunResult verified =
      cli_.Run({"verify-proof", "--key", key_, "--checkpoint", "cp1.cosigned",
                "--witness", witness_key_, "p.json"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  // The same request again: the witness is at 10 now, not 6.
  HttpAnswer conflict = server_->Request(
      "POST", "/add-checkpoint", Body(old_size, ReadAll(cli_.dir() + "/cp1")));
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.content_type, "text/x.tlog.size");
  EXPECT_EQ(conflict.body, "10\n");
  EXPECT_EQ(server_->Request("POST", "/add-checkpoint", "old x\n\n").status,
            400);
  // The server's body limit (16 KiB) holds for this route too.
  EXPECT_EQ(server_
                ->Request("POST", "/add-checkpoint",
                          "old 0\n\n" + std::string(20 * 1024, 'a'))
                .status,
            413);
}

TEST_F(ServeWitnessTest, CheckpointCosignWithUrlGathersTheRemoteCosignature) {
  std::string url = server_->url();
  for (int round = 2; round <= 3; ++round) {
    Grow(3, round, absl::StrCat("r", round, ".textpb"));
    // The client learns the witness's size from a 409, then sends the proof.
    RunResult cp = cli_.Run({"checkpoint", "--cosign-with", url, "--out",
                             absl::StrCat("cpu", round)});
    ASSERT_EQ(cp.exit_code, 0) << cp.err;
    cli_.WriteFile("p.json", cli_.Run({"prove", "3"}).out);
    RunResult verified = cli_.Run({"verify-proof", "--key", key_,
                                   "--checkpoint", absl::StrCat("cpu", round),
                                   "--witness", witness_key_, "p.json"});
    EXPECT_EQ(verified.exit_code, 0) << verified.err;
  }
  // A copy of the log that went its own way is refused, nothing written.
  fs::copy(cli_.dir() + "/fundlog-data", cli_.dir() + "/fork",
           fs::copy_options::recursive);
  ASSERT_EQ(cli_.Run({"checkpoint", "--cosign-with", url}).exit_code, 0);
  Grow(1, 7, "m.textpb");
  Grow(1, 8, "n.textpb", cli_.dir() + "/fork");
  ASSERT_EQ(cli_.Run({"checkpoint", "--cosign-with", url}).exit_code, 0);
  RunResult fork = cli_.Run(
      {"--db", "fork", "checkpoint", "--cosign-with", url, "--out", "cpf"});
  EXPECT_EQ(fork.exit_code, 1);
  EXPECT_THAT(fork.err, HasSubstr("refused"));
  EXPECT_FALSE(fs::exists(cli_.dir() + "/cpf"));
  RunResult unreachable = cli_.Run(
      {"checkpoint", "--cosign-with", "http://127.0.0.1:1", "--out", "cpx"});
  EXPECT_EQ(unreachable.exit_code, 3);
  EXPECT_FALSE(fs::exists(cli_.dir() + "/cpx"));
}

TEST_F(ServeWitnessTest, ConcurrentRequestsFromOneSizeCosignExactlyOnce) {
  // tlog-witness: checking the old size and storing the new checkpoint are
  // one step, so of eight identical requests from size 6 one is cosigned
  // and the others learn that the witness is at 10 now.
  Grow(4, 2, "b.textpb");
  ASSERT_EQ(cli_.Run({"checkpoint", "--out", "cp10"}).exit_code, 0);
  const std::string body = Body(6, ReadAll(cli_.dir() + "/cp10"));
  std::vector<HttpAnswer> answers(8);
  std::vector<std::thread> threads;
  for (HttpAnswer& answer : answers) {
    threads.emplace_back([&answer, &body, this] {
      answer = server_->Request("POST", "/add-checkpoint", body);
    });
  }
  for (std::thread& thread : threads) thread.join();
  int cosigned = 0;
  for (const HttpAnswer& answer : answers) {
    if (answer.status == 200) {
      ++cosigned;
    } else {
      EXPECT_EQ(answer.status, 409) << answer.body;
      EXPECT_EQ(answer.body, "10\n");
    }
  }
  EXPECT_EQ(cosigned, 1);
  // A clean exit: under ThreadSanitizer a race in the server fails it.
  EXPECT_EQ(server_->Stop(), 0);
}

TEST_F(ServeWitnessTest, ForkedCheckpointIsRefusedOverHttpWithEvidence) {
  // The log and a copy of it (same origin and key) grow apart from size 6.
  fs::copy(cli_.dir() + "/fundlog-data", cli_.dir() + "/fork",
           fs::copy_options::recursive);
  Grow(2, 2, "b.textpb");
  Grow(2, 3, "x.textpb", cli_.dir() + "/fork");
  ASSERT_EQ(cli_.Run({"checkpoint", "--out", "cp8"}).exit_code, 0);
  ASSERT_EQ(server_
                ->Request("POST", "/add-checkpoint",
                          Body(6, ReadAll(cli_.dir() + "/cp8")))
                .status,
            200);
  // The copy's checkpoint of the same size: 409, the witness stays at 8.
  ASSERT_EQ(cli_.Run({"--db", "fork", "checkpoint", "--out", "cpf8"}).exit_code,
            0);
  HttpAnswer fork =
      server_->Request("POST", "/add-checkpoint",
                       Body(8, ReadAll(cli_.dir() + "/cpf8"), "fork"));
  EXPECT_EQ(fork.status, 409) << fork.body;
  EXPECT_EQ(fork.body, "8\n");
  // Grown further, with the copy's own proof from 8: the proof cannot lead
  // from the witnessed root, 422.
  Grow(2, 4, "y.textpb", cli_.dir() + "/fork");
  ASSERT_EQ(
      cli_.Run({"--db", "fork", "checkpoint", "--out", "cpf10"}).exit_code, 0);
  HttpAnswer bad_proof =
      server_->Request("POST", "/add-checkpoint",
                       Body(8, ReadAll(cli_.dir() + "/cpf10"), "fork"));
  EXPECT_EQ(bad_proof.status, 422) << bad_proof.body;
  std::vector<std::string> evidence;
  for (const auto& entry : fs::directory_iterator(cli_.dir() + "/w/evidence")) {
    evidence.push_back(entry.path().string());
  }
  ASSERT_EQ(evidence.size(), 2u);
  // The same-size fork's evidence proves the fork offline.
  std::sort(evidence.begin(), evidence.end());
  const std::string& same_size = evidence[0].find("-fork-") != std::string::npos
                                     ? evidence[0]
                                     : evidence[1];
  EXPECT_EQ(cli_.Run({"verify-fork", same_size, "--log-key", key_}).exit_code,
            0);
}

TEST_F(ServeWitnessTest, PublishedCheckpointAndTilesAreServedAndNothingElse) {
  HttpAnswer checkpoint = server_->Get("/checkpoint");
  EXPECT_EQ(checkpoint.status, 200);
  EXPECT_EQ(checkpoint.body, ReadAll(cli_.dir() + "/pub/checkpoint"));
  HttpAnswer tile = server_->Get("/tile/0/000.p/6");
  EXPECT_EQ(tile.status, 200);
  EXPECT_EQ(tile.content_type, "application/octet-stream");
  EXPECT_EQ(tile.body, ReadAll(cli_.dir() + "/pub/tile/0/000.p/6"));
  EXPECT_THAT(tile.headers.find("Cache-Control")->second,
              HasSubstr("immutable"));
  EXPECT_EQ(server_->Get("/tile/entries/000.p/6").body,
            ReadAll(cli_.dir() + "/pub/tile/entries/000.p/6"));
  for (const char* bad : {"/tile/0/000.p/7", "/tile/0/../../w/witness.key",
                          "/tile/x/000", "/tile/0/000.p/06"}) {
    EXPECT_EQ(server_->Get(bad).status, 404) << bad;
  }
}

TEST_F(ServeWitnessTest, WithoutTheFlagsThereIsNoWitnessAndNoTiles) {
  std::unique_ptr<ServerProcess> plain =
      ServerProcess::Start(cli_.dir() + "/fundlog-data");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->Request("POST", "/add-checkpoint", "old 0\n\n").status, 405);
  EXPECT_EQ(plain->Get("/tile/0/000.p/6").status, 404);
  RunResult no_witness =
      cli_.Run({"serve", "--listen", "127.0.0.1:0", "--witness", "nowhere"});
  EXPECT_EQ(no_witness.exit_code, 1);
  EXPECT_THAT(no_witness.err, HasSubstr("not a witness directory"));
}

}  // namespace
}  // namespace fundlog::testing
