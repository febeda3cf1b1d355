// The query state (a light projector read from the `derived` family) gives
// the answers a full replay gives for balances, statements and totals, with
// and without known_at, refuses every other query, is not used once the log has
// grown past it, and a changed byte never gives a figure: the query falls back
// to the full state and verify names the damage.
#include <openssl/sha.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/ledger/day_index.h"
#include "core/ledger/ledger.h"
#include "core/ledger/random.h"
#include "core/ledger/record_rules.h"
#include "core/ledger/snapshots.h"
#include "core/ledger/synth.h"
#include "gtest/gtest.h"

namespace fundlog::ledger {
namespace {

class SyntheticLog {
 public:
  SyntheticLog(uint64_t seed, int events, int funds)
      : generated_(GenerateSynthetic(seed, events, funds)) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fundlog-query-XXXXXX")
            .string();
    dir_ = mkdtemp(pattern.data());
    auto created =
        EventLog::Create(CreateOptions{.path = dir_ + "/log",
                                       .origin = "query-state-test",
                                       .rules = &fundlog::ledger::Rules()});
    EXPECT_TRUE(created.ok()) << created.status();
    if (created.ok()) log_ = std::move(*created);
  }
  ~SyntheticLog() {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }
  EventLog& log() { return *log_; }
  size_t generated() const { return generated_.size(); }
  // Appends the next `count` generated events.
  void Append(size_t count) {
    v1::EventBatch batch;
    for (size_t i = 0; i < count && appended_ < generated_.size(); ++i) {
      *batch.add_events() = generated_[appended_++].event();
    }
    if (batch.events_size() == 0) return;
    auto result = log_->Append(batch, std::nullopt);
    ASSERT_TRUE(result.ok()) << result.status();
  }
  std::vector<v1::StoredRecord> Stored() const {
    std::vector<v1::StoredRecord> out;
    EXPECT_TRUE(log_->Scan(0, log_->Size(),
                           [&](const v1::StoredRecord& r) {
                             out.push_back(r);
                             return absl::OkStatus();
                           })
                    .ok());
    return out;
  }

