// Corruption tests: damage a copy of a real log with the raw RocksDB API, as
// a disk fault or someone with write access to the directory would, and
// expect `fundlog verify` to name the damage (after leveldb's
// db/corruption_test.cc).
//
// Every test starts from its own copy of one pristine log made by
// `fundlog demo` (the Trelleborg history, 14 records), and damages it while
// no fundlog process has it open.
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/merkle/merkle.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/cli_harness.h"
#include "tests/raw_log.h"

namespace fundlog::testing {
namespace {

using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::Each;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;

constexpr uint64_t kDemoRecords = 14;
constexpr char kLogDir[] = "fundlog-data";  // the default --db of the harness

// Three governance events a log can take after the demo history.
constexpr char kLaterBatch[] = R"pb(
  events {
    event_id: "later-1"
    fund_id: "social-investeringsfond"
    effective { day: "2022-01-10" }
    recorded_on: "2022-01-10"
    source { title: "Test minutes" }
    decision_taken { decision { body: KS subject: "Test decision 1" } }
  }
  events {
    event_id: "later-2"
    fund_id: "social-investeringsfond"
    effective { day: "2022-01-11" }
    recorded_on: "2022-01-11"
    source { title: "Test minutes" }
    decision_taken { decision { body: KS subject: "Test decision 2" } }
  }
  events {
    event_id: "later-3"
    fund_id: "social-investeringsfond"
    effective { day: "2022-01-12" }
    recorded_on: "2022-01-12"
    source { title: "Test minutes" }
    decision_taken { decision { body: KS subject: "Test decision 3" } }
  }
)pb";

// One finding of `verify --json`.
struct Finding {
  std::optional<uint64_t> seq;
  std::string kind;
  std::string detail;
};

void PrintTo(const Finding& finding, std::ostream* out) {
  *out << "{seq "
       << (finding.seq ? absl::StrCat(*finding.seq) : std::string("null"))
       << ", " << finding.kind << ": " << finding.detail << "}";
}

struct Verdict {
  int exit_code = -1;
  bool ok = false;
  uint64_t tree_size = 0;
  std::vector<Finding> findings;
  std::string err;
};

// A finding of data loss about record `seq` whose detail says `text`.
auto DataLossAbout(uint64_t seq, const std::string& text) {
  return AllOf(Field(&Finding::seq, Optional(seq)),
               Field(&Finding::kind, "data_loss"),
               Field(&Finding::detail, HasSubstr(text)));
}

class CorruptionTest : public ::testing::Test {
 protected:
  // Makes the pristine log once; every test damages its own copy of it.
  static void SetUpTestSuite() {
    pristine_ = new CliHarness();
    RunResult demo = pristine_->Run({"demo"});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
  }

  static void TearDownTestSuite() {
    delete pristine_;
    pristine_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(pristine_, nullptr);
    std::error_code error;
    std::filesystem::copy(absl::StrCat(pristine_->dir(), "/", kLogDir),
                          LogPath(), std::filesystem::copy_options::recursive,
                          error);
    ASSERT_FALSE(error) << error.message();
  }

  std::string LogPath() const { return absl::StrCat(cli_.dir(), "/", kLogDir); }

  // Runs `fundlog verify --json ARGS...` on this test's copy.
  Verdict Verify(const std::vector<std::string>& args = {}) const {
    std::vector<std::string> command = {"verify", "--json"};
    command.insert(command.end(), args.begin(), args.end());
    RunResult run = cli_.Run(command);
    Verdict verdict;
    verdict.exit_code = run.exit_code;
    verdict.err = run.err;
    if (run.out.empty()) return verdict;  // refused before verifying
    google::protobuf::Struct json = ParseJson(run.out);
    verdict.ok = json.fields().at("ok").bool_value();
    verdict.tree_size =
        static_cast<uint64_t>(json.fields().at("tree_size").number_value());
    for (const auto& value :
         json.fields().at("findings").list_value().values()) {
      const auto& fields = value.struct_value().fields();
      Finding finding;
      if (!fields.at("seq").has_null_value()) {
        finding.seq = static_cast<uint64_t>(fields.at("seq").number_value());
      }
      finding.kind = fields.at("kind").string_value();
      finding.detail = fields.at("detail").string_value();
      verdict.findings.push_back(std::move(finding));
    }
    return verdict;
  }

