// LiveLog keeps the light projector of the query state (with its known
// state) warm, answers balances with and without known_at from it as a full
// replay does, and goes back to it after the records of a writer whose query
// state came after them.
#include "core/serve/live_log.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/ledger/ledger.h"
#include "core/ledger/random.h"
#include "core/ledger/record_rules.h"
#include "core/ledger/snapshots.h"
#include "core/ledger/synth.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fundlog::serve {
namespace {

std::string Text(const absl::StatusOr<std::vector<ledger::AccountRange>>& r) {
  if (!r.ok()) return r.status().ToString();
  std::string out;
  for (const ledger::AccountRange& a : *r) {
    absl::StrAppend(&out, a.account, "|", a.min_ore, "..", a.max_ore,
                    a.bound_contradicted ? "!" : "", ";");
  }
  return out;
}

class LiveLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fundlog-live-XXXXXX")
            .string();
    dir_ = mkdtemp(pattern.data());
    path_ = dir_ + "/log";
    generated_ = ledger::GenerateSynthetic(41, 4000, 2);
    auto created =
        EventLog::Create(CreateOptions{.path = path_,
                                       .origin = "live-log-test",
                                       .rules = &fundlog::ledger::Rules()});
    ASSERT_TRUE(created.ok()) << created.status();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Appends generated events [from, to) in a writer that then closes;
  // with `refresh`, the writer stores the query state afterwards.
  void Write(size_t from, size_t to, bool refresh) {
    auto log = EventLog::Open(
        OpenOptions{.path = path_, .rules = &fundlog::ledger::Rules()});
    ASSERT_TRUE(log.ok()) << log.status();
    v1::EventBatch batch;
    for (size_t i = from; i < to; ++i) {
      *batch.add_events() = generated_[i].event();
    }
    ASSERT_TRUE((*log)->Append(batch, std::nullopt).ok());
    if (refresh) {
      ASSERT_TRUE(ledger::RefreshSnapshots(**log).ok());
    }
  }

  std::vector<v1::StoredRecord> Records(size_t n) const {
    return {generated_.begin(), generated_.begin() + n};
  }

  // Balances at random (as_of, known_at, view) from `live` equal a full
  // replay of the first `n` records.
  void ExpectReplayAnswers(const LiveLog& live, size_t n, uint64_t seed) {
    const std::vector<v1::StoredRecord> records = Records(n);
    ledger::Random random(seed);
    for (int q = 0; q < 60; ++q) {
      ledger::BalanceQuery query;
      query.as_of = absl::CivilDay(2000, 1, 1) + random.Below(21 * 365);
      if (q % 4 != 0) {
        query.known_at = absl::CivilDay(2000, 1, 1) + random.Below(23 * 365);
      }
      query.view = ledger::kAllViews[random.Below(3)];
      SCOPED_TRACE(absl::StrCat("query ", q));
      auto answer = live.Query([&](const LiveLog::Warm& warm) {
        return warm.projector.BalancesAt(query);
      });
      ASSERT_EQ(Text(answer), Text(ledger::Balances(records, query)));
    }
  }

  std::string dir_, path_;
  std::vector<v1::StoredRecord> generated_;
};

TEST_F(LiveLogTest, KnownAtBalancesComeFromTheLightProjector) {
  Write(0, 3000, /*refresh=*/true);
  auto live = LiveLog::Open(path_);
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_TRUE((*live)->light());
  ExpectReplayAnswers(**live, 3000, 7);
  // Answered from the query state and its known state, not a full load per
  // query (a plan boundary it did not foresee may still need one).
  EXPECT_LT((*live)->fallbacks(), 10u);
}

TEST_F(LiveLogTest, RecordsBeforeTheirQueryStateAreServedThenTheLightOne) {
  Write(0, 3000, /*refresh=*/true);
  auto live = LiveLog::Open(path_);
  ASSERT_TRUE(live.ok()) << live.status();
  ASSERT_TRUE((*live)->light());
  // A writer that has not stored the query state of its records yet.
  Write(3000, 3500, /*refresh=*/false);
  auto grew = (*live)->CatchUp();
  ASSERT_TRUE(grew.ok()) << grew.status();
  EXPECT_TRUE(*grew);
  EXPECT_FALSE((*live)->light());
  ExpectReplayAnswers(**live, 3500, 8);
  // Its refresh: back to the light projector, same answers.
  {
    auto log = EventLog::Open(
        OpenOptions{.path = path_, .rules = &fundlog::ledger::Rules()});
    ASSERT_TRUE(log.ok()) << log.status();
    ASSERT_TRUE(ledger::RefreshSnapshots(**log).ok());
  }
  ASSERT_TRUE((*live)->CatchUp().ok());
  EXPECT_TRUE((*live)->light());
  ExpectReplayAnswers(**live, 3500, 9);
}

// The funds and accounts at Open come from the records the index names as
// defining them, as a scan of every record would name them; the latest
// recorded_on comes from a scan beside the serving, and until it has run no
// known_at is dropped.
TEST_F(LiveLogTest, FundsFromTheirDefinitionsAndRecordedOnFromAScan) {
  Write(0, 3000, /*refresh=*/true);
  std::map<std::string, std::string> fund_names;
  std::map<std::string, std::string> account_names;
  std::string latest;
  for (const v1::StoredRecord& record : Records(3000)) {
    const v1::Event& event = record.event();
    latest = std::max(latest, event.recorded_on());
    if (event.has_fund_established()) {
      fund_names[event.fund_id()] = event.fund_established().name();
    }
    for (const v1::Account& account : event.accounts_defined().accounts()) {
      account_names[account.id()] = account.name();
    }
  }
  ASSERT_GE(fund_names.size(), 2u);
  ASSERT_GE(account_names.size(), 2u);
  auto live = LiveLog::Open(path_);
  ASSERT_TRUE(live.ok()) << live.status();
  const std::string funds = (*live)->state()->funds_json;
  for (const auto& [id, name] : fund_names) {
    EXPECT_THAT(funds, ::testing::HasSubstr(absl::StrCat(
                           R"("fund":")", id, R"(","name":")", name, "\"")));
  }
  for (const auto& [id, name] : account_names) {
    EXPECT_THAT(funds, ::testing::HasSubstr(absl::StrCat(
                           R"("account":")", id, R"(","name":")", name, "\"")));
  }
  auto recorded_on = [&] {
    return (*live)
        ->Query([](const LiveLog::Warm& warm) {
          return absl::StatusOr<std::string>(warm.last_recorded_on);
        })
        .value();
  };
  EXPECT_EQ(recorded_on(), kRecordedOnUnknown);
  ExpectReplayAnswers(**live, 3000, 10);
  (*live)->Start(absl::Milliseconds(50), "/bin/true");
  for (int i = 0; i < 400 && recorded_on() != latest; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(recorded_on(), latest);
  ExpectReplayAnswers(**live, 3000, 11);
}

}  // namespace
}  // namespace fundlog::serve