 private:
  std::string dir_;
  std::unique_ptr<EventLog> log_;
  std::vector<v1::StoredRecord> generated_;
  size_t appended_ = 0;
};

std::string Text(const absl::StatusOr<std::vector<AccountRange>>& balances) {
  if (!balances.ok()) return balances.status().ToString();
  std::string out;
  for (const AccountRange& r : *balances) {
    absl::StrAppend(&out, r.account, "|", r.name, "|", r.min_ore, "..",
                    r.max_ore, r.bound_contradicted ? "!" : "", ";");
  }
  return out;
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

std::string Text(const absl::StatusOr<Statement>& statement) {
  if (!statement.ok()) return statement.status().ToString();
  std::string out = absl::StrCat(Text(statement->opening), "/");
  for (const Movement& m : statement->movements) {
    absl::StrAppend(&out, m.account, ":", m.kind, ":", m.min_ore, "..",
                    m.max_ore, ";");
  }
  return absl::StrCat(out, "/", Text(statement->closing));
}

// Days around every transition (where plan boundaries crowd) and at random.
std::vector<absl::CivilDay> QueryDays(
    const std::vector<v1::StoredRecord>& records, uint64_t seed) {
  std::vector<absl::CivilDay> days;
  for (const v1::StoredRecord& record : records) {
    const v1::Event& e = record.event();
    if (!e.has_policy_changed() && !e.has_close_out() &&
        !e.has_guidelines_repealed()) {
      continue;
    }
    for (const std::string& text :
         {e.effective().day(), e.effective().period().from(),
          e.effective().period().to()}) {
      absl::CivilDay day;
      if (!absl::ParseCivilTime(text, &day)) continue;
      for (int offset = -2; offset <= 3; ++offset) days.push_back(day + offset);
    }
  }
  Random random(seed);
  for (int q = 0; q < 80; ++q) {
    days.push_back(absl::CivilDay(1999, 1, 1) + random.Below(23 * 365));
  }
  return days;
}

// known_at days where versions change: the recorded_on of every correction,
// policy change, close-out and repeal and the days next to it, and random
// days; nullopt (no known_at) for about a quarter of the queries.
std::optional<absl::CivilDay> KnownAtDay(
    const std::vector<v1::StoredRecord>& records, Random& random) {
  if (random.Below(4) == 0) return std::nullopt;
  if (random.Below(3) == 0) {
    return absl::CivilDay(1999, 1, 1) + random.Below(25 * 365);
  }
  for (int tries = 0; tries < 64; ++tries) {
    const v1::Event& e = records[random.Below(records.size())].event();
    if (!e.has_correction() && !e.has_policy_changed() && !e.has_close_out() &&
        !e.has_guidelines_repealed()) {
      continue;
    }
    absl::CivilDay day;
    if (!absl::ParseCivilTime(e.recorded_on(), &day)) continue;
    return day + (static_cast<int>(random.Below(3)) - 1);
  }
  return absl::CivilDay(2010, 1, 1);
}

// A light projector refuses what would need its period facts one by one.
bool Refused(const Projector& projector, const absl::Status& status) {
  return projector.light() && absl::IsFailedPrecondition(status);
}

// Balances, statements and totals from `projector` (with a known_at when
// `known_at`) equal a full replay's, or (light projector) are refused.
void ExpectReplayAnswers(const Projector& projector,
                         const std::vector<v1::StoredRecord>& records,
                         int funds, uint64_t seed, bool known_at = false) {
  Random random(seed);
  auto known = [&]() -> std::optional<absl::CivilDay> {
    return known_at ? KnownAtDay(records, random) : std::nullopt;
  };
  int nonzero = 0, answered = 0, known_answered = 0;
  for (absl::CivilDay day : QueryDays(records, seed)) {
    BalanceQuery query;
    query.as_of = day;
    query.view = kAllViews[random.Below(3)];
    query.known_at = known();
    const int fund = random.Below(funds + 1);
    if (fund < funds) query.fund_id = absl::StrCat("synthetic-fund-", fund);
    SCOPED_TRACE(absl::StrCat(
        "as_of ", absl::FormatCivilTime(day), " known_at ",
        query.known_at ? absl::FormatCivilTime(*query.known_at) : "-", " view ",
        ViewName(query.view), " fund ", query.fund_id));
    const auto answer = projector.BalancesAt(query);
    if (Refused(projector, answer.status())) continue;
    ASSERT_EQ(Text(answer), Text(Balances(records, query)));
    for (const AccountRange& r : *answer) nonzero += r.min_ore != 0;
    ++answered;
    known_answered += query.known_at.has_value();
  }
  EXPECT_GT(nonzero, 0);
  EXPECT_GT(answered, 80);
  if (known_at) {
    EXPECT_GT(known_answered, 50);
  }
  int statements = 0;
  for (int year = 2000; year <= 2020; year += 3) {
    const StatementQuery statement{year, kAllViews[year % 3], known(), ""};
    const auto answer = projector.StatementFor(statement);
    if (Refused(projector, answer.status())) continue;
    EXPECT_EQ(Text(answer), Text(YearStatement(records, statement)));
    ++statements;
  }
  // Year ends are foreseen boundaries: most statements need no fallback.
  EXPECT_GE(statements, 4);
  int totals = 0;
  for (int year = 2000; year <= 2019; year += 2) {
    for (const TotalsQuery& query :
         {TotalsQuery{absl::CivilDay(year, 1, 1), absl::CivilDay(year, 12, 31),
                      known(), kAllViews[year % 3], ""},
          TotalsQuery{absl::CivilDay(year, 1, 1),
                      absl::CivilDay(year + 2, 6, 30), known(),
                      kAllViews[(year + 1) % 3], "synthetic-fund-0"},
          TotalsQuery{absl::CivilDay(year, 3, 1), absl::CivilDay(year, 9, 30),
                      known(), kAllViews[(year + 2) % 3], ""}}) {
      const auto answer = projector.TotalsFor(query);
      if (Refused(projector, answer.status())) continue;
      EXPECT_EQ(Text(answer), Text(Totals(records, query)))
          << absl::FormatCivilTime(query.from);
      ++totals;
    }
  }
  EXPECT_GE(totals, 10);  // windows from 1 January need no fallback
}

class QueryStateProperty : public ::testing::TestWithParam<uint64_t> {};

TEST_P(QueryStateProperty, LightProjectorAnswersAsFullReplay) {
  const uint64_t seed = GetParam();
  const int funds = 1 + static_cast<int>(seed % 3);
  SyntheticLog synthetic(seed + 500, 3000 + static_cast<int>(seed) * 300,
                         funds);
  synthetic.Append(synthetic.generated());
  auto written = RefreshSnapshots(synthetic.log());
  ASSERT_TRUE(written.ok()) << written.status();
  ASSERT_TRUE(written->query_written);
  EXPECT_EQ(written->query_size, synthetic.log().Size());
  auto loaded = LoadQueryProjector(synthetic.log());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->projector.light());
  ExpectReplayAnswers(loaded->projector, synthetic.Stored(), funds, seed);
  // What the light projector cannot answer exactly, it refuses.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      loaded->projector.PostingsAt({absl::CivilDay(2010, 6, 30)}).status()));
  EXPECT_EQ(AuditSnapshot(synthetic.log()).value_or("error"), "");
}

// known_at queries (days around every correction, policy change, close-out
// and repeal as recorded, and at random) from the query state equal a full
// replay's: the versions by known day (KnownSums) count exactly the versions
// known then.
TEST_P(QueryStateProperty, LightProjectorAnswersKnownAtAsFullReplay) {
  const uint64_t seed = GetParam();
  const int funds = 1 + static_cast<int>(seed % 3);
  SyntheticLog synthetic(seed + 700, 3000 + static_cast<int>(seed) * 300,
                         funds);
  synthetic.Append(synthetic.generated());
  ASSERT_TRUE(RefreshSnapshots(synthetic.log()).ok());
  auto loaded = LoadQueryProjector(synthetic.log(), /*known=*/true);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->projector.light());
  ExpectReplayAnswers(loaded->projector, synthetic.Stored(), funds, seed,
                      /*known_at=*/true);
  // Without its known state, a light projector refuses known_at queries
  // (the caller then answers from the full state).
  auto plain = LoadQueryProjector(synthetic.log());
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_TRUE(plain->projector.light());
  EXPECT_TRUE(absl::IsFailedPrecondition(
      plain->projector
          .BalancesAt({absl::CivilDay(2010, 6, 30), absl::CivilDay(2012, 1, 1)})
          .status()));
  EXPECT_EQ(AuditSnapshot(synthetic.log()).value_or("error"), "");
  EXPECT_EQ(AuditSnapshot(synthetic.log()).value_or("error"), "");
}

