// Snapshots in the `derived` family give the answers a full replay gives,
// and a snapshot the log no longer vouches for is ignored.
#include <openssl/sha.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/ledger/ledger.h"
#include "core/ledger/random.h"
#include "core/ledger/record_rules.h"
#include "core/ledger/snapshots.h"
#include "core/ledger/synth.h"
#include "core/ledger/test_events.h"
#include "core/store/event_log.h"
#include "gtest/gtest.h"

namespace fundlog::ledger {
namespace {

using ::fundlog::ledger::testing::D;

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fundlog-snapshot-XXXXXX")
            .string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Log() const { return path_ + "/log"; }

 private:
  std::string path_;
};

// A log holding GenerateSynthetic(seed, events, funds), appended in batches.
struct SyntheticLog {
  TempDir dir;
  std::unique_ptr<EventLog> log;
  std::vector<v1::StoredRecord> generated;
  size_t appended = 0;

  SyntheticLog(uint64_t seed, int events, int funds)
      : generated(GenerateSynthetic(seed, events, funds)) {
    auto created =
        EventLog::Create(CreateOptions{.path = dir.Log(),
                                       .origin = "snapshot-test",
                                       .rules = &fundlog::ledger::Rules()});
    EXPECT_TRUE(created.ok()) << created.status();
    if (created.ok()) log = std::move(*created);
  }
  // Appends the next `count` generated events.
  void Append(size_t count) {
    v1::EventBatch batch;
    for (size_t i = 0; i < count && appended < generated.size(); ++i) {
      *batch.add_events() = generated[appended++].event();
    }
    if (batch.events_size() == 0) return;
    auto result = log->Append(batch, std::nullopt);
    ASSERT_TRUE(result.ok()) << result.status();
  }
  void AppendRest() { Append(generated.size() - appended); }
};

std::vector<v1::StoredRecord> Stored(const EventLog& log) {
  std::vector<v1::StoredRecord> out;
  const absl::Status s =
      log.Scan(0, log.Size(), [&](const v1::StoredRecord& record) {
        out.push_back(record);
        return absl::OkStatus();
      });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

// Folds the log's records projector->size() .. to-1.
absl::Status FoldLog(const EventLog& log, uint64_t to, Projector* projector) {
  return log.Scan(projector->size(), to, [&](const v1::StoredRecord& record) {
    return projector->Add(record);
  });
}

std::string Text(const absl::StatusOr<std::vector<AccountRange>>& balances) {
  if (!balances.ok()) return balances.status().ToString();
  std::string out;
  for (const AccountRange& r : *balances) {
    absl::StrAppend(&out, r.account, "|", r.name, "|", r.min_ore, "..",
                    r.max_ore, r.bound_contradicted ? "!" : "", ";");
  }
  return out;
}

std::string Text(const absl::StatusOr<Statement>& statement) {
  if (!statement.ok()) return statement.status().ToString();
  std::string out = absl::StrCat(Text(statement->opening), "/");
  for (const Movement& m : statement->movements) {
    absl::StrAppend(&out, m.account, ":", m.kind, ":", m.min_ore, "..",
                    m.max_ore, ";");
  }
  return absl::StrCat(out, "/", Text(statement->closing));
}

std::string Text(const absl::StatusOr<std::vector<KindTotal>>& totals) {
  if (!totals.ok()) return totals.status().ToString();
  std::string out;
  for (const KindTotal& t : *totals) {
    absl::StrAppend(&out, t.kind, ":", t.min_ore, "..", t.max_ore, ":",
                    t.unstated, ";");
  }
  return out;
}

// Compares `projector` with a full replay of `log` on `queries` random
// balance queries (dates 1999-2021, every view, with and without known_at,
// all funds or one) plus statements and totals.
void ExpectSameAnswers(const Projector& projector, const EventLog& log,
                       int funds, uint64_t seed, int queries) {
  const std::vector<v1::StoredRecord> records = Stored(log);
  ASSERT_EQ(projector.size(), records.size());
  Random random(seed);
  const absl::CivilDay first(1999, 1, 1);
  const std::vector<AccountRange> no_accounts;
  int nonzero = 0, ranges = 0;
  for (int q = 0; q < queries; ++q) {
    BalanceQuery query;
    query.as_of = first + random.Below(23 * 365);
    if (random.Below(2) == 0) query.known_at = first + random.Below(23 * 365);
    query.view = kAllViews[random.Below(3)];
    const int fund = random.Below(funds + 1);
    if (fund < funds) query.fund_id = absl::StrCat("synthetic-fund-", fund);
    SCOPED_TRACE(absl::StrCat("as_of ", absl::FormatCivilTime(query.as_of),
                              " view ", ViewName(query.view), " fund ",
                              query.fund_id));
    const auto answer = projector.BalancesAt(query);
    EXPECT_EQ(Text(answer), Text(Balances(records, query)));
    for (const AccountRange& r : answer.ok() ? *answer : no_accounts) {
      if (r.min_ore != 0 || r.max_ore != 0) ++nonzero;
      if (r.min_ore != r.max_ore) ++ranges;
    }
  }
  // The comparison has teeth: real balances, some of them ranges.
  EXPECT_GT(nonzero, queries);
  EXPECT_GT(ranges, 0);
  for (int year : {2000, 2007, 2015, 2019}) {
    const StatementQuery statement{year, kAllViews[year % 3], std::nullopt, ""};
    EXPECT_EQ(Text(projector.StatementFor(statement)),
              Text(YearStatement(records, statement)));
    const TotalsQuery totals{absl::CivilDay(year, 1, 1),
                             absl::CivilDay(year + 3, 6, 30),
                             std::optional(absl::CivilDay(year + 2, 1, 1)),
                             kAllViews[(year + 1) % 3], ""};
    EXPECT_EQ(Text(projector.TotalsFor(totals)), Text(Totals(records, totals)));
  }
}

class SnapshotProperty : public ::testing::TestWithParam<uint64_t> {};

TEST_P(SnapshotProperty, SnapshotPlusTailAnswersAsFullReplay) {
  const uint64_t seed = GetParam();
  const int funds = 1 + static_cast<int>(seed % 3);
  SyntheticLog synthetic(seed, 3000 + static_cast<int>(seed % 7) * 250, funds);
  ASSERT_NE(synthetic.log, nullptr);
  Random random(seed * 31);
  const size_t cut = 1 + random.Below(synthetic.generated.size() - 1);
  synthetic.Append(cut);
  auto written = WriteSnapshot(*synthetic.log);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_TRUE(written->written);
  EXPECT_EQ(written->size, cut);
  synthetic.AppendRest();

  auto loaded = LoadProjector(*synthetic.log);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->snapshot_size, cut);
  EXPECT_EQ(loaded->tail_events, synthetic.generated.size() - cut);
  EXPECT_EQ(loaded->ignored, "");
  ExpectSameAnswers(loaded->projector, *synthetic.log, funds, seed, 120);
}

TEST_P(SnapshotProperty, DayIndexAnswersAsFullReplay) {
  const uint64_t seed = GetParam();
  const int funds = 1 + static_cast<int>((seed + 2) % 3);
  SyntheticLog synthetic(seed + 200, 4000, funds);
  ASSERT_NE(synthetic.log, nullptr);
  synthetic.Append(2500);
  Projector projector;
  ASSERT_TRUE(FoldLog(*synthetic.log, synthetic.log->Size(), &projector).ok());
  projector.IndexForQueries();
  ExpectSameAnswers(projector, *synthetic.log, funds, seed + 3, 120);
  // Records folded after indexing leave the index stale: it is not used.
  synthetic.AppendRest();
  ASSERT_TRUE(FoldLog(*synthetic.log, synthetic.log->Size(), &projector).ok());
  ExpectSameAnswers(projector, *synthetic.log, funds, seed + 4, 60);
  projector.IndexForQueries();
  ExpectSameAnswers(projector, *synthetic.log, funds, seed + 5, 120);
}

// The days around which plan boundaries fall: the effective days and period
// ends of policy changes, close-outs and repeals.
std::vector<absl::CivilDay> TransitionDays(
    const std::vector<v1::StoredRecord>& records) {
  std::vector<absl::CivilDay> days;
  auto add = [&](const std::string& text) {
    absl::CivilDay day;
    if (absl::ParseCivilTime(text, &day)) days.push_back(day);
  };
  for (const v1::StoredRecord& record : records) {
    const v1::Event& event = record.event();
    if (!event.has_policy_changed() && !event.has_close_out() &&
        !event.has_guidelines_repealed()) {
      continue;
    }
    add(event.effective().day());
    add(event.effective().period().from());
    add(event.effective().period().to());
  }
  return days;
}

// Period facts summed by the day index give what a full replay gives where
// boundaries crowd: queries without known_at on the days around every
// transition (including a transition ordered just before the query's day,
// a boundary the index holds no crossing sums for) and at random, in every
// view, for each fund and all funds; statements and totals without known_at
// (a window marker is another unforeseen boundary).
TEST_P(SnapshotProperty, PeriodSumsAnswerAsFullReplay) {
  const uint64_t seed = GetParam();
  const int funds = 1 + static_cast<int>(seed % 3);
  SyntheticLog synthetic(seed + 300, 5000, funds);
  ASSERT_NE(synthetic.log, nullptr);
  synthetic.AppendRest();
  Projector projector;
  ASSERT_TRUE(FoldLog(*synthetic.log, synthetic.log->Size(), &projector).ok());
  projector.IndexForQueries();
  const std::vector<v1::StoredRecord> records = Stored(*synthetic.log);
  std::vector<absl::CivilDay> days;
  for (absl::CivilDay day : TransitionDays(records)) {
    for (int offset = -2; offset <= 3; ++offset) days.push_back(day + offset);
  }
  Random random(seed + 9);
  for (int q = 0; q < 100; ++q) {
    days.push_back(absl::CivilDay(1999, 1, 1) + random.Below(23 * 365));
  }
  int ranges = 0;
  for (absl::CivilDay day : days) {
    BalanceQuery query;
    query.as_of = day;
    query.view = kAllViews[random.Below(3)];
    const int fund = random.Below(funds + 1);
    if (fund < funds) query.fund_id = absl::StrCat("synthetic-fund-", fund);
    SCOPED_TRACE(absl::StrCat("as_of ", absl::FormatCivilTime(query.as_of),
                              " view ", ViewName(query.view), " fund ",
                              query.fund_id));
    const auto answer = projector.BalancesAt(query);
    ASSERT_EQ(Text(answer), Text(Balances(records, query)));
    for (const AccountRange& r : *answer) ranges += r.min_ore != r.max_ore;
  }
  EXPECT_GT(ranges, 0);
  for (int year = 2000; year <= 2020; year += 2) {
    const StatementQuery statement{year, kAllViews[year % 3], std::nullopt, ""};
    EXPECT_EQ(Text(projector.StatementFor(statement)),
              Text(YearStatement(records, statement)));
    const TotalsQuery totals{absl::CivilDay(year, 3, 1),
                             absl::CivilDay(year + 1, 6, 30), std::nullopt,
                             kAllViews[(year + 1) % 3], ""};
    EXPECT_EQ(Text(projector.TotalsFor(totals)), Text(Totals(records, totals)));
  }
}

TEST_P(SnapshotProperty, RebuildAnswersAsFullReplay) {
  const uint64_t seed = GetParam();
  const int funds = 1 + static_cast<int>((seed + 1) % 3);
  SyntheticLog synthetic(seed + 100, 2500, funds);
  ASSERT_NE(synthetic.log, nullptr);
  synthetic.AppendRest();
  auto rebuilt = RebuildSnapshots(*synthetic.log);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_TRUE(rebuilt->written);
  EXPECT_EQ(rebuilt->folded, synthetic.generated.size());
  auto loaded = LoadProjector(*synthetic.log);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->snapshot_size, synthetic.generated.size());
  EXPECT_EQ(loaded->tail_events, 0u);
  ExpectSameAnswers(loaded->projector, *synthetic.log, funds, seed + 7, 60);
}

