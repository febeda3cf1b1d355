// An append session that outgrows its memory bound writes its staged keys to
// files beside the log and commits them by one atomic ingestion
// (session_spill.h). These tests lower the bound so that every part spills,
// and check that the log it commits is the log one WriteBatch commits, that
// nothing of an uncommitted or failed session remains, and that a failed
// ingestion poisons the writer.
#include "core/store/session_spill.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/ledger/record_rules.h"
#include "core/merkle/merkle.h"
#include "core/store/append_session.h"
#include "core/store/event_log.h"
#include "core/store/failing_file_system_for_test.h"
#include "core/store/records_root_for_test.h"
#include "core/store/staged_facts.h"
#include "core/store/tree_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"

namespace fundlog {
namespace {

using ::testing::HasSubstr;

class SpillTest : public ::testing::Test {
 protected:
  SpillTest() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fundlog-spill-XXXXXX")
            .string();
    root_ = mkdtemp(pattern.data());
  }
  ~SpillTest() override { std::filesystem::remove_all(root_); }
  std::string Dir(const std::string& name) const { return root_ + "/" + name; }

  // A log holding one fund "f" and two allocations, appended directly.
  std::unique_ptr<EventLog> NewLog(const std::string& name, size_t spill_bytes,
                                   rocksdb::Env* env = nullptr) {
    auto log =
        EventLog::Create(CreateOptions{.path = Dir(name),
                                       .origin = "spill-test",
                                       .env = env,
                                       .rules = &ledger::Rules(),
                                       .session_spill_bytes = spill_bytes});
    EXPECT_TRUE(log.ok()) << log.status();
    if (!log.ok()) return nullptr;
    EXPECT_TRUE((*log)->Append(Events("est", 1), 0).ok());
    EXPECT_TRUE((*log)->Append(Events("pre", 2), 1).ok());
    return std::move(*log);
  }

  static v1::EventBatch Events(const std::string& prefix, int count) {
    v1::EventBatch batch;
    for (int i = 0; i < count; ++i) {
      v1::Event* event = batch.add_events();
      event->set_event_id(absl::StrCat(prefix, i));
      event->set_fund_id("f");
      // Days out of order across parts, so index runs interleave.
      event->mutable_effective()->set_day(absl::StrCat(
          "2020-0", 1 + (i * 7 + prefix.size()) % 9, "-1", i % 10));
      event->set_recorded_on("2021-01-01");
      event->mutable_source()->set_title("test");
      if (prefix == "est") {
        event->mutable_fund_established()->set_name("f");
      } else {
        event->mutable_allocation()->set_amount_ore(1 + i);
      }
    }
    return batch;
  }

  // The parts of one import: ids in no order ("z" before "a").
  static std::vector<v1::EventBatch> Parts() {
    std::vector<v1::EventBatch> parts;
    for (auto [prefix, count] :
         {std::pair{"zz", 40}, {"a", 300}, {"mm", 1}, {"b", 257}}) {
      parts.push_back(Events(prefix, count));
    }
    return parts;
  }

  std::vector<std::string> StagedFiles(const std::string& name) const {
    std::vector<std::string> staged;
    for (const auto& entry : std::filesystem::directory_iterator(Dir(name))) {
      if (entry.path().extension() == ".staged") {
        staged.push_back(entry.path().filename().string());
      }
    }
    return staged;
  }