  // Signs a checkpoint of the log as it stands; returns the file's path.
  std::string SignCheckpoint(const std::string& name = "cp") const {
    const std::string path = absl::StrCat(cli_.dir(), "/", name);
    RunResult run = cli_.Run({"checkpoint", "--out", path});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return path;
  }

  void ImportLaterBatch() const {
    RunResult run =
        cli_.Run({"import", cli_.WriteFile("later.textpb", kLaterBatch)});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }

  // Changes one byte inside the event_id of record `seq`: the record still
  // parses and names its own seq, but its bytes are no longer those hashed.
  void ChangeOneByteOfEventId(uint64_t seq) {
    RawLog raw(LogPath());
    std::string bytes = raw.Get("events", keys::EventKey(seq));
    v1::StoredRecord record;
    ASSERT_TRUE(record.ParseFromString(bytes));
    const size_t at = bytes.find(record.event().event_id());
    ASSERT_NE(at, std::string::npos);
    bytes[at] ^= 0x01;  // ASCII stays ASCII, so the text stays valid UTF-8
    raw.Put("events", keys::EventKey(seq), bytes);
  }

  static CliHarness* pristine_;
  CliHarness cli_;
};

CliHarness* CorruptionTest::pristine_ = nullptr;

TEST_F(CorruptionTest, UntouchedLogVerifiesClean) {
  const std::string checkpoint = SignCheckpoint();
  Verdict verdict = Verify({"--checkpoint", checkpoint});
  EXPECT_EQ(verdict.exit_code, 0) << verdict.err;
  EXPECT_TRUE(verdict.ok);
  EXPECT_EQ(verdict.tree_size, kDemoRecords);
  EXPECT_THAT(verdict.findings, IsEmpty());
}

TEST_F(CorruptionTest, RecordChangedInPlaceIsNamed) {
  ChangeOneByteOfEventId(5);
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.findings, Contains(DataLossAbout(5, "changed in place")));
  // The nodes above the record disagree too, but only as a consequence: the
  // damage is reported once, at the record, and nowhere else.
  EXPECT_THAT(verdict.findings,
              Each(Not(AllOf(Field(&Finding::kind, "data_loss"),
                             Not(Field(&Finding::seq, Optional(5)))))));
}

TEST_F(CorruptionTest, RecordChangedInPlaceBreaksTheSignedCheckpoint) {
  const std::string checkpoint = SignCheckpoint();
  ChangeOneByteOfEventId(2);
  Verdict verdict = Verify({"--checkpoint", checkpoint});
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings, Contains(DataLossAbout(2, "changed in place")));
  EXPECT_THAT(
      verdict.findings,
      Contains(AllOf(Field(&Finding::kind, "data_loss"),
                     Field(&Finding::detail, HasSubstr("no longer extends")))));
}

// Someone who changes a record and recomputes every stored node above it
// leaves a log consistent in itself: only a checkpoint signed before can
// tell. The root comes from the records, so the change shows there.
TEST_F(CorruptionTest, RecordRewrittenWithItsTreeBreaksTheSignedCheckpoint) {
  const std::string checkpoint = SignCheckpoint();
  constexpr uint64_t kSeq = 5;
  ChangeOneByteOfEventId(kSeq);
  {
    RawLog raw(LogPath());
    auto node = [&raw](int level, uint64_t index) {
      return raw.Get("tree", merkle::NodeKey(level, index));
    };
    const merkle::Hash leaf =
        merkle::LeafHash(raw.Get("events", keys::EventKey(kSeq)));
    raw.Put("tree", merkle::NodeKey(0, kSeq),
            std::string(leaf.begin(), leaf.end()));
    for (int level = 1; ((kSeq >> level) + 1) << level <= kDemoRecords;
         ++level) {
      const uint64_t index = kSeq >> level;
      absl::StatusOr<merkle::Hash> left =
          merkle::HashFromBytes(node(level - 1, 2 * index));
      absl::StatusOr<merkle::Hash> right =
          merkle::HashFromBytes(node(level - 1, 2 * index + 1));
      ASSERT_TRUE(left.ok() && right.ok());
      const merkle::Hash parent = merkle::NodeHash(*left, *right);
      raw.Put("tree", merkle::NodeKey(level, index),
              std::string(parent.begin(), parent.end()));
    }
  }
  // The tree is consistent in itself; only derived data still tells: the
  // index, derived from the record's old event id, and the ledger query
  // state, bound to the old root (a forger can rebuild both too).
  Verdict alone = Verify();
  EXPECT_THAT(
      alone.findings,
      Each(Field(&Finding::kind, AnyOf("index_mismatch", "derived_mismatch"))));
  Verdict verdict = Verify({"--checkpoint", checkpoint});
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(
      verdict.findings,
      Contains(AllOf(Field(&Finding::kind, "data_loss"),
                     Field(&Finding::detail, HasSubstr("no longer extends")))));
}