INSTANTIATE_TEST_SUITE_P(Seeds, SnapshotProperty,
                         ::testing::Values(1, 2, 3, 4, 5, 6));

// A log with a snapshot at 1200 of 2000 records.
class StoredSnapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(synthetic_.log, nullptr);
    synthetic_.Append(1200);
    auto written = WriteSnapshot(*synthetic_.log);
    ASSERT_TRUE(written.ok()) << written.status();
    synthetic_.AppendRest();
  }
  std::string Value() {
    auto value = synthetic_.log->GetDerived(SnapshotKey());
    EXPECT_TRUE(value.ok() && value->has_value());
    return value.ok() && value->has_value() ? **value : "";
  }
  void Store(const std::string& value) {
    ASSERT_TRUE(synthetic_.log->PutDerived(SnapshotKey(), value).ok());
  }
  // Expects the snapshot ignored for `reason`, with full-replay answers.
  void ExpectIgnored(const std::string& reason) {
    auto loaded = LoadProjector(*synthetic_.log);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(loaded->snapshot_size, 0u);
    EXPECT_EQ(loaded->tail_events, 2000u);
    EXPECT_NE(loaded->ignored.find(reason), std::string::npos)
        << loaded->ignored;
    ExpectSameAnswers(loaded->projector, *synthetic_.log, 2, 9, 30);
  }

  SyntheticLog synthetic_{42, 2000, 2};
};