  std::string root_;
};

const BatchOrigin kOrigin{"import.textpb", std::string(64, 'c')};

absl::StatusOr<AppendResult> Import(EventLog& log,
                                    const std::vector<v1::EventBatch>& parts,
                                    int* spills) {
  auto session = log.BeginAppend(log.Size());
  if (!session.ok()) return session.status();
  for (const v1::EventBatch& part : parts) {
    if (absl::Status s = (*session)->Add(part, kOrigin); !s.ok()) return s;
  }
  *spills = (*session)->spills();
  return (*session)->Commit();
}

TEST_F(SpillTest, SpilledImportCommitsWhatOneWriteBatchCommits) {
  auto batch = NewLog("batch", size_t{64} << 20);
  auto spilled = NewLog("spilled", 1);
  ASSERT_NE(batch, nullptr);
  ASSERT_NE(spilled, nullptr);
  int batch_spills = -1;
  int spills = -1;
  auto in_batch = Import(*batch, Parts(), &batch_spills);
  auto in_files = Import(*spilled, Parts(), &spills);
  ASSERT_TRUE(in_batch.ok()) << in_batch.status();
  ASSERT_TRUE(in_files.ok()) << in_files.status();
  EXPECT_EQ(batch_spills, 0);
  EXPECT_EQ(spills, 4) << "every part spills at a bound of one byte";
  EXPECT_EQ(in_files->first_seq, 3u);
  EXPECT_EQ(in_files->new_size, 3u + 598u);
  EXPECT_EQ(spilled->Size(), batch->Size());
  EXPECT_TRUE(StagedFiles("spilled").empty());

  // The same events and provenance at every sequence number (the append
  // time differs: the imports ran at different moments).
  for (uint64_t seq = 0; seq < batch->Size(); ++seq) {
    auto want = batch->Read(seq);
    auto got = spilled->Read(seq);
    ASSERT_TRUE(want.ok() && got.ok()) << seq << " " << got.status();
    EXPECT_EQ(got->event().SerializeAsString(),
              want->event().SerializeAsString())
        << seq;
    EXPECT_EQ(got->provenance().SerializeAsString(),
              want->provenance().SerializeAsString())
        << seq;
  }
  // The stored tree is the tree of the stored records.
  auto root = merkle::RootAt(spilled->Size(), LogNodeReader(*spilled));
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(*root, testing::RootOfStoredRecords(*spilled));
  // Every id, the file's mark and the index's day entries are there.
  for (auto [id, seq] : {std::pair{"zz0", 3},
                         {"zz39", 42},
                         {"a0", 43},
                         {"a299", 342},
                         {"mm0", 343},
                         {"b256", 600}}) {
    auto found = spilled->FindEventId(id);
    ASSERT_TRUE(found.ok() && found->has_value()) << id;
    EXPECT_EQ(**found, static_cast<uint64_t>(seq)) << id;
  }
  auto mark = spilled->FindImportedFile(kOrigin.file_sha256);
  ASSERT_TRUE(mark.ok() && mark->has_value());
  EXPECT_EQ(**mark, 3u);
  std::vector<std::pair<std::string, std::string>> want_index;
  std::vector<std::pair<std::string, std::string>> got_index;
  ASSERT_TRUE(
      batch
          ->ScanIndex([&](absl::string_view key, absl::string_view value) {
            want_index.emplace_back(key, value);
            return absl::OkStatus();
          })
          .ok());
  ASSERT_TRUE(
      spilled
          ->ScanIndex([&](absl::string_view key, absl::string_view value) {
            got_index.emplace_back(key, value);
            return absl::OkStatus();
          })
          .ok());
  EXPECT_EQ(got_index, want_index);
  EXPECT_GT(got_index.size(), 3u * 598u);

  // A second import on top, and the log reopened: all of it stays, and
  // appends go on from the new size.
  int more_spills = 0;
  auto second = Import(*spilled, {Events("second", 10)}, &more_spills);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists)
      << "the file is already imported";
  spilled.reset();
  auto reopened = EventLog::Open(
      OpenOptions{.path = Dir("spilled"), .rules = &ledger::Rules()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->Size(), 601u);
  auto appended = (*reopened)->Append(Events("after", 2), 601);
  ASSERT_TRUE(appended.ok()) << appended.status();
  auto root_after = merkle::RootAt(603, LogNodeReader(**reopened));
  ASSERT_TRUE(root_after.ok());
  EXPECT_EQ(*root_after, testing::RootOfStoredRecords(**reopened));
}

TEST_F(SpillTest, AnUncommittedOrRefusedSessionLeavesNoFileAndNoRecord) {
  auto log = NewLog("log", 1);
  ASSERT_NE(log, nullptr);
  {
    auto session = log->BeginAppend(3);
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->Add(Events("a", 100), kOrigin).ok());
    ASSERT_TRUE((*session)->Add(Events("b", 100), kOrigin).ok());
    EXPECT_EQ((*session)->spills(), 2);
    EXPECT_FALSE(StagedFiles("log").empty()) << "the parts are on disk";
    // A later part repeats an id of an earlier, spilled one.
    absl::Status refused = (*session)->Add(Events("a", 1), kOrigin);
    EXPECT_THAT(refused.message(), HasSubstr("a0"));
    EXPECT_TRUE(StagedFiles("log").empty()) << "refused: its files removed";
  }
  {
    auto session = log->BeginAppend(3);
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->Add(Events("a", 100), kOrigin).ok());
    EXPECT_FALSE(StagedFiles("log").empty());
  }  // dropped without a commit
  EXPECT_TRUE(StagedFiles("log").empty());
  EXPECT_EQ(log->Size(), 3u);
  auto found = log->FindEventId("a0");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(SpillTest, AWritersOpenRemovesFilesACrashLeft) {
  NewLog("log", 1).reset();
  const std::string left = Dir("log") + "/session-99999-0-3.staged";
  { std::ofstream(left) << "half a table"; }
  ASSERT_TRUE(std::filesystem::exists(left));
  {
    auto reader =
        EventLog::Open(OpenOptions{.path = Dir("log"), .read_only = true});
    ASSERT_TRUE(reader.ok()) << reader.status();
    EXPECT_TRUE(std::filesystem::exists(left)) << "a reader removes nothing";
  }
  auto writer = EventLog::Open(
      OpenOptions{.path = Dir("log"), .rules = &ledger::Rules()});
  ASSERT_TRUE(writer.ok()) << writer.status();
  EXPECT_FALSE(std::filesystem::exists(left));
  EXPECT_EQ((*writer)->Size(), 3u);
}