// The query and known states taken from a projector whose day index
// IndexForQueries built (verify digests them from that index instead of a
// build of their own) are the bytes a projector without an index gives, and
// an index the records added since have made stale is not used for them.
TEST_P(QueryStateProperty, StatesFromTheQueryIndexAreAFreshBuildsBytes) {
  const uint64_t seed = GetParam();
  const std::vector<v1::StoredRecord> records =
      GenerateSynthetic(seed + 900, 2000 + static_cast<int>(seed) * 200,
                        1 + static_cast<int>(seed % 3));
  Projector indexed;
  Projector plain;
  size_t added = 0;
  for (const size_t stop : {records.size() / 3, records.size() / 2,
                            records.size() * 2 / 3, records.size()}) {
    for (; added < stop; ++added) {
      ASSERT_TRUE(indexed.Add(records[added]).ok());
      ASSERT_TRUE(plain.Add(records[added]).ok());
    }
    indexed.IndexForQueries();
    // A few more records make the index stale before the states are taken,
    // except at the end of the log.
    for (size_t more = 0;
         more < 50 && added < records.size() && stop != records.size() / 2;
         ++more, ++added) {
      ASSERT_TRUE(indexed.Add(records[added]).ok());
      ASSERT_TRUE(plain.Add(records[added]).ok());
    }
    std::string query, known, plain_query, plain_known;
    indexed.SerializeQueryStates(&query, &known);
    plain.SerializeQueryStates(&plain_query, &plain_known);
    ASSERT_FALSE(plain_query.empty());
    EXPECT_EQ(query, plain_query) << "after " << added << " records";
    EXPECT_EQ(known, plain_known) << "after " << added << " records";
    EXPECT_EQ(indexed.QueryStateSha256(), plain.QueryStateSha256());
    EXPECT_EQ(indexed.KnownStateSha256(), plain.KnownStateSha256());
  }
}

