// The witness's decisions (core/audit/witness.h) with the tlog-witness HTTP
// status each maps to, on in-memory trees: what `serve --witness` and the
// CLI both rely on. Also the add-checkpoint body parser.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/audit/fork_evidence.h"
#include "core/audit/tiles.h"
#include "core/audit/witness.h"
#include "core/audit/witness_http.h"
#include "core/audit/witness_state.h"
#include "core/io/batch_file.h"
#include "core/merkle/checkpoint.h"
#include "core/merkle/cosignature.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fundlog {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr uint64_t kNow = 1764556800;
constexpr char kOrigin[] = "example.org/log";

// A log in memory: records "r0", "r1", ... (or with a fork marker).
class Tree {
 public:
  explicit Tree(uint64_t size, const std::string& tag = "") {
    for (uint64_t i = 0; i < size; ++i) Add(absl::StrCat("r", i, tag));
  }
  void Add(const std::string& record) {
    const merkle::Hash leaf = merkle::LeafHash(record);
    auto writes = merkle::NodesForAppend(size_, {leaf}, store_);
    EXPECT_TRUE(writes.ok() && store_.Apply(*writes).ok());
    ++size_;
  }
  uint64_t size() const { return size_; }
  merkle::Hash Root(uint64_t size) const {
    return merkle::RootAt(size, store_).value();
  }
  std::vector<merkle::Hash> Proof(uint64_t from) const {
    return merkle::ConsistencyProof(from, size_, store_).value();
  }
  std::string Note(const merkle::SigningKey& key) const {
    return merkle::SignNote(
               merkle::CheckpointBody(kOrigin, size_, Root(size_)).value(), key)
        .value();
  }

 private:
  merkle::MemoryNodeStore store_;
  uint64_t size_ = 0;
};

class WitnessCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "witness_core_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    witness_vkey_ = InitWitness(dir_, "revisor.example/w1").value();
    log_key_ = merkle::GenerateKey(kOrigin).value();
    log_vkey_ = merkle::EncodeVerifierKey(merkle::VerifierKeyOf(log_key_));
  }
  void TearDown() override { fs::remove_all(dir_); }

  WitnessResult Add(const std::string& note, std::optional<uint64_t> old_size,
                    std::vector<merkle::Hash> proof = {},
                    std::optional<std::string> key = std::nullopt) {
    WitnessRequest request{note, old_size, std::move(proof), std::nullopt};
    return AddCheckpoint(dir_, key ? key : log_vkey_, request, kNow).value();
  }

  std::string dir_;
  std::string witness_vkey_;
  merkle::SigningKey log_key_;
  std::string log_vkey_;
};

TEST_F(WitnessCoreTest, CosignsAndTheLineVerifiesWithTheWitnessKey) {
  Tree tree(5);
  const std::string note = tree.Note(log_key_);
  WitnessResult result = Add(note, 0);
  ASSERT_EQ(result.outcome, WitnessOutcome::kCosigned) << result.message;
  EXPECT_EQ(HttpStatusOf(result.outcome), 200);
  const merkle::VerifierKey witness =
      merkle::ParseCosignerVerifierKey(witness_vkey_).value();
  EXPECT_EQ(merkle::VerifyCosignature(note + result.cosignature, witness, kNow)
                .value(),
            kNow);
}

TEST_F(WitnessCoreTest, OldSizeOtherThanTheWitnessesIsConflict409WithItsSize) {
  Tree tree(5);
  ASSERT_EQ(Add(tree.Note(log_key_), 0).outcome, WitnessOutcome::kCosigned);
  tree.Add("r5");
  WitnessResult result = Add(tree.Note(log_key_), 3, tree.Proof(3));
  EXPECT_EQ(result.outcome, WitnessOutcome::kConflict);
  EXPECT_EQ(HttpStatusOf(result.outcome), 409);
  EXPECT_EQ(result.witness_size, 5u);
  // The right old size with its proof is cosigned.
  EXPECT_EQ(Add(tree.Note(log_key_), 5, tree.Proof(5)).outcome,
            WitnessOutcome::kCosigned);
}

