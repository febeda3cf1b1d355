// crash_writer LOGDIR [SEED]: appends synthetic batches to the log in LOGDIR
// forever, for crash_test to kill at a random moment.
//
// After each Append that returned OK it prints, and flushes,
//   acked <new_size> <last_event_id>
// so every line on stdout is a promise the log must keep after a crash. The
// log is created (origin "crash/test") when LOGDIR holds none. Event i of the
// log has event_id "crash-<i>": record 0 establishes the fund, every later
// one is an allocation. Exits 1 (with a message on stderr) on any error.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <random>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/base/dates.h"
#include "core/ledger/record_rules.h"
#include "core/store/event_log.h"

namespace fundlog {
namespace {

constexpr char kOrigin[] = "crash/test";
constexpr char kFundId[] = "crash-fund";
constexpr char kSourceTitle[] = "SYNTHETIC crash test";
constexpr int kBatchEventsMin = 1;
constexpr int kBatchEventsMax = 50;

// Event `seq` of the log: the fund first, then allocations on successive
// days of a synthetic calendar.
v1::Event SyntheticEvent(uint64_t seq) {
  const absl::CivilDay day =
      absl::CivilDay(2020, 1, 1) + static_cast<int64_t>(seq % 3650);
  v1::Event event;
  event.set_event_id(absl::StrCat("crash-", seq));
  event.set_fund_id(kFundId);
  event.mutable_effective()->set_day(FormatDay(day));
  event.set_recorded_on(FormatDay(day));
  event.mutable_source()->set_title(kSourceTitle);
  if (seq == 0) {
    event.mutable_fund_established()->set_name("Crash test fund");
  } else {
    event.mutable_allocation()->set_amount_ore(
        100 + static_cast<int64_t>(seq % 100'000));
  }
  return event;
}

absl::StatusOr<std::unique_ptr<EventLog>> OpenOrCreate(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<EventLog>> log = EventLog::Open(
      OpenOptions{.path = path, .rules = &fundlog::ledger::Rules()});
  if (log.status().code() != absl::StatusCode::kNotFound) return log;
  return EventLog::Create(CreateOptions{
      .path = path, .origin = kOrigin, .rules = &fundlog::ledger::Rules()});
}

int Run(const std::string& path, uint64_t seed) {
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenOrCreate(path);
  if (!log.ok()) {
    std::cerr << "crash_writer: " << log.status() << "\n";
    return 1;
  }
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> batch_events(kBatchEventsMin,
                                                  kBatchEventsMax);
  for (;;) {
    const uint64_t size = (*log)->Size();
    const int count = batch_events(random);
    v1::EventBatch batch;
    for (int i = 0; i < count; ++i) {
      *batch.add_events() = SyntheticEvent(size + i);
    }
    absl::StatusOr<AppendResult> appended = (*log)->Append(batch, size);
    if (!appended.ok()) {
      std::cerr << "crash_writer: append at size " << size << ": "
                << appended.status() << "\n";
      return 1;
    }
    // Only now is the batch acknowledged: print after Append returned.
    std::string line =
        absl::StrCat("acked ", appended->new_size, " ",
                     batch.events(batch.events_size() - 1).event_id(), "\n");
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  }
}

}  // namespace
}  // namespace fundlog

int main(int argc, char** argv) {
  uint64_t seed = 1;
  if (argc < 2 || argc > 3 ||
      (argc == 3 && !absl::SimpleAtoi(argv[2], &seed))) {
    std::cerr << "usage: crash_writer LOGDIR [SEED]\n";
    return 2;
  }
  return fundlog::Run(argv[1], seed);
}