// KnownSums counts exactly the versions known on K: random versions (some
// never known, some open-ended) against a count one by one, at every known
// day and effective day near the entries, with and without known_at.
TEST(KnownSums, LookupsEqualACountOfTheVersionsKnownThen) {
  Random random(5);
  std::vector<internal::KnownEntry> entries;
  for (int i = 0; i < 3000; ++i) {
    internal::KnownEntry e;
    e.day = random.Below(400);
    e.known.from = random.Below(300);
    const int until = random.Below(4);
    e.known.until =
        until == 0 ? internal::kKnownForever : e.known.from + random.Below(200);
    e.amount = 1 + random.Below(1000);
    entries.push_back(e);
  }
  internal::KnownSums sums;
  ASSERT_TRUE(internal::MakeKnownSums(entries, &sums));
  for (int q = 0; q < 2000; ++q) {
    const int day = random.Below(420) - 10;
    const std::optional<int32_t> known =
        q % 10 == 0 ? std::nullopt
                    : std::optional<int32_t>(random.Below(520) - 10);
    int64_t expected = 0;
    for (const internal::KnownEntry& e : entries) {
      if (e.day <= day && e.known.At(known)) expected += e.amount;
    }
    ASSERT_EQ(sums.UpTo(day, known), expected)
        << "day " << day << " known " << known.value_or(-1);
  }
}

// A fund's first fact known on K comes from its candidate list; a list cut
// short does not answer a K none of its candidates covers.
TEST(KnownSums, CutShortCandidateListDoesNotGuess) {
  std::vector<internal::MoneyFact> money;
  for (int i = 0; i < 40; ++i) {  // each known from an earlier day
    internal::MoneyFact fact;
    fact.seq = i;
    fact.fund = 0;
    fact.kind = internal::FactKind::kAllocation;
    fact.from_day = fact.to_day = 100;
    fact.has_amount = true;
    fact.amount = 1;
    fact.known.from = 1000 - i;
    money.push_back(fact);
  }
  auto index = internal::BuildDayIndex(money, {}, money.size());
  ASSERT_NE(index, nullptr);
  std::vector<std::pair<uint32_t, uint32_t>> first;
  ASSERT_TRUE(internal::FirstFactsAt(*index, 1000, &first));
  EXPECT_EQ(first, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 0}}));
  ASSERT_TRUE(internal::FirstFactsAt(*index, 975, &first));
  EXPECT_EQ(first, (std::vector<std::pair<uint32_t, uint32_t>>{{25, 0}}));
  // Versions 32.. were not kept: known on 965 only version 35 and later.
  EXPECT_FALSE(internal::FirstFactsAt(*index, 965, &first));
}

INSTANTIATE_TEST_SUITE_P(Seeds, QueryStateProperty,
                         ::testing::Values(1, 2, 3, 4, 5, 6));

