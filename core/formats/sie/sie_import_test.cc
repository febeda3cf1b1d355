// SIE 4 import against the real files of tests/data/sie/jsisie: each is
// imported or refused with a reason, and for each imported file that states
// #UB/#RES our balances at the year's end equal the file's own figures.
#include "core/formats/sie/sie_import.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/formats/sie/sie_convert.h"
#include "core/formats/sie/sie_synth.h"
#include "core/formats/sie/sie_test_util.h"
#include "core/io/batch_file.h"
#include "core/ledger/ledger.h"
#include "core/ledger/validate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fundlog::sie {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> JsisieFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(
           absl::StrCat(FUNDLOG_TEST_DATA_DIR, "/sie/jsisie"))) {
    if (IsSieFileName(entry.path().string())) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(SieJsisie, EveryFileIsImportedOrRefusedWithAReason) {
  int imported = 0, refused = 0;
  for (const std::string& path : JsisieFiles()) {
    SCOPED_TRACE(path);
    const std::string name = std::filesystem::path(path).filename().string();
    absl::StatusOr<Imported> got = ImportForTest(path, name);
    if (!got.ok()) {
      ++refused;
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_TRUE(absl::StartsWith(got.status().message(), name + ":"))
          << got.status().message();
      std::printf(
          "refused  %-55s %s\n", name.c_str(),
          std::string(got.status().message().substr(name.size() + 1)).c_str());
      continue;
    }
    ++imported;
    std::printf("imported %-55s %llu vouchers, %d assertions\n", name.c_str(),
                static_cast<unsigned long long>(got->summary.vouchers),
                got->assertions);
    EXPECT_TRUE(ValidateForTest(got->records).ok())
        << ValidateForTest(got->records);
    // The file's own #UB/#RES are the oracle: every one must hold.
    for (const std::string& mismatch : AssertionMismatches(got->records)) {
      ADD_FAILURE() << mismatch;
    }
    // And the ledger verifies: debits equal credits, every assertion holds.
    for (const ledger::Finding& f :
         ledger::CheckLedger(got->records).findings) {
      ADD_FAILURE() << f.kind << " at seq " << f.seq << ": " << f.detail;
    }
  }
  std::printf("%d imported, %d refused\n", imported, refused);
  EXPECT_GT(imported, 15);
}

TEST(SieJsisie, UnbalancedVoucherIsRefusedNamingIt) {
  const std::string path =
      absl::StrCat(FUNDLOG_TEST_DATA_DIR,
                   "/sie/jsisie/transaktioner_ovnbolag-bad-balance.se");
  absl::StatusOr<Imported> got = ImportForTest(path, "bad.se");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("bad.se:3910:"));
  EXPECT_THAT(got.status().message(), HasSubstr("#VER B 1 (line 3905)"));
  EXPECT_THAT(got.status().message(), HasSubstr("sum to -12771.00 kr"));
}

TEST(SieJsisie, GoodTwinOfTheBadFileImports) {
  const std::string path = absl::StrCat(
      FUNDLOG_TEST_DATA_DIR, "/sie/jsisie/transaktioner_ovnbolag.se");
  absl::StatusOr<Imported> got = ImportForTest(path, "good.se");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->summary.vouchers, 163u);
}

TEST(SieJsisie, ChecksumOfRealFilesIsVerified) {
  const std::string path = absl::StrCat(
      FUNDLOG_TEST_DATA_DIR, "/sie/jsisie/Bokslut%20Norstedts%20SIE%204E.se");
  absl::StatusOr<Imported> got = ImportForTest(path, "norstedts.se");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->summary.checksum_checked);
}

// A 4I file (vouchers only, no #KONTO) imports into a log that already
// holds the company's chart; the 4I file alone is refused.
TEST(SieJsisie, FourIFileImportsWhereTheLogHasTheAccounts) {
  const std::string dir = absl::StrCat(FUNDLOG_TEST_DATA_DIR, "/sie/jsisie/");
  absl::StatusOr<Imported> chart =
      ImportForTest(absl::StrCat(dir, "BL0001_typ4.SE"), "BL0001_typ4.SE");
  ASSERT_TRUE(chart.ok()) << chart.status();
  absl::StatusOr<std::string> four_i =
      ReadFileBytes(absl::StrCat(dir, "BL0001_typ4I.SI"), 1 << 20);
  ASSERT_TRUE(four_i.ok());
  EXPECT_FALSE(ImportBytesForTest(*four_i, "4i.si").ok());
  absl::StatusOr<Imported> both =
      ImportBytesForTest(*four_i, "4i.si", chart->records);
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->summary.vouchers, 1u);
  EXPECT_TRUE(ValidateForTest(both->records).ok())
      << ValidateForTest(both->records);
}

