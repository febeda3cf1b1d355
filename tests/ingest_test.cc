// core/ingest: an import is one transaction. Failures injected between the
// checking and the staging pass, and into the write itself, leave the log
// exactly as it was; a session of many parts builds the same tree as its
// records imply.
#include "core/ingest/ingest.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/formats/sie/sie_import.h"
#include "core/formats/sie/sie_synth.h"
#include "core/ledger/record_rules.h"
#include "core/merkle/merkle.h"
#include "core/store/append_session.h"
#include "core/store/failing_file_system_for_test.h"
#include "core/store/records_root_for_test.h"
#include "core/store/tree_writer.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace fundlog {
namespace {

using fundlog::testing::FailingFileSystem;
using ::testing::HasSubstr;

class IngestTest : public ::testing::Test {
 protected:
  IngestTest()
      : dir_((std::filesystem::temp_directory_path() /
              absl::StrCat("fundlog-ingest-", getpid(), "-",
                           ::testing::UnitTest::GetInstance()
                               ->current_test_info()
                               ->name()))
                 .string()) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~IngestTest() override { std::filesystem::remove_all(dir_); }

  // A synthetic SIE file of `vouchers` vouchers (more than one batch of
  // 2000 when over it).
  std::string WriteSie(const std::string& name, uint64_t seed,
                       uint64_t vouchers) {
    const std::string path = absl::StrCat(dir_, "/", name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    sie::GenerateSyntheticSie({seed, vouchers, 2020},
                              [&](absl::string_view piece) {
                                out.write(piece.data(), piece.size());
                              });
    return path;
  }

  std::string LogDir() const { return absl::StrCat(dir_, "/log"); }

  std::string dir_;
};

TEST_F(IngestTest, FileChangedBetweenCheckAndAppendWritesNothing) {
  auto log = EventLog::Create(CreateOptions{
      .path = LogDir(), .origin = "t", .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(log.ok()) << log.status();
  const std::string path = WriteSie("a.se", 1, 2500);
  ingest::ImportHooks hooks;
  hooks.after_check = [&] { WriteSie("a.se", 2, 2500); };
  auto result = ingest::ImportFiles(**log, {{path}}, hooks);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted)
      << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("changed"));
  EXPECT_THAT(result.status().message(), HasSubstr("nothing written"));
  EXPECT_EQ((*log)->Size(), 0u);
  // The file as it now is imports whole.
  auto again = ingest::ImportFiles(**log, {{path}});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->first_seq, 0u);
  EXPECT_EQ(again->sie->vouchers, 2500u);
}

TEST_F(IngestTest,
       FailedWriteAfterLaterBatchLeavesLogAsBeforeAndReimportWorks) {
  std::atomic<bool> failing{false};
  auto file_system = std::make_shared<FailingFileSystem>(&failing);
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(file_system);
  const std::string path = WriteSie("b.se", 3, 4500);  // three batches
  {
    auto log =
        EventLog::Create(CreateOptions{.path = LogDir(),
                                       .origin = "t",
                                       .env = env.get(),
                                       .rules = &fundlog::ledger::Rules()});
    ASSERT_TRUE(log.ok()) << log.status();
    ingest::ImportHooks hooks;
    int parts = 0;
    // The disk fails once the second batch is staged.
    hooks.after_part = [&](uint64_t) { failing = ++parts >= 2; };
    auto result = ingest::ImportFiles(**log, {{path}}, hooks);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal)
        << result.status();
    EXPECT_GE(parts, 3);
    EXPECT_EQ((*log)->Size(), 0u);
    failing = false;
  }
  auto reopened = EventLog::Open(
      OpenOptions{.path = LogDir(), .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->Size(), 0u) << "no batch of the import survives";
  auto again = ingest::ImportFiles(**reopened, {{path}});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->sie->vouchers, 4500u);
}

