// Reads beside an append, in one process: the EventLog header promises that
// reads may run concurrently with each other and with an append. Run by the
// normal suite and by the ThreadSanitizer build (tools/test-sanitizers.sh
// runs every test labelled "threads").
#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/ledger/record_rules.h"
#include "core/store/event_log.h"
#include "gtest/gtest.h"

namespace fundlog {
namespace {

constexpr int kBatches = 60;
constexpr int kEventsPerBatch = 5;
constexpr int kReaders = 3;

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fundlog-threads-XXXXXX")
            .string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Log() const { return path_ + "/log"; }

 private:
  std::string path_;
};

v1::Event Event(std::string id, const std::string& day) {
  v1::Event event;
  event.set_event_id(std::move(id));
  event.set_fund_id("f");
  event.mutable_effective()->set_day(day);
  event.set_recorded_on(day);
  event.mutable_source()->set_title("test source");
  return event;
}

v1::EventBatch Allocations(int batch_number) {
  v1::EventBatch batch;
  for (int i = 0; i < kEventsPerBatch; ++i) {
    v1::Event event = Event(absl::StrCat("a", batch_number, "-", i),
                            absl::StrCat("2001-01-", 10 + i));
    event.mutable_allocation()->set_amount_ore(100 + batch_number);
    *batch.add_events() = std::move(event);
  }
  return batch;
}

// Each reader loops until the writer is done: whatever size it sees, every
// record below it reads back whole (Read, ReadRaw, Scan agree), the size
// never shrinks, and the by-date index finds only records that exist.
void ReadUntilDone(const EventLog& log, const std::atomic<bool>& done,
                   std::atomic<int>& failures) {
  uint64_t last_size = 0;
  auto fail = [&](const std::string& what) {
    ADD_FAILURE() << what;
    failures.fetch_add(1);
  };
  while (!done.load()) {
    const uint64_t size = log.Size();
    if (size < last_size) fail(absl::StrCat("size went back to ", size));
    last_size = size;
    if (size == 0) continue;
    auto last = log.Read(size - 1);
    if (!last.ok()) fail(absl::StrCat("Read: ", last.status().ToString()));
    auto raw = log.ReadRaw(size / 2);
    if (!raw.ok()) fail(absl::StrCat("ReadRaw: ", raw.status().ToString()));
    uint64_t scanned = 0;
    absl::Status scan =
        log.Scan(0, size, [&](const v1::StoredRecord&) -> absl::Status {
          ++scanned;
          return absl::OkStatus();
        });
    if (!scan.ok() || scanned != size) {
      fail(absl::StrCat("Scan saw ", scanned, " of ", size, ": ",
                        scan.ToString()));
    }
    absl::Status by_day = log.ScanByEffective(
        "f", absl::CivilDay(2000, 1, 1), absl::CivilDay(2002, 1, 1),
        [](const v1::StoredRecord&) { return absl::OkStatus(); });
    if (!by_day.ok())
      fail(absl::StrCat("ScanByEffective: ", by_day.ToString()));
    if (failures.load() > 10) return;
  }
}

TEST(StoreThreadsTest, ReadsBesideAppendsSeeWholeRecords) {
  TempDir dir;
  auto created =
      EventLog::Create(CreateOptions{.path = dir.Log(),
                                     .origin = "origin",
                                     .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(created.ok()) << created.status();
  EventLog& log = **created;
  v1::EventBatch established;
  *established.add_events() = Event("est-f", "2000-01-01");
  established.mutable_events(0)->mutable_fund_established()->set_name("f");
  ASSERT_TRUE(log.Append(established, 0).ok());

  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < kReaders; ++i) {
    readers.emplace_back([&] { ReadUntilDone(log, done, failures); });
  }
  for (int b = 0; b < kBatches; ++b) {
    auto appended = log.Append(Allocations(b), std::nullopt);
    EXPECT_TRUE(appended.ok()) << appended.status();
  }
  done.store(true);
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(log.Size(), 1u + kBatches * kEventsPerBatch);
}

// Appends from several threads are serialised: every batch lands whole, the
// sequence numbers are consecutive, and nothing is lost.
TEST(StoreThreadsTest, AppendsFromSeveralThreadsAreSerialised) {
  TempDir dir;
  auto created =
      EventLog::Create(CreateOptions{.path = dir.Log(),
                                     .origin = "origin",
                                     .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(created.ok()) << created.status();
  EventLog& log = **created;
  v1::EventBatch established;
  *established.add_events() = Event("est-f", "2000-01-01");
  established.mutable_events(0)->mutable_fund_established()->set_name("f");
  ASSERT_TRUE(log.Append(established, 0).ok());

  constexpr int kWriters = 3;
  constexpr int kBatchesEach = 10;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&log, w] {
      for (int b = 0; b < kBatchesEach; ++b) {
        auto appended =
            log.Append(Allocations(w * kBatchesEach + b), std::nullopt);
        EXPECT_TRUE(appended.ok()) << appended.status();
        if (appended.ok()) {
          EXPECT_EQ(appended->new_size - appended->first_seq,
                    static_cast<uint64_t>(kEventsPerBatch));
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(log.Size(), 1u + kWriters * kBatchesEach * kEventsPerBatch);
  // Each batch's events are consecutive: event i of a batch at seq s + i.
  for (uint64_t seq = 1; seq < log.Size(); seq += kEventsPerBatch) {
    auto first = log.Read(seq);
    ASSERT_TRUE(first.ok()) << first.status();
    const std::string prefix = first->event().event_id().substr(
        0, first->event().event_id().find('-'));
    for (int i = 1; i < kEventsPerBatch; ++i) {
      auto next = log.Read(seq + i);
      ASSERT_TRUE(next.ok()) << next.status();
      EXPECT_EQ(next->event().event_id(), absl::StrCat(prefix, "-", i));
    }
  }
}

}  // namespace
}  // namespace fundlog
