// Our checkpoints and proofs, checked by Go's sumdb/note and sumdb/tlog via
// tests/go/verify_with_go.go. Skipped where Go is not installed.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/merkle/checkpoint.h"
#include "core/merkle/merkle.h"
#include "core/merkle/test_tree.h"
#include "gtest/gtest.h"

namespace fundlog::merkle {
namespace {

constexpr char kGoBinary[] = "/usr/bin/go";
constexpr uint64_t kTreeSize = 23;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[512];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) {
    result.output.append(buffer, n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

std::string JsonHashes(const std::vector<Hash>& hashes) {
  return absl::StrCat("[",
                      absl::StrJoin(hashes, ",",
                                    [](std::string* out, const Hash& h) {
                                      absl::StrAppend(out, "\"",
                                                      HashToBase64(h), "\"");
                                    }),
                      "]");
}

class GoInteropTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(kGoBinary)) return;
    std::string pattern = ::testing::TempDir() + "merkle_go_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return;
    dir_ = new std::filesystem::path(pattern);
    // GOPATH mode finds Debian's golang.org/x/mod offline; GOFLAGS is
    // cleared because module flags are errors in GOPATH mode.
    const std::string cache =
        std::getenv("GOCACHE") != nullptr || std::getenv("HOME") != nullptr
            ? ""
            : absl::StrCat("GOCACHE=", (*dir_ / "gocache").string(), " ");
    build_ = new CommandResult(RunCommand(absl::StrCat(
        "GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= ", cache, kGoBinary,
        " build -o ", (*dir_ / "verify_with_go").string(), " ",
        FUNDLOG_GO_VERIFIER_SOURCE)));
  }

  static void TearDownTestSuite() {
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
    delete dir_;
    delete build_;
    dir_ = nullptr;
    build_ = nullptr;
  }

  void SetUp() override {
    if (!std::filesystem::exists(kGoBinary)) {
      GTEST_SKIP() << kGoBinary << " not installed";
    }
    ASSERT_NE(dir_, nullptr) << "could not create a temporary directory";
    ASSERT_EQ(build_->exit_code, 0) << build_->output;
    for (uint64_t i = 0; i < kTreeSize; ++i) {
      records_.push_back(absl::StrCat("event ", i, " \x01\xff binary"));
      leaves_.push_back(LeafHash(records_.back()));
    }
    absl::StatusOr<std::vector<NodeWrite>> writes =
        NodesForAppend(0, leaves_, store_);
    ASSERT_TRUE(writes.ok() && store_.Apply(*writes).ok());
    absl::StatusOr<SigningKey> key = GenerateKey("fundlog.example/test");
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = *key;
  }

  // Signs a checkpoint for `size` with `key`; returns its file path.
  std::string WriteCheckpoint(uint64_t size, const SigningKey& key) {
    absl::StatusOr<Hash> root = RootAt(size, store_);
    EXPECT_TRUE(root.ok());
    absl::StatusOr<std::string> note = SignNote(
        CheckpointBody("fundlog.example/test", size, root.ok() ? *root : Hash{})
            .value_or(""),
        key);
    EXPECT_TRUE(note.ok()) << note.status();
    const std::filesystem::path path = *dir_ / "checkpoint";
    WriteFile(path, note.ok() ? *note : "");
    return path.string();
  }

  std::string InclusionJson(uint64_t index, std::vector<Hash> proof) {
    absl::StatusOr<Hash> root = RootAt(kTreeSize, store_);
    EXPECT_TRUE(root.ok());
    return absl::StrCat(
        "{\"leaf_index\": ", index, ", \"tree_size\": \"", kTreeSize,
        "\", \"root_hash\": \"", HashToBase64(root.ok() ? *root : Hash{}),
        "\", \"leaf_data\": \"", absl::Base64Escape(records_[index]),
        "\", \"proof\": ", JsonHashes(proof), "}");
  }

  std::string ConsistencyJson(uint64_t old_size, std::vector<Hash> proof) {
    absl::StatusOr<Hash> old_root = RootAt(old_size, store_);
    absl::StatusOr<Hash> new_root = RootAt(kTreeSize, store_);
    EXPECT_TRUE(old_root.ok() && new_root.ok());
    return absl::StrCat("{\"old_size\": ", old_size,
                        ", \"new_size\": ", kTreeSize, ", \"old_root\": \"",
                        HashToBase64(old_root.ok() ? *old_root : Hash{}),
                        "\", \"new_root\": \"",
                        HashToBase64(new_root.ok() ? *new_root : Hash{}),
                        "\", \"proof\": ", JsonHashes(proof), "}");
  }