// A spilled session that cannot write its own files leaves the log as it
// was and the writer usable; one whose ingestion fails (here: RocksDB's
// MANIFEST cannot be written) poisons the writer, and after reopening the
// log holds either all of the import or none of it.
TEST_F(SpillTest, AFailedIngestionPoisonsTheWriterAndCommitsAllOrNothing) {
  // Spills two parts into a new log `name` whose file system fails the
  // writes of files named like `failing_files` during the commit; returns
  // the append tried after the failed commit.
  auto commit_failing = [&](const std::string& name,
                            const std::string& failing_files) {
    std::atomic<bool> failing{false};
    auto fs =
        std::make_shared<testing::FailingFileSystem>(&failing, failing_files);
    std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
    auto log = NewLog(name, 1, env.get());
    EXPECT_NE(log, nullptr);
    if (log == nullptr) return absl::StatusOr<AppendResult>();
    auto session = log->BeginAppend(3);
    EXPECT_TRUE(session.ok());
    EXPECT_TRUE((*session)->Add(Events("a", 50), kOrigin).ok());
    EXPECT_TRUE((*session)->Add(Events("b", 50), kOrigin).ok());
    failing = true;
    auto failed = (*session)->Commit();
    failing = false;
    EXPECT_FALSE(failed.ok());
    EXPECT_EQ(log->Size(), 3u) << "a failed commit is not acknowledged";
    return log->Append(Events("after", 1), 3);
  };
  // The staged files cannot be written: nothing of the log changed.
  auto after_staged = commit_failing("staged", ".staged");
  EXPECT_TRUE(after_staged.ok()) << "not poisoned: " << after_staged.status();
  EXPECT_TRUE(StagedFiles("staged").empty());
  // RocksDB's MANIFEST cannot be written: the ingestion's outcome is
  // unknown until the log is reopened.
  auto refused = commit_failing("manifest", "MANIFEST");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();
  EXPECT_THAT(refused.status().message(), HasSubstr("reopen"));
  EXPECT_FALSE(StagedFiles("manifest").empty())
      << "kept: they would be the import's only copy had the MANIFEST record "
         "reached the disk";

  auto reopened = EventLog::Open(
      OpenOptions{.path = Dir("manifest"), .rules = &ledger::Rules()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  const uint64_t size = (*reopened)->Size();
  EXPECT_TRUE(size == 3 || size == 103) << size;
  auto root = merkle::RootAt(size, LogNodeReader(**reopened));
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(*root, testing::RootOfStoredRecords(**reopened));
  EXPECT_TRUE(StagedFiles("manifest").empty());
}

// The session's memory of staged names and days answers as the plain
// containers it replaced would.
TEST(StagedFactsTest, NamesAndDaysAnswerAsPlainContainers) {
  StagedNames names;
  std::vector<std::string> added;
  for (int i = 0; i < 5000; ++i) {
    added.push_back(absl::StrCat("E", std::string(i % 40, 'x'), i));
    EXPECT_TRUE(names.Insert(added.back()));
  }
  EXPECT_TRUE(names.Insert(""));
  EXPECT_FALSE(names.Insert(""));
  EXPECT_FALSE(names.Insert(added[17])) << "already there";
  EXPECT_EQ(names.size(), 5001u);
  for (const std::string& name : added) EXPECT_TRUE(names.Contains(name));
  EXPECT_FALSE(names.Contains("E5000"));
  EXPECT_FALSE(names.Contains(added[3] + "x"));
  EXPECT_FALSE(names.Contains(added[3].substr(1)));
  names.Clear();
  EXPECT_EQ(names.size(), 0u);
  EXPECT_FALSE(names.Contains(added[0]));
  EXPECT_TRUE(names.Insert(added[0]));
  EXPECT_TRUE(names.Contains(added[0]));

  StagedDays days;
  const std::vector<std::string> want = {"2020-01-01", "2020-01-01",
                                         "2021-05-05", "2020-01-01",
                                         "2020-01-01", "2022-12-31"};
  for (const std::string& day : want) days.Add(day);
  ASSERT_EQ(days.count(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(days.At(i), want[i]) << i;
}

}  // namespace
}  // namespace fundlog
