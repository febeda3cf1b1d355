// Witnessing end to end: a revisor's witness directory follows a growing log,
// catches a forked copy (same origin and signing key, another record) and a
// rolled-back copy, keeps evidence that `verify-fork` checks offline; the
// log gathers cosignatures and `verify-proof` demands them.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Trim(const std::string& text) {
  return std::string(absl::StripTrailingAsciiWhitespace(text));
}

class WitnessCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Db("a", {"init", "--origin", "example.org/fund"}).exit_code, 0);
    ASSERT_EQ(Db("a", {"import", cli_.WriteFile("est.textpb", R"pb(
                         events {
                           event_id: "est"
                           fund_id: "f"
                           effective { day: "2020-01-01" }
                           recorded_on: "2020-01-01"
                           source { title: "Test document" }
                           fund_established { name: "Test fund" }
                         })pb")})
                  .exit_code,
              0);
    log_key_ = Trim(Db("a", {"key"}).out);
    RunResult init = cli_.Run(
        {"witness", "init", "--dir", "w", "--name", "revisor.example/w1"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    witness_key_ = Trim(init.out);
  }

  RunResult Db(const std::string& db, std::vector<std::string> args) const {
    args.insert(args.begin(), {"--db", db});
    return cli_.Run(args);
  }

  // Appends `events` allocations whose ids and amounts depend on `seed`.
  void Grow(const std::string& db, int events, int seed) {
    std::string batch;
    for (int j = 0; j < events; ++j) {
      absl::StrAppend(&batch, "events { event_id: \"e", seed, "_", j,
                      "\" fund_id: \"f\" effective { day: \"2020-02-01\" } "
                      "recorded_on: \"2020-02-01\" source { title: \"Doc\" } "
                      "allocation { amount_ore: ",
                      100 * seed + j + 1, " } }\n");
    }
    const std::string file =
        cli_.WriteFile(absl::StrCat(db, "-", seed, ".textpb"), batch);
    RunResult import = Db(db, {"import", file});
    ASSERT_EQ(import.exit_code, 0) << import.err;
  }

  // Signs a checkpoint of `db` into `file`; returns its size.
  uint64_t Checkpoint(const std::string& db, const std::string& file) {
    RunResult cp = Db(db, {"checkpoint", "--out", file});
    EXPECT_EQ(cp.exit_code, 0) << cp.err;
    std::vector<std::string> lines = absl::StrSplit(ReadAll(Path(file)), '\n');
    return lines.size() > 1 ? std::stoull(lines[1]) : 0;
  }

  RunResult Witness(const std::string& checkpoint,
                    const std::string& proof = "",
                    const std::string& dir = "w") const {
    std::vector<std::string> args = {
        "witness",   "add-checkpoint", "--dir",        dir,
        "--log-key", log_key_,         "--checkpoint", checkpoint};
    if (!proof.empty()) args.insert(args.end(), {"--proof", proof});
    return cli_.Run(args);
  }

  std::string Path(const std::string& name) const {
    return (fs::path(cli_.dir()) / name).string();
  }

  std::vector<std::string> Evidence(const std::string& dir = "w") const {
    std::vector<std::string> files;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(
             fs::path(cli_.dir()) / dir / "evidence", error)) {
      files.push_back(entry.path().string());
    }
    return files;
  }

  CliHarness cli_;
  std::string log_key_;
  std::string witness_key_;
};

TEST_F(WitnessCliTest, InitMakesPrivateKeyAndPrintsType04VerifierKey) {
  struct stat info;
  ASSERT_EQ(::stat(Path("w/witness.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_THAT(witness_key_, ::testing::MatchesRegex(
                                "revisor\\.example/w1\\+[0-9a-f]{8}\\+B.*"));
  EXPECT_EQ(Trim(cli_.Run({"witness", "key", "--dir", "w"}).out), witness_key_);
  RunResult again = cli_.Run(
      {"witness", "init", "--dir", "w", "--name", "revisor.example/w1"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(Trim(cli_.Run({"witness", "key", "--dir", "w"}).out), witness_key_);
}

TEST_F(WitnessCliTest, WitnessFollowsAGrowingLogAcrossTenCheckpoints) {
  uint64_t previous = 0;
  for (int i = 1; i <= 10; ++i) {
    Grow("a", 3, i);
    const std::string cp = absl::StrCat("cp", i);
    const uint64_t size = Checkpoint("a", cp);
    ASSERT_GT(size, previous);
    std::string proof;
    if (i > 1) {
      proof = absl::StrCat("c", i, ".json");
      cli_.WriteFile(proof, Db("a", {"consistency", "--from",
                                     absl::StrCat(previous), "--json"})
                                .out);
    }
    RunResult cosigned = Witness(cp, proof);
    ASSERT_EQ(cosigned.exit_code, 0) << i << ": " << cosigned.err;
    EXPECT_THAT(cosigned.out, StartsWith("\xE2\x80\x94 revisor.example/w1 "));
    // The cosigned note passes verify-proof with the witness required.
    cli_.WriteFile(cp + ".cosigned", ReadAll(Path(cp)) + cosigned.out);
    cli_.WriteFile("p.json", Db("a", {"prove", "0"}).out);
    RunResult verified = cli_.Run(
        {"verify-proof", "--key", log_key_, "--checkpoint", cp + ".cosigned",
         "--witness", witness_key_, "--min-witnesses", "1", "p.json"});
    EXPECT_EQ(verified.exit_code, 0) << i << ": " << verified.err;
    EXPECT_THAT(verified.out, HasSubstr("cosigned by revisor.example/w1 at "));
    previous = size;
  }
  EXPECT_TRUE(Evidence().empty());
  // Without a proof, or with one from another size, a larger checkpoint is
  // a conflict: the witness says which size it is at; nothing is stored.
  Grow("a", 2, 11);
  Checkpoint("a", "cp11");
  RunResult no_proof = Witness("cp11");
  EXPECT_EQ(no_proof.exit_code, 1);
  EXPECT_THAT(no_proof.err,
              HasSubstr(absl::StrCat("last cosigned size ", previous)));
  cli_.WriteFile("c-wrong.json",
                 Db("a", {"consistency", "--from", "3", "--json"}).out);
  EXPECT_EQ(Witness("cp11", "c-wrong.json").exit_code, 1);
  EXPECT_TRUE(Evidence().empty());
}

TEST_F(WitnessCliTest, ForkedCopyOfTheSameSizeIsCaughtAndItsEvidenceVerifies) {
  Grow("a", 5, 1);
  const uint64_t base = Checkpoint("a", "cp-base");
  ASSERT_EQ(Witness("cp-base").exit_code, 0);
  // b: the same log (origin, signing key, history) copied, then one record
  // that differs from a's.
  fs::copy(Path("a"), Path("b"), fs::copy_options::recursive);
  Grow("a", 1, 100);
  Grow("b", 1, 200);
  const uint64_t size_a = Checkpoint("a", "cp-a");
  ASSERT_EQ(Checkpoint("b", "cp-b"), size_a);
  ASSERT_EQ(Trim(Db("b", {"key"}).out), log_key_);
  ASSERT_NE(ReadAll(Path("cp-a")), ReadAll(Path("cp-b")));
  cli_.WriteFile(
      "ca.json",
      Db("a", {"consistency", "--from", absl::StrCat(base), "--json"}).out);
  ASSERT_EQ(Witness("cp-a", "ca.json").exit_code, 0);
  const std::string state =
      ReadAll(Path("w/logs/example.org%2Ffund/checkpoint"));
  RunResult fork = Witness("cp-b");
  EXPECT_EQ(fork.exit_code, 1);
  EXPECT_THAT(fork.err, HasSubstr("fork refused"));
  EXPECT_EQ(fork.out, "");
  EXPECT_EQ(ReadAll(Path("w/logs/example.org%2Ffund/checkpoint")), state);
  std::vector<std::string> evidence = Evidence();
  ASSERT_EQ(evidence.size(), 1u);
  RunResult proven =
      cli_.Run({"verify-fork", evidence[0], "--log-key", log_key_});
  EXPECT_EQ(proven.exit_code, 0) << proven.err;
  EXPECT_THAT(proven.out, HasSubstr("fork proven"));
  // The same file under another log's key proves nothing.
  ASSERT_EQ(Db("other", {"init", "--origin", "example.org/fund"}).exit_code, 0);
  EXPECT_EQ(cli_.Run({"verify-fork", evidence[0], "--log-key",
                      Trim(Db("other", {"key"}).out)})
                .exit_code,
            1);
  // The witness still follows a.
  EXPECT_EQ(Witness("cp-a").exit_code, 0);
}

TEST_F(WitnessCliTest, ForkedCopyThatGrewFurtherIsProvenByItsOwnProof) {
  Grow("a", 4, 1);
  fs::copy(Path("a"), Path("b"), fs::copy_options::recursive);
  Grow("a", 2, 10);
  Grow("b", 2, 20);
  Grow("b", 3, 21);
  const uint64_t size_a = Checkpoint("a", "cp-a");
  ASSERT_EQ(Witness("cp-a").exit_code, 0);
  Checkpoint("b", "cp-b");
  cli_.WriteFile(
      "cb.json",
      Db("b", {"consistency", "--from", absl::StrCat(size_a), "--json"}).out);
  RunResult fork = Witness("cp-b", "cb.json");
  EXPECT_EQ(fork.exit_code, 1);
  EXPECT_THAT(fork.err, HasSubstr("fork refused"));
  std::vector<std::string> evidence = Evidence();
  ASSERT_EQ(evidence.size(), 1u);
  EXPECT_EQ(
      cli_.Run({"verify-fork", evidence[0], "--log-key", log_key_}).exit_code,
      0);
}

TEST_F(WitnessCliTest, RolledBackCopyIsCaughtButProvesNoForkAlone) {
  Grow("a", 5, 1);
  fs::copy(Path("a"), Path("b"), fs::copy_options::recursive);
  const uint64_t small = Checkpoint("b", "cp-b");
  Grow("a", 3, 2);
  ASSERT_GT(Checkpoint("a", "cp-a"), small);
  ASSERT_EQ(Witness("cp-a").exit_code, 0);
  RunResult rollback = Witness("cp-b");
  EXPECT_EQ(rollback.exit_code, 1);
  EXPECT_THAT(rollback.err, HasSubstr("rollback refused"));
  std::vector<std::string> evidence = Evidence();
  ASSERT_EQ(evidence.size(), 1u);
  RunResult verdict =
      cli_.Run({"verify-fork", evidence[0], "--log-key", log_key_});
  EXPECT_EQ(verdict.exit_code, 1);
  EXPECT_THAT(verdict.err, HasSubstr("proves no fork"));
}

TEST_F(WitnessCliTest, CheckpointGathersCosignaturesFromLocalWitnesses) {
  RunResult init2 = cli_.Run(
      {"witness", "init", "--dir", "w2", "--name", "revisor.example/w2"});
  ASSERT_EQ(init2.exit_code, 0);
  const std::string witness2 = Trim(init2.out);
  for (int round = 1; round <= 2; ++round) {
    Grow("a", 4, round);
    RunResult cp = Db("a", {"checkpoint", "--cosign-with", "w", "--cosign-with",
                            "w2", "--out", "cp"});
    ASSERT_EQ(cp.exit_code, 0) << cp.err;
    cli_.WriteFile("p.json", Db("a", {"prove", "1"}).out);
    RunResult both =
        cli_.Run({"verify-proof", "--key", log_key_, "--checkpoint", "cp",
                  "--witness", witness_key_, "--witness", witness2, "p.json"});
    EXPECT_EQ(both.exit_code, 0) << both.err;
  }
  // Body (3 lines), the blank line, the log's and two witnesses' lines.
  const std::string note = ReadAll(Path("cp"));
  EXPECT_EQ(std::count(note.begin(), note.end(), '\n'), 3 + 1 + 3);
  // The cosigned note is still this log's checkpoint for `verify`, and is
  // what `publish --checkpoint` puts up for everyone.
  RunResult verify = Db("a", {"verify", "--checkpoint", "cp"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  RunResult publish = Db("a", {"publish", "--to", "pub", "--checkpoint", "cp"});
  ASSERT_EQ(publish.exit_code, 0) << publish.err;
  EXPECT_EQ(ReadAll(Path("pub/checkpoint")), note);
}

TEST_F(WitnessCliTest, CheckpointIsNotWrittenWhenAWitnessRefuses) {
  Grow("a", 3, 1);
  fs::copy(Path("a"), Path("b"), fs::copy_options::recursive);
  Grow("a", 1, 2);
  Grow("b", 1, 3);
  ASSERT_EQ(
      Db("a", {"checkpoint", "--cosign-with", "w", "--out", "cp-a"}).exit_code,
      0);
  RunResult refused =
      Db("b", {"checkpoint", "--cosign-with", "w", "--out", "cp-b"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("witness w refused: fork refused"));
  EXPECT_FALSE(fs::exists(Path("cp-b")));
  EXPECT_EQ(Evidence().size(), 1u);
}

TEST_F(WitnessCliTest, CosignatureWithWrongTimestampOrKeyIsRefused) {
  Grow("a", 3, 1);
  Checkpoint("a", "cp");
  RunResult cosigned = Witness("cp");
  ASSERT_EQ(cosigned.exit_code, 0);
  cli_.WriteFile("good", ReadAll(Path("cp")) + cosigned.out);
  cli_.WriteFile("p.json", Db("a", {"prove", "2"}).out);
  auto verify = [&](const std::string& file, const std::string& key) {
    return cli_.Run({"verify-proof", "--key", log_key_, "--checkpoint", file,
                     "--witness", key, "--min-witnesses", "1", "p.json"});
  };
  ASSERT_EQ(verify("good", witness_key_).exit_code, 0);
  // Another second in the timestamp: the signature no longer covers it.
  std::vector<std::string> parts = absl::StrSplit(Trim(cosigned.out), ' ');
  std::string bytes;
  ASSERT_TRUE(absl::Base64Unescape(parts[2], &bytes));
  bytes[11] = static_cast<char>(bytes[11] ^ 1);
  cli_.WriteFile("bad-time", ReadAll(Path("cp")) + parts[0] + " " + parts[1] +
                                 " " + absl::Base64Escape(bytes) + "\n");
  RunResult bad_time = verify("bad-time", witness_key_);
  EXPECT_EQ(bad_time.exit_code, 1);
  EXPECT_THAT(bad_time.err, HasSubstr("does not verify"));
  // A cosignature without its 8-byte timestamp is not cosignature/v1.
  bytes[11] = static_cast<char>(bytes[11] ^ 1);
  bytes.erase(4, 8);
  cli_.WriteFile("no-time", ReadAll(Path("cp")) + parts[0] + " " + parts[1] +
                                " " + absl::Base64Escape(bytes) + "\n");
  EXPECT_EQ(verify("no-time", witness_key_).exit_code, 1);
  // Another witness's key: its cosignature is absent.
  RunResult other = cli_.Run(
      {"witness", "init", "--dir", "w2", "--name", "revisor.example/w1"});
  RunResult wrong_key = verify("good", Trim(other.out));
  EXPECT_EQ(wrong_key.exit_code, 1);
  EXPECT_THAT(wrong_key.err, HasSubstr("absent"));
  // The log's own key is no witness key, and the witness's no log key.
  EXPECT_EQ(verify("good", log_key_).exit_code, 1);
  RunResult as_log =
      cli_.Run({"witness", "add-checkpoint", "--dir", "w", "--log-key",
                witness_key_, "--checkpoint", "cp"});
  EXPECT_EQ(as_log.exit_code, 1);
  EXPECT_THAT(as_log.err, HasSubstr("witness"));
}

TEST_F(WitnessCliTest, GoNoteStillVerifiesTheLogSignatureOnACosignedNote) {
  if (!fs::exists("/usr/bin/go") ||
      !fs::exists("/usr/share/gocode/src/golang.org/x/mod/sumdb")) {
    GTEST_SKIP() << "go or golang-golang-x-mod-dev is not installed";
  }
  Grow("a", 6, 1);
  ASSERT_EQ(
      Db("a", {"checkpoint", "--cosign-with", "w", "--out", "cp"}).exit_code,
      0);
  ASSERT_THAT(ReadAll(Path("cp")), HasSubstr("revisor.example/w1"));
  const std::string program = Path("verify_with_go");
  const std::string build = absl::StrCat(
      "cd ", cli_.dir(),
      " && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE=",
      cli_.dir(), "/gocache go build -o ", program, " ", FUNDLOG_SOURCE_DIR,
      "/tests/go/verify_with_go.go");
  ASSERT_EQ(std::system(build.c_str()), 0) << build;
  cli_.WriteFile("p.json", Db("a", {"prove", "4"}).out);
  const std::string run = absl::StrCat("cd ", cli_.dir(), " && ", program, " '",
                                       log_key_, "' cp p.json");
  EXPECT_EQ(std::system(run.c_str()), 0) << run;
}

TEST_F(WitnessCliTest, GoStandardCryptoVerifiesTheCosignatureAsTheSpecSays) {
  if (!fs::exists("/usr/bin/go")) GTEST_SKIP() << "go is not installed";
  Grow("a", 2, 1);
  ASSERT_EQ(
      Db("a", {"checkpoint", "--cosign-with", "w", "--out", "cp"}).exit_code,
      0);
  // A checker written from the C2SP text with Go's crypto/ed25519 only.
  const std::string program = Path("verify_cosignature_with_go");
  const std::string build = absl::StrCat(
      "cd ", cli_.dir(), " && GO111MODULE=off GOFLAGS= GOCACHE=", cli_.dir(),
      "/gocache go build -o ", program, " ", FUNDLOG_SOURCE_DIR,
      "/tests/go/verify_cosignature_with_go.go");
  ASSERT_EQ(std::system(build.c_str()), 0) << build;
  auto go = [&](const std::string& note) {
    return std::system(absl::StrCat("cd ", cli_.dir(), " && ", program, " '",
                                    witness_key_, "' ", note, " > go.out")
                           .c_str());
  };
  EXPECT_EQ(go("cp"), 0) << ReadAll(Path("go.out"));
  EXPECT_THAT(ReadAll(Path("go.out")), StartsWith("ok 1"));
  // The body changed under the cosignature: Go refuses it too.
  std::string note = ReadAll(Path("cp"));
  note.replace(note.find("example.org/fund"), 16, "example.org/fuNd");
  cli_.WriteFile("altered", note);
  EXPECT_NE(go("altered"), 0);
  EXPECT_THAT(ReadAll(Path("go.out")), HasSubstr("does not verify"));
}

}  // namespace
}  // namespace fundlog::testing