TEST_F(CorruptionTest, UnparsableRecordIsNamed) {
  {
    RawLog raw(LogPath());
    std::string bytes = raw.Get("events", keys::EventKey(9));
    ASSERT_FALSE(bytes.empty());
    bytes[0] = '\xff';  // no longer the tag of field 1 (seq)
    raw.Put("events", keys::EventKey(9), bytes);
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings, Contains(DataLossAbout(9, "sequence number")));
  EXPECT_THAT(verdict.findings, Contains(DataLossAbout(9, "changed in place")));
}

TEST_F(CorruptionTest, RecordCopiedUnderAnotherSeqIsNamed) {
  {
    RawLog raw(LogPath());
    raw.Put("events", keys::EventKey(4), raw.Get("events", keys::EventKey(3)));
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings, Contains(DataLossAbout(4, "sequence number")));
  EXPECT_THAT(verdict.findings,
              Not(Contains(Field(&Finding::seq, Optional(3u)))));
}

TEST_F(CorruptionTest, RecordMissingFromTheMiddleIsNamed) {
  {
    RawLog raw(LogPath());
    raw.Delete("events", keys::EventKey(7));
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.tree_size, kDemoRecords);
  EXPECT_THAT(verdict.findings, Contains(DataLossAbout(7, "is missing")));
  EXPECT_THAT(
      verdict.findings,
      Not(Contains(AllOf(Field(&Finding::seq, Optional(7)),
                         Field(&Finding::detail, HasSubstr("truncated"))))));
}

TEST_F(CorruptionTest, LastRecordDeletedIsNamedAsTruncation) {
  {
    RawLog raw(LogPath());
    raw.Delete("events", keys::EventKey(kDemoRecords - 1));
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(DataLossAbout(kDemoRecords - 1, "is missing")));
  EXPECT_THAT(verdict.findings,
              Contains(DataLossAbout(kDemoRecords - 1, "truncated")));
}

// Deletes the last records, their tree nodes and lowers the size in meta:
// a log that is consistent in itself, only shorter than it was.
void TruncateTo(RawLog& raw, uint64_t size) {
  for (uint64_t seq = size; seq < kDemoRecords; ++seq) {
    raw.Delete("events", keys::EventKey(seq));
  }
  for (int level = 0; (kDemoRecords >> level) > 0; ++level) {
    for (uint64_t index = size >> level; index < (kDemoRecords >> level);
         ++index) {
      raw.Delete("tree", merkle::NodeKey(level, index));
    }
  }
  raw.Put("meta", std::string(keys::kMetaSize), keys::EncodeU64(size));
}

TEST_F(CorruptionTest, TruncationBelowSignedCheckpointIsReported) {
  const std::string checkpoint = SignCheckpoint();
  {
    RawLog raw(LogPath());
    TruncateTo(raw, 11);
  }
  Verdict verdict = Verify({"--checkpoint", checkpoint});
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.tree_size, 11u);
  EXPECT_THAT(verdict.findings, Contains(DataLossAbout(11, "truncated")));
}

TEST_F(CorruptionTest, HistoryRewrittenAfterTruncationNoLongerExtends) {
  const std::string checkpoint = SignCheckpoint();
  {
    RawLog raw(LogPath());
    TruncateTo(raw, 11);
  }
  ImportLaterBatch();  // back to 14 records, the last three different
  Verdict verdict = Verify({"--checkpoint", checkpoint});
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_EQ(verdict.tree_size, kDemoRecords);
  EXPECT_THAT(
      verdict.findings,
      Contains(AllOf(Field(&Finding::kind, "data_loss"),
                     Field(&Finding::detail, HasSubstr("no longer extends")))));
}

