// End-to-end tests of tamper evidence as an auditor uses it: signed
// checkpoints, inclusion and consistency proofs checked offline with
// `verify-proof`, and the same files checked by Go's sumdb packages.
#include <filesystem>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;

class ProofCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult demo = cli_.Run({"demo"});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    RunResult key = cli_.Run({"key"});
    ASSERT_EQ(key.exit_code, 0) << key.err;
    key_ = std::string(absl::StripTrailingAsciiWhitespace(key.out));
    RunResult checkpoint = cli_.Run({"checkpoint", "--out", "cp14"});
    ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  }

  RunResult VerifyProof(const std::string& proof_file,
                        const std::string& checkpoint = "cp14") {
    return cli_.Run({"verify-proof", "--key", key_, "--checkpoint", checkpoint,
                     proof_file});
  }

  CliHarness cli_;
  std::string key_;
};

TEST_F(ProofCliTest, KeyIsInSignedNoteVerifierForm) {
  EXPECT_THAT(key_, ::testing::MatchesRegex(
                        "trelleborg/social-investeringsfond\\+[0-9a-f]{8}\\+"
                        "[A-Za-z0-9+/]+=*"));
}

TEST_F(ProofCliTest, EveryRecordsInclusionProofVerifiesOffline) {
  for (int seq = 0; seq < 14; ++seq) {
    RunResult proof = cli_.Run({"prove", absl::StrCat(seq), "--json"});
    ASSERT_EQ(proof.exit_code, 0) << proof.err;
    auto json = ParseJson(proof.out);
    EXPECT_EQ(json.fields().at("leaf_index").number_value(), seq);
    EXPECT_EQ(json.fields().at("tree_size").number_value(), 14);
    // leaf_data is the exact stored record, as `show` reads it.
    std::string leaf;
    ASSERT_TRUE(absl::Base64Unescape(
        json.fields().at("leaf_data").string_value(), &leaf));
    EXPECT_FALSE(leaf.empty());
    cli_.WriteFile("proof.json", proof.out);
    RunResult verified = VerifyProof("proof.json");
    EXPECT_EQ(verified.exit_code, 0) << seq << ": " << verified.err;
  }
}

TEST_F(ProofCliTest, TamperedProofLeafOrSizeIsRejected) {
  RunResult proof = cli_.Run({"prove", "6", "--json"});
  ASSERT_EQ(proof.exit_code, 0);
  auto json = ParseJson(proof.out);
  const std::string first_hash =
      json.fields().at("proof").list_value().values(0).string_value();
  std::string flipped = first_hash;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  cli_.WriteFile("bad_hash.json",
                 absl::StrReplaceAll(proof.out, {{first_hash, flipped}}));
  RunResult bad_hash = VerifyProof("bad_hash.json");
  EXPECT_EQ(bad_hash.exit_code, 1);
  EXPECT_THAT(bad_hash.err, HasSubstr("does not verify"));

  const std::string leaf = json.fields().at("leaf_data").string_value();
  std::string other_leaf = leaf;
  other_leaf[10] = other_leaf[10] == 'A' ? 'B' : 'A';
  cli_.WriteFile("bad_leaf.json",
                 absl::StrReplaceAll(proof.out, {{leaf, other_leaf}}));
  EXPECT_EQ(VerifyProof("bad_leaf.json").exit_code, 1);

  cli_.WriteFile("bad_index.json",
                 absl::StrReplaceAll(
                     proof.out, {{"\"leaf_index\":6", "\"leaf_index\":7"}}));
  EXPECT_EQ(VerifyProof("bad_index.json").exit_code, 1);

  cli_.WriteFile("garbage.json", "{\"leaf_index\": \"x\"}");
  RunResult garbage = VerifyProof("garbage.json");
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_THAT(garbage.err, HasSubstr("garbage.json: field \"leaf_index\""));
}