TEST_F(StoredSnapshot, TamperedRootIsIgnored) {
  std::string value = Value();
  value[4 + 1 + 8] ^= 0x01;  // first byte of the root
  Store(value);
  ExpectIgnored("root mismatch at size 1200");
}

TEST_F(StoredSnapshot, SnapshotOfAnotherLogIsIgnored) {
  // Another log of the same size: a well-formed snapshot whose root is not
  // this log's.
  SyntheticLog other(43, 2000, 2);
  other.Append(1200);
  ASSERT_TRUE(WriteSnapshot(*other.log).ok());
  auto foreign = other.log->GetDerived(SnapshotKey());
  ASSERT_TRUE(foreign.ok() && foreign->has_value());
  Store(**foreign);
  ExpectIgnored("root mismatch at size 1200");
}

TEST_F(StoredSnapshot, SnapshotCoveringMoreThanTheLogIsIgnored) {
  SyntheticLog bigger(42, 2500, 2);
  bigger.AppendRest();
  ASSERT_TRUE(WriteSnapshot(*bigger.log).ok());
  auto value = bigger.log->GetDerived(SnapshotKey());
  ASSERT_TRUE(value.ok() && value->has_value());
  Store(**value);
  ExpectIgnored("covers 2500 records; the log holds 2000");
}