  // Runs the Go verifier with our key, a checkpoint file and proof JSON.
  CommandResult Verify(const std::string& checkpoint_path,
                       const std::string& proof_json) {
    const std::filesystem::path proof_path = *dir_ / "proof.json";
    WriteFile(proof_path, proof_json);
    return RunCommand(absl::StrCat((*dir_ / "verify_with_go").string(), " '",
                                   EncodeVerifierKey(VerifierKeyOf(key_)), "' ",
                                   checkpoint_path, " ", proof_path.string()));
  }

  static std::filesystem::path* dir_;
  static CommandResult* build_;
  std::vector<std::string> records_;
  std::vector<Hash> leaves_;
  MemoryNodeStore store_;
  SigningKey key_;
};

std::filesystem::path* GoInteropTest::dir_ = nullptr;
CommandResult* GoInteropTest::build_ = nullptr;

TEST_F(GoInteropTest, GoAcceptsOurInclusionProofsUnderOurCheckpoint) {
  const std::string checkpoint = WriteCheckpoint(kTreeSize, key_);
  for (uint64_t index : {uint64_t{0}, uint64_t{9}, kTreeSize - 1}) {
    absl::StatusOr<std::vector<Hash>> proof =
        InclusionProof(index, kTreeSize, store_);
    ASSERT_TRUE(proof.ok());
    CommandResult result = Verify(checkpoint, InclusionJson(index, *proof));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(result.output, "ok\n");
  }
}

TEST_F(GoInteropTest, GoAcceptsOurConsistencyProofs) {
  const std::string checkpoint = WriteCheckpoint(kTreeSize, key_);
  for (uint64_t old_size :
       {uint64_t{1}, uint64_t{8}, uint64_t{10}, kTreeSize}) {
    absl::StatusOr<std::vector<Hash>> proof =
        ConsistencyProof(old_size, kTreeSize, store_);
    ASSERT_TRUE(proof.ok());
    CommandResult result =
        Verify(checkpoint, ConsistencyJson(old_size, *proof));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(result.output, "ok\n");
  }
}

TEST_F(GoInteropTest, GoRejectsTamperedProofs) {
  const std::string checkpoint = WriteCheckpoint(kTreeSize, key_);
  absl::StatusOr<std::vector<Hash>> inclusion =
      InclusionProof(9, kTreeSize, store_);
  absl::StatusOr<std::vector<Hash>> consistency =
      ConsistencyProof(10, kTreeSize, store_);
  ASSERT_TRUE(inclusion.ok() && consistency.ok());
  std::vector<Hash> bad_inclusion = *inclusion;
  bad_inclusion[1] = test_tree::FlipBit(bad_inclusion[1], 77);
  std::vector<Hash> bad_consistency = *consistency;
  bad_consistency.back() = test_tree::FlipBit(bad_consistency.back(), 0);
  // tlog's errProofFailed: the proof parsed but does not lead to the root.
  constexpr char kProofFailed[] = "invalid transparency proof";
  CommandResult result = Verify(checkpoint, InclusionJson(9, bad_inclusion));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find(kProofFailed), std::string::npos)
      << result.output;
  result = Verify(checkpoint, ConsistencyJson(10, bad_consistency));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find(kProofFailed), std::string::npos)
      << result.output;
  // Right proof, wrong leaf: leaf 9's path with leaf 8's data.
  std::string wrong_leaf = InclusionJson(9, *inclusion);
  records_[9] = records_[8];
  EXPECT_NE(InclusionJson(9, *inclusion), wrong_leaf);
  result = Verify(checkpoint, InclusionJson(9, *inclusion));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find(kProofFailed), std::string::npos)
      << result.output;
}

TEST_F(GoInteropTest, GoRejectsCheckpointSignedByAnotherKey) {
  absl::StatusOr<SigningKey> other = GenerateKey(key_.name);
  ASSERT_TRUE(other.ok());
  const std::string checkpoint = WriteCheckpoint(kTreeSize, *other);
  absl::StatusOr<std::vector<Hash>> proof =
      InclusionProof(3, kTreeSize, store_);
  ASSERT_TRUE(proof.ok());
  CommandResult result = Verify(checkpoint, InclusionJson(3, *proof));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("note"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace fundlog::merkle
