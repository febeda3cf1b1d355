// `verify` sees everything the store promises: each test damages its own
// copy of one pristine log (the Trelleborg history made by `fundlog demo`,
// 14 records) with the raw RocksDB API, as a disk fault or someone with
// write access would, and expects `fundlog verify --json` to name what is
// damaged and exit 1. Damage to derived data (the index, the ledger
// snapshot, the query state) must never change an answer either.
#include <openssl/sha.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
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
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;

// The value of the ledger snapshot, which `rebuild` writes.
std::string SnapshotValue(RawLog& raw) {
  return raw.Get("derived", "projector/newest");
}

constexpr size_t kSnapshotHeaderBytes = 77;

// Changes the stored snapshot's state and writes its SHA-256 again over the
// changed bytes, so only a comparison with a replay can find the change. The
// last byte of the state ends the last varint of the last chain; +1 in its
// low bits keeps it a valid encoding of another number.
void RehashSnapshotAfterAChange(const std::string& log_path) {
  RawLog raw(log_path);
  std::string value = SnapshotValue(raw);
  value.back() = static_cast<char>(value.back() ^ 0x02);
  const std::string state = value.substr(kSnapshotHeaderBytes);
  unsigned char hash[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(state.data()), state.size(),
         hash);
  value.replace(
      kSnapshotHeaderBytes - SHA256_DIGEST_LENGTH, SHA256_DIGEST_LENGTH,
      std::string(reinterpret_cast<const char*>(hash), SHA256_DIGEST_LENGTH));
  raw.Put("derived", "projector/newest", value);
}

// Flips one bit at each of `flips` places spread over the state of the
// derived value `key` (after its header), writing each damaged copy in
// turn: `answers()` must stay `before` and verify must name the damage as a
// derived_mismatch whose detail holds `detail`.
void ExpectFlippedBitsChangeNoAnswer(
    const std::string& log_path, const std::string& key, size_t flips,
    const std::string& before, const std::function<std::string()>& answers,
    const std::function<Verdict()>& verify, const std::string& detail) {
  std::string value;
  {
    RawLog raw(log_path);
    value = raw.Get("derived", key);
  }
  ASSERT_GT(value.size(), kSnapshotHeaderBytes + 64) << key;
  const size_t state = value.size() - kSnapshotHeaderBytes;
  for (size_t i = 1; i <= flips; ++i) {
    const size_t at = kSnapshotHeaderBytes + state * i / (flips + 1);
    std::string damaged = value;
    damaged[at] = static_cast<char>(damaged[at] ^ (1 << (i % 8)));
    {
      RawLog raw(log_path);
      raw.Put("derived", key, damaged);
    }
    EXPECT_EQ(answers(), before) << key << ": bit flipped at byte " << at;
    Verdict verdict = verify();
    EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
    EXPECT_THAT(
        verdict.findings,
        Contains(FindingAbout(std::nullopt, "derived_mismatch", detail)))
        << key << ": bit flipped at byte " << at;
  }
}

// A flipped bit anywhere in the snapshot's state is caught by its SHA-256:
// queries replay the records and answer exactly as before; verify names it.
TEST_F(VerifyDamageTest, FlippedBitInTheSnapshotNeverChangesABalance) {
  ASSERT_EQ(cli_.Run({"rebuild"}).exit_code, 0);
  ExpectFlippedBitsChangeNoAnswer(
      LogPath(), "projector/newest", 8, Balances(), [&] { return Balances(); },
      [&] { return Verify(); }, "does not match its SHA-256");
}

// The same for the query state that balance, statement and totals without
// --known-at read: a flipped bit never changes an answer (the query falls
// back to the full state) and verify names it.
TEST_F(VerifyDamageTest, FlippedBitInTheQueryStateNeverChangesABalance) {
  ASSERT_EQ(cli_.Run({"rebuild"}).exit_code, 0);
  ExpectFlippedBitsChangeNoAnswer(
      LogPath(), "projector/query", 8, Balances(), [&] { return Balances(); },
      [&] { return Verify(); }, "ledger query state is damaged");
}