// Every entry of the log's index, in key order.
std::vector<std::pair<std::string, std::string>> IndexOf(const EventLog& log) {
  std::vector<std::pair<std::string, std::string>> entries;
  EXPECT_TRUE(
      log.ScanIndex([&](absl::string_view key, absl::string_view value) {
           entries.emplace_back(key, value);
           return absl::OkStatus();
         })
          .ok());
  return entries;
}

// An import of `path` into a new log at `dir` whose sessions spill past
// `spill_bytes`, and how many of its parts found staged files beside the log.
struct SpillOutcome {
  std::unique_ptr<EventLog> log;
  absl::StatusOr<ingest::ImportResult> result;
  int parts_with_staged_files = 0;
};
SpillOutcome ImportSpilling(const std::string& dir, size_t spill_bytes,
                            const std::string& path) {
  SpillOutcome out;
  auto log =
      EventLog::Create(CreateOptions{.path = dir,
                                     .origin = "t",
                                     .rules = &fundlog::ledger::Rules(),
                                     .session_spill_bytes = spill_bytes});
  EXPECT_TRUE(log.ok()) << log.status();
  out.log = std::move(*log);
  ingest::ImportHooks hooks;
  hooks.after_part = [&](uint64_t) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".staged") {
        ++out.parts_with_staged_files;
        break;
      }
    }
  };
  out.result = ingest::ImportFiles(*out.log, {{path}}, hooks);
  return out;
}

// A large SIE import spills its staged keys to files and commits them by
// ingestion (core/store/session_spill.h): the log it leaves holds the same
// records, index and tree as the one WriteBatch that a small import writes.
TEST_F(IngestTest, ASpilledSieImportStoresWhatOneWriteBatchStores) {
  const std::string path = WriteSie("big.se", 11, 6500);  // four batches
  SpillOutcome in_batch = ImportSpilling(dir_ + "/batch", SIZE_MAX, path);
  SpillOutcome in_files =
      ImportSpilling(dir_ + "/spilled", size_t{256} << 10, path);
  for (const SpillOutcome* outcome : {&in_batch, &in_files}) {
    ASSERT_TRUE(outcome->result.ok()) << outcome->result.status();
    EXPECT_EQ(outcome->result->sie->vouchers, 6500u);
  }
  EXPECT_EQ(in_batch.parts_with_staged_files, 0);
  EXPECT_GE(in_files.parts_with_staged_files, 3) << "the parts went to files";
  EventLog* batch = in_batch.log.get();
  EventLog* spilled = in_files.log.get();
  ASSERT_EQ(spilled->Size(), batch->Size());
  ASSERT_GT(spilled->Size(), 6500u);
  for (uint64_t seq = 0; seq < batch->Size(); ++seq) {
    auto want = batch->Read(seq);
    auto got = spilled->Read(seq);
    ASSERT_TRUE(want.ok() && got.ok()) << seq;
    ASSERT_EQ(got->event().SerializeAsString(),
              want->event().SerializeAsString())
        << seq;
  }
  EXPECT_EQ(IndexOf(*spilled), IndexOf(*batch));
  // The stored tree is the tree of the stored records.
  auto root = merkle::RootAt(spilled->Size(), LogNodeReader(*spilled));
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(*root, testing::RootOfStoredRecords(*spilled));
  // Imported once: the same file again is refused, from the ingested mark.
  auto again = ingest::ImportFiles(*spilled, {{path}});
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists)
      << again.status();
}