TEST(QueryState, StaleQueryStateIsNotUsed) {
  SyntheticLog synthetic(61, 2500, 2);
  synthetic.Append(2000);
  ASSERT_TRUE(RefreshSnapshots(synthetic.log()).ok());
  synthetic.Append(500);
  auto loaded = LoadQueryProjector(synthetic.log());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_FALSE(loaded->projector.light());
  EXPECT_NE(loaded->ignored.find("covers 2000 records"), std::string::npos)
      << loaded->ignored;
  ExpectReplayAnswers(loaded->projector, synthetic.Stored(), 2, 61);
  // The next writing command brings it up to the log's size.
  auto refreshed = RefreshSnapshots(synthetic.log());
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_FALSE(refreshed->written);
  EXPECT_TRUE(refreshed->query_written);
  loaded = LoadQueryProjector(synthetic.log());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->projector.light());
}

// The header: magic 4, version 1, size 8, root 32, SHA-256 of the state 32.
constexpr size_t kStateHashAt = 4 + 1 + 8 + 32;
constexpr size_t kStateAt = kStateHashAt + SHA256_DIGEST_LENGTH;

class DamagedQueryState : public ::testing::Test {
 protected:
  void SetUp() override {
    synthetic_.Append(synthetic_.generated());
    ASSERT_TRUE(RefreshSnapshots(synthetic_.log()).ok());
    auto value = synthetic_.log().GetDerived(QueryStateKey());
    ASSERT_TRUE(value.ok() && value->has_value());
    value_ = **value;
    records_ = synthetic_.Stored();
  }
  void Store(const std::string& value) {
    ASSERT_TRUE(synthetic_.log().PutDerived(QueryStateKey(), value).ok());
  }

  SyntheticLog synthetic_{62, 3000, 2};
  std::string value_;
  std::vector<v1::StoredRecord> records_;
};

TEST_F(DamagedQueryState, ChangedByteNeverGivesAFigure) {
  for (size_t at = kStateAt; at < value_.size();
       at += (value_.size() - kStateAt) / 9) {
    SCOPED_TRACE(absl::StrCat("byte ", at));
    std::string damaged = value_;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x02);
    Store(damaged);
    auto loaded = LoadQueryProjector(synthetic_.log());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_FALSE(loaded->projector.light());
    EXPECT_NE(loaded->ignored.find("does not match its SHA-256"),
              std::string::npos);
    ExpectReplayAnswers(loaded->projector, records_, 2, at);
    auto audit = AuditSnapshot(synthetic_.log());
    ASSERT_TRUE(audit.ok()) << audit.status();
    EXPECT_NE(audit->find("the ledger query state is damaged"),
              std::string::npos)
        << *audit;
  }
}

// A forger who also rewrites the SHA-256 gets past the query but not past
// verify, which compares the state with a replay.
TEST_F(DamagedQueryState, ForgedStateIsNamedByVerify) {
  for (size_t at = kStateAt; at < value_.size();
       at += (value_.size() - kStateAt) / 9) {
    SCOPED_TRACE(absl::StrCat("byte ", at));
    std::string forged = value_;
    forged[at] = static_cast<char>(forged[at] ^ 0x02);
    unsigned char hash[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(forged.data()) + kStateAt,
           forged.size() - kStateAt, hash);
    forged.replace(kStateHashAt, SHA256_DIGEST_LENGTH,
                   reinterpret_cast<const char*>(hash), SHA256_DIGEST_LENGTH);
    Store(forged);
    auto audit = AuditSnapshot(synthetic_.log());
    ASSERT_TRUE(audit.ok()) << audit.status();
    EXPECT_NE(audit->find("the ledger query state"), std::string::npos);
  }
  // rebuild writes it again from the records.
  ASSERT_TRUE(RebuildSnapshots(synthetic_.log()).ok());
  EXPECT_EQ(AuditSnapshot(synthetic_.log()).value_or("error"), "");
  auto loaded = LoadQueryProjector(synthetic_.log());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->projector.light());
  ExpectReplayAnswers(loaded->projector, records_, 2, 63);
}

}  // namespace
}  // namespace fundlog::ledger