// The header: magic 4, version 1, size 8, root 32, SHA-256 of the state 32.
constexpr size_t kStateHashAt = 4 + 1 + 8 + 32;
constexpr size_t kStateAt = kStateHashAt + SHA256_DIGEST_LENGTH;

// Writes the SHA-256 of the state into the header, as a forger would.
void Rehash(std::string* value) {
  unsigned char hash[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(value->data()) + kStateAt,
         value->size() - kStateAt, hash);
  value->replace(kStateHashAt, SHA256_DIGEST_LENGTH,
                 reinterpret_cast<const char*>(hash), SHA256_DIGEST_LENGTH);
}

TEST_F(StoredSnapshot, UndecodableStateIsIgnored) {
  std::string value = Value();
  value.resize(value.size() / 2);
  Rehash(&value);
  Store(value);
  ExpectIgnored("state does not decode");
}

// A changed byte may still decode, into other figures: the state's SHA-256
// catches it before a query uses it.
TEST_F(StoredSnapshot, ChangedStateByteIsCaughtByItsHash) {
  const std::string value = Value();
  for (size_t at = kStateAt; at < value.size();
       at += (value.size() - kStateAt) / 7) {
    std::string damaged = value;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x04);
    Store(damaged);
    ExpectIgnored("the state at size 1200 does not match its SHA-256");
  }
}

TEST_F(StoredSnapshot, ForeignBytesAreIgnored) {
  Store("not a snapshot at all, but long enough to hold a header's bytes");
  ExpectIgnored("not a snapshot");
}

TEST_F(StoredSnapshot, RebuildReplacesADamagedSnapshot) {
  std::string value = Value();
  value[4 + 1 + 8] ^= 0x01;
  Store(value);
  auto rebuilt = RebuildSnapshots(*synthetic_.log);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  auto loaded = LoadProjector(*synthetic_.log);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->snapshot_size, 2000u);
  EXPECT_EQ(loaded->ignored, "");
  ExpectSameAnswers(loaded->projector, *synthetic_.log, 2, 10, 30);
}

TEST(SnapshotRefresh, WritesOnlyOnceEveryEventsLiePastTheSnapshot) {
  SyntheticLog synthetic(7, 3000, 2);
  ASSERT_NE(synthetic.log, nullptr);
  const SnapshotOptions every_1000{1000};
  synthetic.Append(900);
  auto refreshed = RefreshSnapshots(*synthetic.log, every_1000);
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_FALSE(refreshed->written);
  synthetic.Append(600);
  refreshed = RefreshSnapshots(*synthetic.log, every_1000);
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_TRUE(refreshed->written);
  EXPECT_EQ(refreshed->size, 1500u);
  EXPECT_EQ(refreshed->folded, 1500u);
  synthetic.Append(999);
  refreshed = RefreshSnapshots(*synthetic.log, every_1000);
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_FALSE(refreshed->written);
  synthetic.Append(1);
  refreshed = RefreshSnapshots(*synthetic.log, every_1000);
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_TRUE(refreshed->written);
  EXPECT_EQ(refreshed->size, 2500u);
  EXPECT_EQ(refreshed->folded, 1000u);  // resumed from the one at 1500
}

TEST(SnapshotRefresh, EmptyLogGetsNoSnapshot) {
  SyntheticLog synthetic(8, 10, 1);
  ASSERT_NE(synthetic.log, nullptr);
  auto rebuilt = RebuildSnapshots(*synthetic.log);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_FALSE(rebuilt->written);
  auto stored = synthetic.log->GetDerived(SnapshotKey());
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());
}

}  // namespace
}  // namespace fundlog::ledger