// The converter reuses the events of a flushed batch for the next vouchers
// (their strings keep their buffers): how often it flushes must not change
// a single byte of any event.
TEST(SieImportSpeed, BatchSizeDoesNotChangeAnyEvent) {
  std::string file;
  GenerateSyntheticSie({.seed = 7, .vouchers = 400, .year = 2021},
                       [&](absl::string_view piece) {
                         file.append(piece.data(), piece.size());
                       });
  auto events_with = [&](int vouchers_per_batch) {
    ImportOptions options;
    options.display_name = "synthetic.se";
    options.file_sha256 = std::string(64, 'b');
    options.vouchers_per_batch = vouchers_per_batch;
    std::vector<std::string> events;
    absl::StatusOr<ImportSummary> summary =
        ReadSieBytes(file, options, [&](v1::EventBatch&& batch) {
          for (const v1::Event& event : batch.events()) {
            events.push_back(event.SerializeAsString());
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(summary.ok()) << summary.status();
    return events;
  };
  const std::vector<std::string> whole = events_with(100000);
  ASSERT_GT(whole.size(), 400u);
  EXPECT_EQ(events_with(1), whole);
  EXPECT_EQ(events_with(7), whole);
}

// A reused event, whatever it held, serializes as a fresh one once it is
// filled as a voucher.
TEST(SieImportSpeed, ResetEventIsAsFresh) {
  auto fill = [](v1::Event* event) {
    event->set_event_id("sie-0123456789abcdef-L12");
    event->set_fund_id("sie-5560001111");
    event->mutable_effective()->set_day("2021-03-04");
    event->set_recorded_on("2021-03-05");
    event->mutable_source()->set_title("SIE file x.se");
    v1::Voucher* voucher = event->mutable_voucher();
    voucher->set_series("A");
    voucher->set_number("12");
    v1::VoucherRow* row = voucher->add_rows();
    row->set_account("sie-5560001111:1930");
    row->set_amount_ore(100);
    row = voucher->add_rows();
    row->set_account("sie-5560001111:3010");
    row->set_amount_ore(-100);
  };
  google::protobuf::Arena arena;
  v1::Event* fresh = google::protobuf::Arena::CreateMessage<v1::Event>(&arena);
  fill(fresh);
  // A header event: note, a period, another payload.
  v1::Event* header = google::protobuf::Arena::CreateMessage<v1::Event>(&arena);
  header->set_note("the company an SIE file describes, as a fund");
  header->set_recorded_by("someone");
  header->mutable_effective()->mutable_period()->set_from("2021-01-01");
  header->mutable_source()->set_passage("line 3");
  header->mutable_fund_established()->set_name("Övningsbolaget");
  internal::ResetVoucherEvent(header);
  fill(header);
  EXPECT_EQ(header->SerializeAsString(), fresh->SerializeAsString());
  // A voucher with more rows, objects, texts and dates than the next.
  v1::Event* voucher =
      google::protobuf::Arena::CreateMessage<v1::Event>(&arena);
  fill(voucher);
  voucher->mutable_voucher()->set_text("hyra");
  voucher->mutable_voucher()->set_signature("AB");
  voucher->mutable_source()->set_reference("#VER A 12 (line 9)");
  for (int i = 0; i < 3; ++i) {
    v1::VoucherRow* row = voucher->mutable_voucher()->add_rows();
    row->set_account("sie-5560001111:5010");
    (*row->mutable_objects())["1"] = "100";
    row->set_text("text");
    row->set_transaction_date("2021-03-01");
  }
  internal::ResetVoucherEvent(voucher);
  fill(voucher);
  EXPECT_EQ(voucher->SerializeAsString(), fresh->SerializeAsString());
}

}  // namespace
}  // namespace fundlog::sie
