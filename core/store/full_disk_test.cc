// A disk that fills up at any write during an append: the append is refused
// as "the disk is full" (never an abort), nothing is half written, and once
// space returns the log opens, holds whole records and takes appends.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/ledger/record_rules.h"
#include "core/store/event_log.h"
#include "core/store/no_space_file_system_for_test.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"

namespace fundlog {
namespace {

using fundlog::testing::NoSpaceFileSystem;
using ::testing::HasSubstr;

v1::EventBatch Event(const std::string& id, bool establish) {
  v1::EventBatch batch;
  v1::Event* event = batch.add_events();
  event->set_event_id(id);
  event->set_fund_id("f");
  event->mutable_effective()->set_day("2020-01-01");
  event->set_recorded_on("2020-01-01");
  event->mutable_source()->set_title("test");
  if (establish) {
    event->mutable_fund_established()->set_name("f");
  } else {
    event->mutable_allocation()->set_amount_ore(1);
  }
  return batch;
}

// Every record 1..size reads back whole.
void ExpectWholeRecords(const EventLog& log) {
  for (uint64_t seq = 0; seq < log.Size(); ++seq) {
    auto record = log.Read(seq);
    EXPECT_TRUE(record.ok()) << seq << ": " << record.status();
  }
}

// The disk fills at the k-th write of an append, for each k until the append
// needs fewer writes than k.
TEST(FullDiskTest, AppendThatRunsOutOfSpaceIsRefusedAsDiskFull) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           absl::StrCat("fundlog-full-", getpid()))
                              .string();
  int refusals = 0;
  for (int64_t at = 0; at < 40; ++at) {
    SCOPED_TRACE(absl::StrCat("disk full after ", at, " writes"));
    std::filesystem::remove_all(dir);
    std::atomic<int64_t> writes_left{-1};
    auto fs = std::make_shared<NoSpaceFileSystem>(&writes_left);
    std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
    {
      auto log =
          EventLog::Create(CreateOptions{.path = dir,
                                         .origin = "full/disk",
                                         .env = env.get(),
                                         .rules = &fundlog::ledger::Rules()});
      ASSERT_TRUE(log.ok()) << log.status();
      ASSERT_TRUE((*log)->Append(Event("est", true), 0).ok());
      writes_left = at;
      auto appended = (*log)->Append(Event("a1", false), 1);
      if (appended.ok()) {
        writes_left = -1;
        break;  // the append needed fewer than `at` writes: all cases seen
      }
      ++refusals;
      EXPECT_EQ(appended.status().code(), absl::StatusCode::kResourceExhausted)
          << appended.status();
      EXPECT_THAT(appended.status().message(), HasSubstr("the disk is full"));
      EXPECT_EQ((*log)->Size(), 1u);
    }                  // closing on a full disk must not abort either
    writes_left = -1;  // space returns
    auto reopened = EventLog::Open(OpenOptions{
        .path = dir, .env = env.get(), .rules = &fundlog::ledger::Rules()});
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    const uint64_t size = (*reopened)->Size();
    EXPECT_TRUE(size == 1 || size == 2) << size;  // the WAL decides
    ExpectWholeRecords(**reopened);
    auto next = (*reopened)->Append(Event("a2", false), size);
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_EQ((*reopened)->Size(), size + 1);
    ExpectWholeRecords(**reopened);
  }
  EXPECT_GT(refusals, 0);
  std::filesystem::remove_all(dir);
}

// A disk already full when the log is created: refused as full, and no
// staging directory is left beside the destination.
TEST(FullDiskTest, CreateOnAFullDiskIsRefusedAndLeavesNoStaging) {
  const std::filesystem::path parent =
      std::filesystem::temp_directory_path() /
      absl::StrCat("fundlog-full-create-", getpid());
  std::filesystem::remove_all(parent);
  std::filesystem::create_directories(parent);
  std::atomic<int64_t> writes_left{0};
  auto fs = std::make_shared<NoSpaceFileSystem>(&writes_left);
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  auto log =
      EventLog::Create(CreateOptions{.path = (parent / "log").string(),
                                     .origin = "full/disk",
                                     .env = env.get(),
                                     .rules = &fundlog::ledger::Rules()});
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kResourceExhausted)
      << log.status();
  EXPECT_THAT(log.status().message(), HasSubstr("the disk is full"));
  EXPECT_TRUE(std::filesystem::is_empty(parent));
  std::filesystem::remove_all(parent);
}

}  // namespace
}  // namespace fundlog