TEST_F(ProofCliTest, CheckpointSignedByAnotherKeyIsNotTrusted) {
  CliHarness other;
  ASSERT_EQ(other.Run({"demo"}).exit_code, 0);
  ASSERT_EQ(other.Run({"checkpoint", "--out", "cp"}).exit_code, 0);
  std::filesystem::copy_file(absl::StrCat(other.dir(), "/cp"),
                             absl::StrCat(cli_.dir(), "/cp_other"));
  RunResult proof = cli_.Run({"prove", "0"});
  cli_.WriteFile("p0.json", proof.out);
  RunResult result = VerifyProof("p0.json", "cp_other");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("cp_other"));
  // The same log's own verify refuses the foreign checkpoint too.
  EXPECT_EQ(cli_.Run({"verify", "--checkpoint", "cp_other"}).exit_code, 1);
}

TEST_F(ProofCliTest, OldCheckpointIsPrefixOfNewAfterMoreAppends) {
  std::string more = R"pb(events {
                            event_id: "later-use"
                            fund_id: "social-investeringsfond"
                            effective { day: "2022-01-10" }
                            recorded_on: "2022-01-10"
                            source { title: "SYNTHETIC test voucher" }
                            use { amount_ore: 100 }
                          })pb";
  ASSERT_EQ(cli_.Run({"import", cli_.WriteFile("more.textpb", more)}).exit_code,
            0);
  ASSERT_EQ(cli_.Run({"checkpoint", "--out", "cp15"}).exit_code, 0);
  RunResult proof = cli_.Run({"consistency", "--from", "14", "--json"});
  ASSERT_EQ(proof.exit_code, 0) << proof.err;
  cli_.WriteFile("c.json", proof.out);
  RunResult verified = cli_.Run({"verify-proof", "--key", key_, "--checkpoint",
                                 "cp15", "--old-checkpoint", "cp14", "c.json"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_EQ(cli_.Run({"verify", "--checkpoint", "cp14"}).exit_code, 0);
  // A proof from size 13 does not match the old checkpoint of size 14.
  cli_.WriteFile("c13.json", cli_.Run({"consistency", "--from", "13"}).out);
  EXPECT_EQ(cli_.Run({"verify-proof", "--key", key_, "--checkpoint", "cp15",
                      "--old-checkpoint", "cp14", "c13.json"})
                .exit_code,
            1);
}

TEST_F(ProofCliTest, GoSumdbPackagesAcceptOurCheckpointAndProofs) {
  if (!std::filesystem::exists("/usr/bin/go") ||
      !std::filesystem::exists(
          "/usr/share/gocode/src/golang.org/x/mod/sumdb")) {
    GTEST_SKIP() << "go or golang-golang-x-mod-dev is not installed";
  }
  const std::string program = absl::StrCat(cli_.dir(), "/verify_with_go");
  const std::string build = absl::StrCat(
      "cd ", cli_.dir(),
      " && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE=",
      cli_.dir(), "/gocache go build -o ", program, " ", FUNDLOG_SOURCE_DIR,
      "/tests/go/verify_with_go.go");
  ASSERT_EQ(std::system(build.c_str()), 0) << build;
  cli_.WriteFile("p3.json", cli_.Run({"prove", "3"}).out);
  cli_.WriteFile("c5.json", cli_.Run({"consistency", "--from", "5"}).out);
  auto go = [&](const std::string& proof) {
    std::string command =
        absl::StrCat("cd ", cli_.dir(), " && ", program, " '", key_, "' cp14 ",
                     proof, " >/dev/null 2>&1");
    return std::system(command.c_str());
  };
  EXPECT_EQ(go("p3.json"), 0);
  EXPECT_EQ(go("c5.json"), 0);
  RunResult proof = cli_.Run({"prove", "3"});
  auto json = ParseJson(proof.out);
  const std::string first =
      json.fields().at("proof").list_value().values(0).string_value();
  std::string flipped = first;
  flipped[1] = flipped[1] == 'A' ? 'B' : 'A';
  cli_.WriteFile("bad.json",
                 absl::StrReplaceAll(proof.out, {{first, flipped}}));
  EXPECT_NE(go("bad.json"), 0);
}

}  // namespace
}  // namespace fundlog::testing
