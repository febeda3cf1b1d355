// `timeline --from --to` finds the periods that reach into its range through
// the index's entries by length class (docs/indexes.md), not by reading
// every earlier record; `verify` checks those entries and `rebuild` derives
// them again. On the Trelleborg history of `fundlog demo`, whose record 6 is
// a use over 2011-01-01..2017-12-31 and record 10 a budget-frame use in 2016.

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/ledger/index_entries.h"
#include "core/store/key_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"
#include "tests/raw_log.h"
#include "tests/verify_damage_fixture.h"

namespace fundlog::testing {
namespace {
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr uint64_t kPeriodSeq = 6;  // 2011-01-01..2017-12-31
constexpr char kPeriodFrom[] = "2011-01-01";
constexpr char kPeriodTo[] = "2017-12-31";

uint8_t PeriodClassOfRecord6() {
  v1::Period period;
  period.set_from(kPeriodFrom);
  period.set_to(kPeriodTo);
  return PeriodClass(period);
}

std::string Year2016(const CliHarness& cli) {
  RunResult run = cli.Run({"timeline", "--from", "2016-01-01", "--to",
                           "2016-12-31", "--fund", kFund, "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.out;
}

// The year's timeline reads the records it gives: record 0, years before,
// missing from the events family no longer stops it (before the index by
// length class it read every record from the first day and failed).
TEST_F(VerifyDamageTest, YearTimelineDoesNotReadEarlierRecords) {
  const std::string before = Year2016(cli_);
  EXPECT_THAT(before, HasSubstr("\"seq\":6,"));
  EXPECT_THAT(before, HasSubstr("\"seq\":10,"));
  EXPECT_THAT(before, Not(HasSubstr("\"seq\":5,")));
  {
    RawLog raw(LogPath());
    raw.Delete("events", keys::EventKey(0));
  }
  EXPECT_EQ(Year2016(cli_), before);
}

TEST_F(VerifyDamageTest, DeletedPeriodEntryIsNamedAndRebuildRestoresIt) {
  const std::string before = Year2016(cli_);
  {
    RawLog raw(LogPath());
    raw.Delete("index", keys::PeriodKey(kFund, PeriodClassOfRecord6(),
                                        kPeriodFrom, kPeriodSeq));
  }
  EXPECT_THAT(Year2016(cli_), Not(HasSubstr("\"seq\":6,")))
      << "the timeline found record 6 without its entry";
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(
      verdict.findings,
      Contains(FindingAbout(
          kPeriodSeq, "index_mismatch",
          absl::StrCat("index entry by length class ", PeriodClassOfRecord6(),
                       " from ", kPeriodFrom, " of fund \"", kFund,
                       "\" of record 6 is missing"))));
  ASSERT_EQ(cli_.Run({"rebuild"}).exit_code, 0);
  EXPECT_EQ(Year2016(cli_), before);
  EXPECT_EQ(Verify().exit_code, 0);
}

TEST_F(VerifyDamageTest, PeriodEntryWithAnotherEndIsNamed) {
  {
    RawLog raw(LogPath());
    raw.Put(
        "index",
        keys::PeriodKey("", PeriodClassOfRecord6(), kPeriodFrom, kPeriodSeq),
        "2012-12-31");
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(
                  kPeriodSeq, "index_mismatch",
                  absl::StrCat("(all funds) of record 6 holds \"2012-12-31\"; "
                               "the record's period ends on ",
                               kPeriodTo))));
}

// A log whose index predates the entries by length class (no
// "index_periods" in meta) is read the old way, with the same answer.
TEST_F(VerifyDamageTest, IndexWithoutPeriodEntriesIsScannedFromTheStart) {
  const std::string before = Year2016(cli_);
  {
    RawLog raw(LogPath());
    raw.Delete("meta", std::string(keys::kMetaIndexPeriods));
    raw.Delete("index", keys::PeriodKey(kFund, PeriodClassOfRecord6(),
                                        kPeriodFrom, kPeriodSeq));
  }
  EXPECT_EQ(Year2016(cli_), before);
}

// verify finds an event id held twice from the records, with memory that
// does not hold the ids (a sum of salted hashes per kind of index entry,
// docs/indexes.md): a duplicate 30 000 records after the first, let in by
// deleting the id's index entry, is named with both records.
TEST(VerifyLargeLogTest, DuplicateEventIdFarApartIsFound) {
  CliHarness cli;
  ASSERT_EQ(cli.Run({"init", "--origin", "duplicate.test"}).exit_code, 0);
  ASSERT_EQ(cli.Run({"synth", "--events", "30000"}).exit_code, 0);
  {
    RawLog raw(absl::StrCat(cli.dir(), "/", kLogDir));
    raw.Delete("index", keys::NamedKey(keys::kIndexEventId, "synthetic-1-10"));
  }
  constexpr char kDuplicate[] = R"pb(
    events {
      event_id: "synthetic-1-10"
      fund_id: "synthetic-fund-1"
      effective { day: "2019-12-31" }
      recorded_on: "2019-12-31"
      source { title: "synthetic" }
      decision_taken { decision { body: KS subject: "A second id" } }
    }
  )pb";
  RunResult imported =
      cli.Run({"import", cli.WriteFile("duplicate.textpb", kDuplicate)});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  Verdict verdict = ParseVerdict(cli.Run({"verify", "--json"}));
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(30000, "duplicate_event_id",
                                    "event id \"synthetic-1-10\" is held by "
                                    "records 10 and 30000")));
}

}  // namespace
}  // namespace fundlog::testing