TEST_F(CorruptionTest, SecondRootForASignedSizeIsNeverSigned) {
  SignCheckpoint();
  {
    RawLog raw(LogPath());
    TruncateTo(raw, 11);
  }
  ImportLaterBatch();
  RunResult run = cli_.Run({"checkpoint", "--out", "split-view"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.err, HasSubstr("different root"));
}

struct NodeCase {
  int level;
  uint64_t index;
  std::string records;  // the records the node covers, as verify names them
};

void PrintTo(const NodeCase& node, std::ostream* out) {
  *out << "level " << node.level << " index " << node.index;
}

class StoredNodeTest : public CorruptionTest,
                       public ::testing::WithParamInterface<NodeCase> {
 protected:
  uint64_t FirstRecord() const { return GetParam().index << GetParam().level; }
};

TEST_P(StoredNodeTest, RewrittenNodeIsNamedAtItsFirstRecord) {
  const NodeCase& node = GetParam();
  {
    RawLog raw(LogPath());
    std::string hash = raw.Get("tree", merkle::NodeKey(node.level, node.index));
    ASSERT_EQ(hash.size(), merkle::kHashBytes);
    for (char& c : hash) c = static_cast<char>(~c);
    raw.Put("tree", merkle::NodeKey(node.level, node.index), hash);
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  const std::string want = absl::StrCat(
      "stored Merkle node level ", node.level, " index ", node.index,
      " (records ", node.records, ") disagrees with the records");
  EXPECT_THAT(verdict.findings, Contains(DataLossAbout(FirstRecord(), want)));
  // The records are intact: nothing else is data loss.
  EXPECT_THAT(verdict.findings,
              Each(Not(AllOf(Field(&Finding::kind, "data_loss"),
                             Not(Field(&Finding::detail, want))))));
}

TEST_P(StoredNodeTest, MissingNodeIsNamedAtItsFirstRecord) {
  const NodeCase& node = GetParam();
  {
    RawLog raw(LogPath());
    raw.Delete("tree", merkle::NodeKey(node.level, node.index));
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(DataLossAbout(
                  FirstRecord(),
                  absl::StrCat("Merkle node level ", node.level, " index ",
                               node.index, " (records ", node.records, ")"))));
}

TEST_P(StoredNodeTest, NodeOfWrongLengthIsNamedAtItsFirstRecord) {
  const NodeCase& node = GetParam();
  {
    RawLog raw(LogPath());
    raw.Put("tree", merkle::NodeKey(node.level, node.index),
            std::string(merkle::kHashBytes - 1, 'x'));
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(DataLossAbout(
                  FirstRecord(),
                  absl::StrCat("Merkle node level ", node.level, " index ",
                               node.index, " (records ", node.records, ")"))));
}

INSTANTIATE_TEST_SUITE_P(
    InteriorNodes, StoredNodeTest,
    ::testing::Values(NodeCase{1, 2, "4..5"}, NodeCase{1, 6, "12..13"},
                      NodeCase{2, 1, "4..7"}, NodeCase{2, 2, "8..11"},
                      NodeCase{3, 0, "0..7"}),
    [](const ::testing::TestParamInfo<NodeCase>& info) {
      return absl::StrCat("Level", info.param.level, "Index", info.param.index);
    });

// A missing leaf node is named at its record, as a tree node that is gone
// (the record itself is intact).
TEST_F(CorruptionTest, MissingLeafNodeIsNamedAtItsRecord) {
  {
    RawLog raw(LogPath());
    raw.Delete("tree", merkle::NodeKey(0, 5));
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(DataLossAbout(5, "Merkle leaf node of record 5")));
  EXPECT_THAT(verdict.findings,
              Not(Contains(DataLossAbout(5, "changed in place"))));
}

TEST_F(CorruptionTest, RecordStoredBeyondTheSizeIsNamed) {
  {
    RawLog raw(LogPath());
    raw.Put("events", keys::EventKey(kDemoRecords),
            raw.Get("events", keys::EventKey(kDemoRecords - 1)));
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(DataLossAbout(kDemoRecords, "beyond the log's size")));
}

TEST_F(CorruptionTest, DamageIsStillNamedAfterLaterAppends) {
  ChangeOneByteOfEventId(5);
  ImportLaterBatch();
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_EQ(verdict.tree_size, kDemoRecords + 3);
  EXPECT_THAT(verdict.findings, Contains(DataLossAbout(5, "changed in place")));
  EXPECT_THAT(verdict.findings,
              Each(Not(AllOf(Field(&Finding::kind, "data_loss"),
                             Not(Field(&Finding::seq, Optional(5)))))));
}

TEST_F(CorruptionTest, LogGrownSinceCheckpointStillExtendsIt) {
  const std::string checkpoint = SignCheckpoint();
  ImportLaterBatch();
  Verdict verdict = Verify({"--checkpoint", checkpoint});
  EXPECT_EQ(verdict.exit_code, 0) << verdict.err;
  EXPECT_TRUE(verdict.ok);
  EXPECT_EQ(verdict.tree_size, kDemoRecords + 3);
}

TEST_F(CorruptionTest, CheckpointOfAnotherLogIsRefused) {
  // Another log with the same origin and the same history, but its own key.
  CliHarness other;
  ASSERT_EQ(other.Run({"demo"}).exit_code, 0);
  const std::string foreign = absl::StrCat(cli_.dir(), "/foreign-cp");
  RunResult signed_there = other.Run({"checkpoint", "--out", foreign});
  ASSERT_EQ(signed_there.exit_code, 0) << signed_there.err;
  Verdict verdict = Verify({"--checkpoint", foreign});
  EXPECT_EQ(verdict.exit_code, 1);
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.err, HasSubstr("foreign-cp"));
  EXPECT_THAT(verdict.err, HasSubstr("signature"));
}

TEST_F(CorruptionTest, CheckpointWithAlteredSizeIsRefused) {
  RunResult read = cli_.Run({"checkpoint"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  // The note's second line is the size; claim a shorter log was signed.
  std::string note = read.out;
  const std::string size_line = absl::StrCat("\n", kDemoRecords, "\n");
  const size_t at = note.find(size_line);
  ASSERT_NE(at, std::string::npos) << note;
  note.replace(at, size_line.size(), "\n13\n");
  const std::string altered = cli_.WriteFile("altered-cp", note);
  Verdict verdict = Verify({"--checkpoint", altered});
  EXPECT_EQ(verdict.exit_code, 1);
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.err, HasSubstr("altered-cp"));
}

// The index is derived data: lost entries change what the log can find,
// and `rebuild` derives them again from the records, answers unchanged.
TEST_F(CorruptionTest, LostIndexEntriesAreRebuiltFromTheRecords) {
  const std::string timeline_before = cli_.Run({"timeline", "--json"}).out;
  {
    RawLog raw(LogPath());
    raw.Delete("index",
               keys::NamedKey(keys::kIndexEventId, "allocation-kf-2011"));
    for (uint64_t seq = 0; seq < kDemoRecords; ++seq) {
      for (const char* day :
           {"2011-01-01", "2011-11-03", "2011-12-31", "2015-01-01",
            "2016-01-01", "2017-01-01", "2021-11-03"}) {
        raw.Delete("index", keys::AllByDayKey(day, seq));
      }
    }
  }
  EXPECT_NE(cli_.Run({"timeline", "--json"}).out, timeline_before);
  RunResult rebuilt = cli_.Run({"rebuild"});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_THAT(rebuilt.out, HasSubstr("rebuilt the index from 14 records"));
  EXPECT_EQ(cli_.Run({"timeline", "--json"}).out, timeline_before);
  // Uniqueness of event ids holds again.
  std::string duplicate = R"pb(events {
                                 event_id: "allocation-kf-2011"
                                 fund_id: "social-investeringsfond"
                                 effective { day: "2012-01-01" }
                                 recorded_on: "2012-01-01"
                                 source { title: "T" }
                                 allocation { amount_ore: 1 }
                               })pb";
  RunResult refused =
      cli_.Run({"import", cli_.WriteFile("dup.textpb", duplicate)});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("already in the log"));
  EXPECT_EQ(Verify().exit_code, 0);
}

}  // namespace
}  // namespace fundlog::testing
