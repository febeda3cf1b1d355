// A failed write poisons the writer: the state on disk is then unknown, so
// the log takes no more writes until it is reopened.
#include <atomic>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/ledger/record_rules.h"
#include "core/store/event_log.h"
#include "core/store/failing_file_system_for_test.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace fundlog {
namespace {

using fundlog::testing::FailingFileSystem;
using ::testing::HasSubstr;

v1::EventBatch OneEvent(const std::string& id, bool establish) {
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

TEST(PoisonTest, FailedSyncPoisonsTheWriterUntilReopen) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     absl::StrCat("fundlog-poison-", getpid()))
                        .string();
  std::filesystem::remove_all(dir);
  std::atomic<bool> failing{false};
  auto file_system = std::make_shared<FailingFileSystem>(&failing);
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(file_system);
  {
    auto log =
        EventLog::Create(CreateOptions{.path = dir,
                                       .origin = "origin",
                                       .env = env.get(),
                                       .rules = &fundlog::ledger::Rules()});
    ASSERT_TRUE(log.ok()) << log.status();
    ASSERT_TRUE((*log)->Append(OneEvent("est", true), 0).ok());
    failing = true;
    auto failed = (*log)->Append(OneEvent("a1", false), 1);
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kInternal)
        << failed.status();
    EXPECT_EQ((*log)->Size(), 1u) << "a failed append is not acknowledged";
    failing = false;
    // The disk works again, but the writer stays poisoned.
    auto refused = (*log)->Append(OneEvent("a2", false), std::nullopt);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(refused.status().message(), HasSubstr("reopen"));
  }
  auto reopened = EventLog::Open(
      OpenOptions{.path = dir, .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  const uint64_t size = (*reopened)->Size();
  EXPECT_TRUE(size == 1 || size == 2) << size;  // WAL replay settles it
  auto appended = (*reopened)->Append(OneEvent("a3", false), size);
  EXPECT_TRUE(appended.ok()) << appended.status();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fundlog
