// `verify` checks the index family against the records: each kind of
// damage to it is named, and a duplicate event id it let in is named too.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/merkle/merkle.h"
#include "core/store/key_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"
#include "tests/raw_log.h"
#include "tests/verify_damage_fixture.h"

namespace fundlog::testing {
namespace {
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Each;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;

// One event whose id is the 10 mnkr allocation's.
constexpr char kDuplicateBatch[] = R"pb(
  events {
    event_id: "allocation-kf-2011"
    fund_id: "social-investeringsfond"
    effective { day: "2012-01-01" }
    recorded_on: "2012-01-01"
    source { title: "T" }
    decision_taken { decision { body: KS subject: "Test decision" } }
  }
)pb";

// Append checks uniqueness against the index (docs/format.md, "Where
// uniqueness lives"): with the id's entry gone a duplicate goes in, and
// verify, which checks from the records, names both the hole and the
// duplicate, before and after `rebuild`.
TEST_F(VerifyDamageTest, DeletedIdEntryAndTheDuplicateItLetInAreNamed) {
  {
    RawLog raw(LogPath());
    raw.Delete("index", keys::NamedKey(keys::kIndexEventId, kAllocationId));
  }
  Verdict hole = Verify();
  EXPECT_EQ(hole.exit_code, 1) << hole.err;
  EXPECT_THAT(hole.findings,
              Contains(FindingAbout(kAllocationSeq, "index_mismatch",
                                    "no entry for event id \"" +
                                        std::string(kAllocationId) + "\"")));
  RunResult appended =
      cli_.Run({"import", cli_.WriteFile("duplicate.textpb", kDuplicateBatch)});
  ASSERT_EQ(appended.exit_code, 0) << appended.err;
  const std::string both = absl::StrCat("event id \"", kAllocationId,
                                        "\" is held by records 5 and 14");
  Verdict duplicate = Verify();
  EXPECT_EQ(duplicate.exit_code, 1) << duplicate.err;
  EXPECT_THAT(duplicate.findings,
              Contains(FindingAbout(kDemoRecords, "duplicate_event_id", both)));
  ASSERT_EQ(cli_.Run({"rebuild"}).exit_code, 0);
  Verdict rebuilt = Verify();
  EXPECT_EQ(rebuilt.exit_code, 1) << rebuilt.err;
  EXPECT_THAT(rebuilt.findings,
              Contains(FindingAbout(kDemoRecords, "duplicate_event_id", both)));
}

// `rebuild` replaces the whole index in one ingested file whose range
// tombstone covers the family: an entry no record implies goes, a missing
// one comes back, and every entry the records imply stays.
TEST_F(VerifyDamageTest, RebuildDropsStrayEntriesAndRestoresMissingOnes) {
  {
    RawLog raw(LogPath());
    raw.Put("index", keys::NamedKey(keys::kIndexEventId, "no-such-event"),
            keys::EncodeU64(3));
    raw.Delete("index", keys::NamedKey(keys::kIndexEventId, kAllocationId));
  }
  Verdict damaged = Verify();
  EXPECT_EQ(damaged.exit_code, 1) << damaged.err;
  EXPECT_THAT(damaged.findings, Not(IsEmpty()));
  RunResult rebuilt = cli_.Run({"rebuild"});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  Verdict clean = Verify();
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_THAT(clean.findings, IsEmpty());
  {
    RawLog raw(LogPath());
    EXPECT_EQ(
        raw.Find("index", keys::NamedKey(keys::kIndexEventId, "no-such-event")),
        std::nullopt);
    EXPECT_NE(
        raw.Find("index", keys::NamedKey(keys::kIndexEventId, kAllocationId)),
        std::nullopt);
  }
  // A second rebuild over an index that is already whole changes nothing.
  ASSERT_EQ(cli_.Run({"rebuild"}).exit_code, 0);
  EXPECT_EQ(Verify().exit_code, 0);
}

TEST_F(VerifyDamageTest, DeletedByDayEntriesAreNamedAndRebuildRestoresThem) {
  const std::string timeline = cli_.Run({"timeline", "--json"}).out;
  {
    RawLog raw(LogPath());
    raw.Delete("index", keys::AllByDayKey(kAllocationDay, kAllocationSeq));
    raw.Delete("index",
               keys::FundByDayKey(kFund, kAllocationDay, kAllocationSeq));
  }
  EXPECT_TRUE(cli_.Run({"timeline", "--json"}).out != timeline)
      << "the timeline still shows record 5";
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(kAllocationSeq, "index_mismatch",
                                    "index entry by day 2011-12-31 (all "
                                    "funds) of record 5 is missing")));
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(kAllocationSeq, "index_mismatch",
                                    "index entry by day 2011-12-31 of fund \"" +
                                        std::string(kFund) +
                                        "\" of record 5 is missing")));
  ASSERT_EQ(cli_.Run({"rebuild"}).exit_code, 0);
  EXPECT_TRUE(cli_.Run({"timeline", "--json"}).out == timeline)
      << "rebuild did not restore the timeline";
  EXPECT_EQ(Verify().exit_code, 0);
}

TEST_F(VerifyDamageTest, ExtraByDayEntryIsNamed) {
  {
    RawLog raw(LogPath());
    raw.Put("index", keys::AllByDayKey("1999-01-01", 3), "");
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(3, "index_mismatch",
                                    "index entry by day 1999-01-01 (all "
                                    "funds) names record 3, which begins on")));
}

TEST_F(VerifyDamageTest, IdEntryPointingElsewhereIsNamed) {
  {
    RawLog raw(LogPath());
    raw.Put("index", keys::NamedKey(keys::kIndexEventId, kAllocationId),
            keys::EncodeU64(2));
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(
                  2, "index_mismatch",
                  absl::StrCat("the index entry for event id \"", kAllocationId,
                               "\" names record 2, whose event id is"))));
}

TEST_F(VerifyDamageTest, AccountEntryRemovedIsNamed) {
  std::string key;
  {
    RawLog raw(LogPath());
    for (const auto& [k, v] : raw.Entries("index")) {
      if (k[0] == keys::kIndexAccount) key = k;
    }
    ASSERT_FALSE(key.empty());
    raw.Delete("index", key);
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(2, "index_mismatch",
                                    absl::StrCat("no entry for account \"",
                                                 key.substr(1), "\""))));
}

// RocksDB's block checksums catch a flipped byte once verify reads the
// family; a damaged index file is a finding, not a crash or a pass.
TEST_F(VerifyDamageTest, FlippedByteInAnIndexFileIsNamed) {
  std::vector<std::string> files;
  {
    RawLog raw(LogPath());
    raw.Flush();
    files = raw.LiveFiles("index");
  }
  ASSERT_FALSE(files.empty());
  for (const std::string& file : files) {
    std::fstream sst(file, std::ios::in | std::ios::out | std::ios::binary);
    sst.seekg(20);
    char byte = 0;
    sst.read(&byte, 1);
    sst.seekp(20);
    byte = static_cast<char>(byte ^ 0x10);
    sst.write(&byte, 1);
    ASSERT_TRUE(sst.good()) << file;
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(std::nullopt, "index_mismatch",
                                    "the index family is damaged")));
}

}  // namespace
}  // namespace fundlog::testing