// Every SIE file of the corpus (files real programs wrote), imported with
// every part spilled and with none: the same verdict, the same message when
// refused, and the same records and index when imported.
TEST_F(IngestTest, EveryCorpusFileImportsTheSameSpilledOrNot) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(
           absl::StrCat(FUNDLOG_TEST_DATA_DIR, "/sie/jsisie"))) {
    if (sie::IsSieFileName(entry.path().string())) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 50u);
  int imported = 0;
  int spilled_imports = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    SCOPED_TRACE(files[i]);
    SpillOutcome batch =
        ImportSpilling(absl::StrCat(dir_, "/batch-", i), SIZE_MAX, files[i]);
    SpillOutcome spilled =
        ImportSpilling(absl::StrCat(dir_, "/spilled-", i), 1, files[i]);
    ASSERT_EQ(spilled.result.ok(), batch.result.ok());
    EXPECT_EQ(batch.parts_with_staged_files, 0);
    if (!batch.result.ok()) {
      EXPECT_EQ(spilled.result.status(), batch.result.status());
      EXPECT_EQ(spilled.log->Size(), 0u);
      continue;
    }
    ++imported;
    if (spilled.parts_with_staged_files > 0) ++spilled_imports;
    ASSERT_EQ(spilled.log->Size(), batch.log->Size());
    for (uint64_t seq = 0; seq < batch.log->Size(); ++seq) {
      auto want = batch.log->Read(seq);
      auto got = spilled.log->Read(seq);
      ASSERT_TRUE(want.ok() && got.ok()) << seq;
      // Field by field: a map field (a row's objects) serializes in no
      // fixed order.
      ASSERT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
          got->event(), want->event()))
          << seq << "\n"
          << got->event().DebugString() << "\n"
          << want->event().DebugString();
    }
    EXPECT_EQ(IndexOf(*spilled.log), IndexOf(*batch.log));
    auto root =
        merkle::RootAt(spilled.log->Size(), LogNodeReader(*spilled.log));
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(*root, testing::RootOfStoredRecords(*spilled.log));
  }
  EXPECT_GT(imported, 40);
  EXPECT_EQ(spilled_imports, imported) << "every import went through files";
}

v1::EventBatch Allocations(const std::string& prefix, int count) {
  v1::EventBatch batch;
  for (int i = 0; i < count; ++i) {
    v1::Event* event = batch.add_events();
    event->set_event_id(absl::StrCat(prefix, i));
    event->set_fund_id("f");
    event->mutable_effective()->set_day("2020-01-01");
    event->set_recorded_on("2020-01-01");
    event->mutable_source()->set_title("test");
    if (prefix == "est") {
      event->mutable_fund_established()->set_name("f");
    } else {
      event->mutable_allocation()->set_amount_ore(1 + i);
    }
  }
  return batch;
}

TEST_F(IngestTest, SessionTreeEqualsTheTreeOfItsRecords) {
  auto log = EventLog::Create(CreateOptions{
      .path = LogDir(), .origin = "t", .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->Append(Allocations("est", 1), 0).ok());
  ASSERT_TRUE((*log)->Append(Allocations("pre", 2), 1).ok());
  auto session = (*log)->BeginAppend(3);
  ASSERT_TRUE(session.ok()) << session.status();
  const BatchOrigin origin{"f.textpb", std::string(64, 'a')};
  for (auto [prefix, count] : {std::pair{"a", 5}, {"b", 7}, {"c", 1}}) {
    ASSERT_TRUE((*session)->Add(Allocations(prefix, count), origin).ok());
  }
  // A later part sees the ids of the earlier ones.
  absl::Status duplicate = (*session)->Add(Allocations("b", 1), origin);
  EXPECT_THAT(duplicate.message(), HasSubstr("event 13"));
  auto spoiled = (*session)->Commit();
  EXPECT_EQ(spoiled.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*log)->Size(), 3u);

  session = (*log)->BeginAppend(3);
  ASSERT_TRUE(session.ok());
  for (auto [prefix, count] : {std::pair{"a", 5}, {"b", 7}, {"c", 1}}) {
    ASSERT_TRUE((*session)->Add(Allocations(prefix, count), origin).ok());
  }
  auto committed = (*session)->Commit();
  ASSERT_TRUE(committed.ok()) << committed.status();
  EXPECT_EQ(committed->new_size, 16u);
  auto got = merkle::RootAt(16, LogNodeReader(**log));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, testing::RootOfStoredRecords(**log));
  auto last = (*log)->Read(15);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->provenance().index_in_file(), 12u);
  auto mark = (*log)->FindImportedFile(origin.file_sha256);
  ASSERT_TRUE(mark.ok() && mark->has_value());
  EXPECT_EQ(**mark, 3u);
}

}  // namespace
}  // namespace fundlog