// The same for the known state that balances with --known-at read: a
// flipped bit never changes an answer (the light projector goes without it
// and the query falls back to the full state) and verify names it.
TEST_F(VerifyDamageTest, FlippedBitInTheKnownStateNeverChangesAKnownAtBalance) {
  ASSERT_EQ(cli_.Run({"rebuild"}).exit_code, 0);
  ExpectFlippedBitsChangeNoAnswer(
      LogPath(), "projector/known", 4, KnownAtBalances(),
      [&] { return KnownAtBalances(); }, [&] { return Verify(); },
      "ledger known state is damaged");
}

// The same for a page of the known state (read on demand, checked by its
// tag): a flipped bit never changes a known_at balance and verify names the
// page.
TEST_F(VerifyDamageTest, FlippedBitInAKnownStatePageNeverChangesABalance) {
  ASSERT_EQ(cli_.Run({"rebuild"}).exit_code, 0);
  ExpectFlippedBitsChangeNoAnswer(
      LogPath(), std::string("projector/known/\0\0\0\0", 20), 4,
      KnownAtBalances(), [&] { return KnownAtBalances(); },
      [&] { return Verify(); }, "page 0 does not match its tag");
}

// A snapshot whose hash was recomputed over changed state passes the hash
// check, so verify compares it with a replay of the records.
TEST_F(VerifyDamageTest, SnapshotRehashedAfterAChangeDiffersFromTheReplay) {
  ASSERT_EQ(cli_.Run({"rebuild"}).exit_code, 0);
  RehashSnapshotAfterAChange(LogPath());
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(Field(&Finding::kind, "derived_mismatch")));
}

// The same for a snapshot behind the log (appends since it was taken):
// verify's one replay compares it when it reaches the snapshot's size, not
// only at the log's end.
TEST_F(VerifyDamageTest, SnapshotBehindTheLogRehashedAfterAChangeIsFound) {
  ASSERT_EQ(cli_.Run({"rebuild"}).exit_code, 0);
  RunResult sealed = cli_.Run({"seal", "--as-of", "2020-12-31"});
  ASSERT_EQ(sealed.exit_code, 0) << sealed.err;
  ASSERT_EQ(Verify().findings.size(), 0u);
  RehashSnapshotAfterAChange(LogPath());
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              ElementsAre(FindingAbout(
                  std::nullopt, "derived_mismatch",
                  absl::StrCat("the ledger snapshot at size ", kDemoRecords,
                               " differs from a replay"))));
}

// The 2 GiB memory cap of VerifyBounded. AddressSanitizer reserves terabytes
// of address space for its shadow memory, so under it the cap is its own
// resident-memory limit instead of `ulimit -v`.
#if defined(__SANITIZE_ADDRESS__)
#define FUNDLOG_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUNDLOG_UNDER_ASAN 1
#endif
#endif
#ifdef FUNDLOG_UNDER_ASAN
constexpr char kMemoryCap[] =
    "export ASAN_OPTIONS=\"$ASAN_OPTIONS:hard_rss_limit_mb=2048\"";
#else
constexpr char kMemoryCap[] = "ulimit -v 2097152";
#endif

// Runs `fundlog verify --json` with its memory capped at 2 GiB and at most
// 60 s, so that a verify whose memory follows a damaged stored size fails
// fast instead of exhausting the machine.
RunResult VerifyBounded(const CliHarness& cli) {
  const std::string out = absl::StrCat(cli.dir(), "/.bounded-out");
  const std::string err = absl::StrCat(cli.dir(), "/.bounded-err");
  const std::string command = absl::StrCat(
      "cd '", cli.dir(), "' && ", kMemoryCap, " && timeout 60 '",
      FUNDLOG_BINARY, "' verify --json >'", out, "' 2>'", err, "'");
  const int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream out_file(out), err_file(err);
  result.out.assign(std::istreambuf_iterator<char>(out_file), {});
  result.err.assign(std::istreambuf_iterator<char>(err_file), {});
  return result;
}

TEST_F(VerifyDamageTest, SizeInflatedToTheMaximumIsNamedPromptly) {
  {
    RawLog raw(LogPath());
    raw.Put("meta", std::string(keys::kMetaSize),
            keys::EncodeU64(~uint64_t{0}));
  }
  Verdict verdict = ParseVerdict(VerifyBounded(cli_));
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(kDemoRecords, "data_loss",
                                    "the stored size claims "
                                    "18446744073709551615 records but only "
                                    "14 are stored")));
}

