// The timeline of a range of days, read through the index's periods by
// length class, gives byte for byte what a scan of every record gives: over
// random ranges of a synthetic log (labelled synthetic) holding periods of
// years, open-ended periods and corrections.
#include "core/audit/timeline.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/audit/describe.h"
#include "core/base/dates.h"
#include "core/ledger/record_rules.h"
#include "core/ledger/synth.h"
#include "core/store/event_log.h"
#include "gtest/gtest.h"

namespace fundlog {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fundlog-timeline-XXXXXX")
            .string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Log() const { return path_ + "/log"; }

 private:
  std::string path_;
};

// What the timeline must give, from every record: those of the fund that
// overlap [from, to] and were recorded by known_at, by (start, seq).
std::vector<v1::StoredRecord> FullScan(
    const std::vector<v1::StoredRecord>& stored, const TimelineQuery& query) {
  const std::string from = query.from ? FormatDay(*query.from) : "";
  const std::string to = query.to ? FormatDay(*query.to) : "";
  const std::string known = query.known_at ? FormatDay(*query.known_at) : "";
  std::vector<v1::StoredRecord> out;
  for (const v1::StoredRecord& record : stored) {
    const v1::Event& event = record.event();
    const std::string start = EffectiveFrom(event.effective());
    const std::string end = EffectiveTo(event.effective());
    if (!query.fund_id.empty() && event.fund_id() != query.fund_id) continue;
    if (!to.empty() && start > to) continue;
    if (!from.empty() && !end.empty() && end < from) continue;
    if (!known.empty() && event.recorded_on() > known) continue;
    out.push_back(record);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return EffectiveFrom(a.event().effective()) <
           EffectiveFrom(b.event().effective());
  });
  return out;
}

absl::CivilDay RandomDay(std::mt19937_64& random) {
  return absl::CivilDay(1998, 1, 1) +
         static_cast<int64_t>(random() % (24 * 366));
}

TEST(TimelineTest, RangesThroughTheIndexEqualAFullScan) {
  TempDir dir;
  auto created =
      EventLog::Create(CreateOptions{.path = dir.Log(),
                                     .origin = "timeline",
                                     .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(created.ok()) << created.status();
  EventLog& log = **created;
  const std::vector<v1::StoredRecord> generated =
      ledger::GenerateSynthetic(11, 6000, 3);
  for (size_t at = 0; at < generated.size(); at += 500) {
    v1::EventBatch batch;
    for (size_t i = at; i < std::min(generated.size(), at + 500); ++i) {
      *batch.add_events() = generated[i].event();
    }
    auto appended = log.Append(batch, std::nullopt);
    ASSERT_TRUE(appended.ok()) << appended.status();
  }
  std::vector<v1::StoredRecord> stored;
  ASSERT_TRUE(log.Scan(0, log.Size(),
                       [&](const v1::StoredRecord& record) {
                         stored.push_back(record);
                         return absl::OkStatus();
                       })
                  .ok());
  // The log holds what the ranges must get right.
  int open = 0, long_periods = 0, corrections = 0;
  for (const v1::StoredRecord& record : stored) {
    const v1::Effective& effective = record.event().effective();
    if (effective.has_period() && effective.period().to().empty()) ++open;
    if (effective.has_period() && !effective.period().to().empty() &&
        effective.period().to().substr(0, 4) !=
            effective.period().from().substr(0, 4)) {
      ++long_periods;
    }
    corrections += record.event().has_correction();
  }
  ASSERT_GT(open, 0);
  ASSERT_GT(long_periods, 0);
  ASSERT_GT(corrections, 0);

  const std::string funds[] = {"", "synthetic-fund-0", "synthetic-fund-1",
                               "synthetic-fund-2"};
  std::mt19937_64 random(5);
  for (int i = 0; i < 300; ++i) {
    TimelineQuery query;
    query.fund_id = funds[random() % 4];
    if (random() % 8 != 0) query.from = RandomDay(random);
    if (random() % 8 != 0) {
      query.to = query.from && random() % 2 == 0
                     ? *query.from + static_cast<int64_t>(random() % 400)
                     : RandomDay(random);
    }
    if (random() % 4 == 0) query.known_at = RandomDay(random);
    absl::StatusOr<std::vector<v1::StoredRecord>> timeline =
        Timeline(log, query);
    ASSERT_TRUE(timeline.ok()) << timeline.status();
    const std::string context =
        absl::StrCat("fund \"", query.fund_id, "\" from ",
                     query.from ? FormatDay(*query.from) : "-", " to ",
                     query.to ? FormatDay(*query.to) : "-", " known at ",
                     query.known_at ? FormatDay(*query.known_at) : "-");
    ASSERT_EQ(TimelineJson(*timeline), TimelineJson(FullScan(stored, query)))
        << context;
  }
}

}  // namespace
}  // namespace fundlog