TEST_F(WitnessCoreTest, BadProofIs422AndKeptAsUnprovenEvidence) {
  Tree tree(5);
  ASSERT_EQ(Add(tree.Note(log_key_), 0).outcome, WitnessOutcome::kCosigned);
  tree.Add("r5");
  tree.Add("r6");
  std::vector<merkle::Hash> proof = tree.Proof(5);
  proof[0][0] ^= 1;
  WitnessResult result = Add(tree.Note(log_key_), 5, proof);
  EXPECT_EQ(result.outcome, WitnessOutcome::kBadProof);
  EXPECT_EQ(HttpStatusOf(result.outcome), 422);
  ASSERT_FALSE(result.evidence_path.empty());
  absl::StatusOr<std::string> text =
      ReadFileBytes(result.evidence_path, 1 << 20);
  ASSERT_TRUE(text.ok());
  ForkEvidence evidence = ParseEvidenceJson("e", *text).value();
  EXPECT_EQ(evidence.kind, "failed-proof");
  ForkVerdict verdict =
      CheckForkEvidence(evidence, merkle::VerifierKeyOf(log_key_)).value();
  EXPECT_FALSE(verdict.proven);
  EXPECT_THAT(verdict.why, HasSubstr("proves nothing"));
}

TEST_F(WitnessCoreTest, UnknownKeyOrSignatureIs403AndUnknownOriginIs404) {
  Tree tree(3);
  const merkle::SigningKey impostor = merkle::GenerateKey(kOrigin).value();
  WitnessResult forged = Add(tree.Note(impostor), 0);
  EXPECT_EQ(forged.outcome, WitnessOutcome::kBadSignature);
  EXPECT_EQ(HttpStatusOf(forged.outcome), 403);
  WitnessRequest request{tree.Note(log_key_), 0, {}, std::nullopt};
  WitnessResult unknown =
      AddCheckpoint(dir_, std::nullopt, request, kNow).value();
  EXPECT_EQ(unknown.outcome, WitnessOutcome::kUnknownLog);
  EXPECT_EQ(HttpStatusOf(unknown.outcome), 404);
  // Once followed, the origin is known without the key, and only under it.
  ASSERT_EQ(Add(tree.Note(log_key_), 0).outcome, WitnessOutcome::kCosigned);
  request.old_size = 3;
  EXPECT_EQ(AddCheckpoint(dir_, std::nullopt, request, kNow).value().outcome,
            WitnessOutcome::kCosigned);
  const std::string other_key =
      merkle::EncodeVerifierKey(merkle::VerifierKeyOf(impostor));
  EXPECT_EQ(Add(tree.Note(impostor), 3, {}, other_key).outcome,
            WitnessOutcome::kBadSignature);
}

TEST_F(WitnessCoreTest, OldSizeAboveTheCheckpointIs400) {
  Tree tree(3);
  EXPECT_EQ(HttpStatusOf(Add(tree.Note(log_key_), 4).outcome), 400);
}

TEST_F(WitnessCoreTest, ForkAndRollbackAre409AndLeaveTheStateAlone) {
  Tree tree(6);
  ASSERT_EQ(Add(tree.Note(log_key_), 0).outcome, WitnessOutcome::kCosigned);
  Tree forked(6, "x");
  WitnessResult fork = Add(forked.Note(log_key_), 6);
  EXPECT_EQ(fork.outcome, WitnessOutcome::kFork);
  EXPECT_EQ(HttpStatusOf(fork.outcome), 409);
  Tree smaller(4);
  WitnessResult rollback = Add(smaller.Note(log_key_), 4);
  EXPECT_EQ(rollback.outcome, WitnessOutcome::kRollback);
  EXPECT_EQ(rollback.witness_size, 6u);
  auto state = LoadWitnessedLog(dir_, kOrigin).value();
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->checkpoint->root, tree.Root(6));
}

TEST_F(WitnessCoreTest, ParsesTheTlogWitnessRequestBody) {
  Tree tree(7);
  const std::vector<merkle::Hash> proof = tree.Proof(4);
  std::string body = "old 4\n";
  for (const merkle::Hash& h : proof) {
    absl::StrAppend(&body, merkle::HashToBase64(h), "\n");
  }
  absl::StrAppend(&body, "\n", tree.Note(log_key_));
  absl::StatusOr<WitnessRequest> request = ParseAddCheckpointBody(body);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->old_size, 4u);
  EXPECT_EQ(request->proof, proof);
  EXPECT_EQ(request->checkpoint_note, tree.Note(log_key_));
  absl::StatusOr<WitnessRequest> first =
      ParseAddCheckpointBody("old 0\n\n" + tree.Note(log_key_));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->proof.empty());
  for (const std::string bad : {"old 04\n\n", "old -1\n\n", "new 4\n\n",
                                "old 4\nnot-base64\n\nx", "old 4\n"}) {
    EXPECT_FALSE(ParseAddCheckpointBody(bad).ok()) << bad;
  }
}