TEST_F(VerifyDamageTest, InflatedSizeIsNotCalledTruncation) {
  {
    RawLog raw(LogPath());
    raw.Put("meta", std::string(keys::kMetaSize), keys::EncodeU64(1000));
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(kDemoRecords, "data_loss",
                                    "the stored size claims 1000 records but "
                                    "only 14 are stored (records 14..999 are "
                                    "missing from the log)")));
  EXPECT_THAT(verdict.findings,
              Each(Field(&Finding::detail, Not(HasSubstr("truncated")))));
}

// A changed leaf node of the tree, its record intact: the stored node above
// agrees with the record, so the tree node is blamed, not the record.
TEST_F(VerifyDamageTest, ChangedTreeLeafIsBlamedOnTheTreeNode) {
  {
    RawLog raw(LogPath());
    std::string leaf = raw.Get("tree", merkle::NodeKey(0, 3));
    ASSERT_EQ(leaf.size(), merkle::kHashBytes);
    leaf[7] = static_cast<char>(leaf[7] ^ 0x01);
    raw.Put("tree", merkle::NodeKey(0, 3), leaf);
  }
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(3, "data_loss",
                                    "the stored Merkle tree node of record 3 "
                                    "(level 0) disagrees with the record")));
  EXPECT_THAT(
      verdict.findings,
      Each(Field(&Finding::detail, Not(HasSubstr("changed in place")))));
}

// Appends a valid reversal of record 5, then rewrites it in place with
// `edit` and writes its leaf node again, as an old log or a forger would
// hold it: the tree stays consistent, so only the correction check speaks.
template <typename Edit>
void RewriteCorrection(const CliHarness& cli, const std::string& log_path,
                       Edit edit) {
  RunResult corrected = cli.Run({"correct", "5", "--reverse", "--reason",
                                 "test", "--recorded-on", "2022-01-01"});
  ASSERT_EQ(corrected.exit_code, 0) << corrected.err;
  RawLog raw(log_path);
  v1::StoredRecord record;
  ASSERT_TRUE(
      record.ParseFromString(raw.Get("events", keys::EventKey(kDemoRecords))));
  edit(record);
  const std::string bytes = record.SerializeAsString();
  raw.Put("events", keys::EventKey(kDemoRecords), bytes);
  const merkle::Hash leaf = merkle::LeafHash(bytes);
  // With 15 records the last leaf is a complete subtree of its own.
  raw.Put("tree", merkle::NodeKey(0, kDemoRecords),
          std::string(leaf.begin(), leaf.end()));
}

TEST_F(VerifyDamageTest, CorrectionRecordedBeforeItsOriginalIsNamed) {
  RewriteCorrection(cli_, LogPath(), [](v1::StoredRecord& record) {
    record.mutable_event()->set_recorded_on("2020-01-01");
  });
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(kDemoRecords, "correction_order",
                                    "record 14 corrects record 5 but was "
                                    "recorded on 2020-01-01, before the record "
                                    "it corrects (2021-11-03)")));
  EXPECT_THAT(verdict.findings, Each(Field(&Finding::kind, Not("data_loss"))));
}

TEST_F(VerifyDamageTest, CorrectionOfALaterRecordIsNamed) {
  RewriteCorrection(cli_, LogPath(), [](v1::StoredRecord& record) {
    record.mutable_event()->mutable_correction()->set_corrected_seq(
        kDemoRecords);
  });
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 1) << verdict.err;
  EXPECT_THAT(verdict.findings,
              Contains(FindingAbout(kDemoRecords, "correction_order",
                                    "record 14 corrects record 14, which is "
                                    "not earlier")));
}

TEST_F(VerifyDamageTest, UntouchedLogWithASnapshotVerifiesClean) {
  ASSERT_EQ(cli_.Run({"rebuild"}).exit_code, 0);
  Verdict verdict = Verify();
  EXPECT_EQ(verdict.exit_code, 0) << verdict.err;
  EXPECT_THAT(verdict.findings, IsEmpty());
}

}  // namespace
}  // namespace fundlog::testing
