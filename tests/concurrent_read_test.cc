// Readers beside a writer in one process: threads that verify the log, take
// views and ask its size while another thread appends batch after batch.
// A reader sees whole appends or none, and never waits for an append.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/audit/integrity.h"
#include "core/ledger/record_rules.h"
#include "core/store/event_log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace fundlog {
namespace {

constexpr int kBatches = 400;
constexpr int kBatchEvents = 10;
constexpr auto kSlowSync = std::chrono::milliseconds(600);

v1::EventBatch Batch(int first, int count) {
  v1::EventBatch batch;
  for (int i = first; i < first + count; ++i) {
    v1::Event* event = batch.add_events();
    event->set_event_id(absl::StrCat("e", i));
    event->set_fund_id("f");
    event->mutable_effective()->set_day(
        absl::StrCat("2020-0", 1 + i % 9, "-1", i % 10));
    event->set_recorded_on("2020-01-01");
    event->mutable_source()->set_title("test");
    if (i == 0) {
      event->mutable_fund_established()->set_name("f");
    } else {
      event->mutable_allocation()->set_amount_ore(i);
    }
  }
  return batch;
}

std::string TestDir(const char* name) {
  return (std::filesystem::temp_directory_path() /
          absl::StrCat("fundlog-", name, "-", getpid()))
      .string();
}

TEST(ConcurrentReadTest, VerifyAndViewsBesideAppendsSeeWholeAppends) {
  const std::string dir = TestDir("concurrent-read");
  std::filesystem::remove_all(dir);
  auto log = EventLog::Create(CreateOptions{
      .path = dir, .origin = "c/r", .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->Append(Batch(0, 1), 0).ok());
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < kBatches; ++i) {
      const int size = static_cast<int>((*log)->Size());
      auto appended = (*log)->Append(Batch(size, kBatchEvents), size);
      EXPECT_TRUE(appended.ok()) << appended.status();
    }
    done.store(true);
  });
  std::atomic<int> checks{0};
  auto reader = [&] {
    while (!done.load()) {
      // A whole size: 1 + a multiple of the batch size.
      const uint64_t size = (*log)->Size();
      EXPECT_EQ((size - 1) % kBatchEvents, 0u) << size;
      absl::StatusOr<IntegrityReport> report =
          CheckIntegrity(**log, std::nullopt);
      ASSERT_TRUE(report.ok()) << report.status();
      EXPECT_THAT(report->findings, ::testing::IsEmpty())
          << report->findings.front().detail;
      EXPECT_EQ((report->tree_size - 1) % kBatchEvents, 0u);
      absl::StatusOr<LogView> view = (*log)->NewView();
      ASSERT_TRUE(view.ok()) << view.status();
      uint64_t by_date = 0;
      EXPECT_TRUE(view->ScanByEffective("", absl::CivilDay(2020, 1, 1),
                                        absl::CivilDay(2020, 12, 31),
                                        [&](const v1::StoredRecord&) {
                                          ++by_date;
                                          return absl::OkStatus();
                                        })
                      .ok());
      EXPECT_EQ(by_date, view->Size());
      uint64_t unviewed = 0;
      EXPECT_TRUE((*log)
                      ->ScanByEffective("", absl::CivilDay(2020, 1, 1),
                                        absl::CivilDay(2020, 12, 31),
                                        [&](const v1::StoredRecord&) {
                                          ++unviewed;
                                          return absl::OkStatus();
                                        })
                      .ok());
      EXPECT_GE(unviewed, by_date);
      checks.fetch_add(1);
    }
  };
  std::thread reader_a(reader);
  std::thread reader_b(reader);
  writer.join();
  reader_a.join();
  reader_b.join();
  EXPECT_GT(checks.load(), 4) << "the readers hardly ran beside the writer";
  log->reset();
  std::filesystem::remove_all(dir);
}

// Makes the WAL's sync slow while `slow` is set, and says when one is under
// way: an append then holds the writer's mutex for kSlowSync.
class SlowSyncFileSystem : public rocksdb::FileSystemWrapper {
 public:
  SlowSyncFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "SlowSyncFileSystem"; }
  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* out,
      rocksdb::IODebugContext* debug) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s =
        target()->NewWritableFile(name, options, &file, debug);
    if (s.ok()) *out = std::make_unique<File>(std::move(file), this);
    return s;
  }
  std::atomic<bool> slow{false};
  std::atomic<bool> syncing{false};

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, SlowSyncFileSystem* fs)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* debug) override {
      Wait();
      return FSWritableFileOwnerWrapper::Sync(options, debug);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* debug) override {
      Wait();
      return FSWritableFileOwnerWrapper::Fsync(options, debug);
    }

   private:
    void Wait() {
      if (!fs_->slow.load()) return;
      fs_->syncing.store(true);
      std::this_thread::sleep_for(kSlowSync);
      fs_->syncing.store(false);
    }
    SlowSyncFileSystem* fs_;
  };
};

TEST(ConcurrentReadTest, ReadsDoNotWaitForAnAppend) {
  const std::string dir = TestDir("slow-sync");
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(
      EventLog::Create(CreateOptions{.path = dir,
                                     .origin = "s/s",
                                     .rules = &fundlog::ledger::Rules()})
          .ok());
  auto fs = std::make_shared<SlowSyncFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  auto log = EventLog::Open(OpenOptions{
      .path = dir, .env = env.get(), .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->Append(Batch(0, 1), 0).ok());
  fs->slow.store(true);
  std::thread writer(
      [&] { EXPECT_TRUE((*log)->Append(Batch(1, kBatchEvents), 1).ok()); });
  const auto give_up = std::chrono::steady_clock::now() + kSlowSync * 20;
  while (!fs->syncing.load() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  ASSERT_TRUE(fs->syncing.load()) << "no sync was seen";
  // The reads must all finish while the append is still in its sync: that
  // they never wait for it is told by the sync still running, not by a
  // clock (no test fails on timing).
  const uint64_t size = (*log)->Size();
  const LogInfo info = (*log)->Info();
  const bool view_ok = (*log)->NewView().ok();
  const bool append_still_running = fs->syncing.load();
  writer.join();
  EXPECT_TRUE(append_still_running) << "the reads finished after the sync";
  EXPECT_EQ(size, 1u) << "the append was not yet acknowledged";
  EXPECT_EQ(info.size, 1u);
  EXPECT_TRUE(view_ok);
  EXPECT_EQ((*log)->Size(), 1u + kBatchEvents);
  fs->slow.store(false);
  log->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fundlog