TEST_F(WitnessCoreTest, HttpAddCheckpointAnswersAsTlogWitnessSays) {
  Tree tree(5);
  // An origin never followed: 404 (logs are learnt through the CLI).
  HttpReply unknown =
      WitnessAddCheckpointHttp(dir_, "old 0\n\n" + tree.Note(log_key_), kNow);
  EXPECT_EQ(unknown.status, 404);
  ASSERT_EQ(Add(tree.Note(log_key_), 0).outcome, WitnessOutcome::kCosigned);
  tree.Add("r5");
  std::string body = "old 5\n";
  for (const merkle::Hash& h : tree.Proof(5)) {
    absl::StrAppend(&body, merkle::HashToBase64(h), "\n");
  }
  absl::StrAppend(&body, "\n", tree.Note(log_key_));
  HttpReply ok = WitnessAddCheckpointHttp(dir_, body, kNow);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_THAT(ok.body,
              ::testing::StartsWith("\xE2\x80\x94 revisor.example/w1 "));
  // Replayed with the old size it no longer has: 409 with its size.
  HttpReply conflict = WitnessAddCheckpointHttp(dir_, body, kNow);
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.content_type, "text/x.tlog.size");
  EXPECT_EQ(conflict.body, "6\n");
  EXPECT_EQ(WitnessAddCheckpointHttp(dir_, "old x\n\n", kNow).status, 400);
  EXPECT_EQ(WitnessAddCheckpointHttp(
                dir_, std::string(kAddCheckpointBodyMax + 1, 'a'), kNow)
                .status,
            413);
}

TEST(TilePathTest, IndexIn3DigitElementsWithXPrefixAndPartialWidth) {
  EXPECT_EQ(TilePath(4, 1234067, 1), "tile/4/x001/x234/067.p/1");
  EXPECT_EQ(TilePath(4, 1234067, 256), "tile/4/x001/x234/067");
  EXPECT_EQ(TilePath(0, 1000, 256), "tile/0/x001/000");
  EXPECT_EQ(TilePath(0, 999, 255), "tile/0/999.p/255");
  EXPECT_EQ(TilePath(kEntriesLevel, 5, 256), "tile/entries/005");
  EXPECT_EQ(TilePath(kEntriesLevel, 0, 88), "tile/entries/000.p/88");
  // Every path publish writes is one the server serves.
  for (uint64_t index : {uint64_t{0}, uint64_t{7}, uint64_t{1234067}}) {
    for (uint64_t width : {uint64_t{1}, uint64_t{255}, uint64_t{256}}) {
      EXPECT_TRUE(IsPublishedPath(TilePath(3, index, width)));
      EXPECT_TRUE(IsPublishedPath(TilePath(kEntriesLevel, index, width)));
    }
  }
}

TEST_F(WitnessCoreTest, OnlyCanonicalTilesPathsAreServed) {
  for (const char* good :
       {"checkpoint", "tile/0/000", "tile/63/x001/x234/067",
        "tile/entries/002.p/88", "tile/1/000.p/2", "tile/0/x999/999.p/255"}) {
    EXPECT_TRUE(IsPublishedPath(good)) << good;
  }
  for (const char* bad :
       {"", "tile", "tile/0", "tile/00/000", "tile/64/000", "tile/0/0",
        "tile/0/1000", "tile/0/001/002", "tile/0/x1/002", "tile/0/000.p/0",
        "tile/0/000.p/256", "tile/0/000.p/01", "tile/../000", "tile/0/../000",
        "../checkpoint", "tile/data/000", "witness.key"}) {
    EXPECT_FALSE(IsPublishedPath(bad)) << bad;
  }
  const std::string pub = dir_ + "-pub";
  fs::create_directories(pub + "/tile/0");
  std::ofstream(pub + "/tile/0/000") << "tile bytes";
  HttpReply tile = PublishedFileHttp(pub, "tile/0/000");
  EXPECT_EQ(tile.status, 200);
  EXPECT_EQ(tile.body, "tile bytes");
  EXPECT_EQ(tile.content_type, "application/octet-stream");
  EXPECT_EQ(PublishedFileHttp(pub, "tile/0/001").status, 404);
  EXPECT_EQ(PublishedFileHttp(dir_, "witness.key").status, 404);
  fs::remove_all(pub);
}

}  // namespace
}  // namespace fundlog
