// Round trips: SIE export -> import gives identical balances (jsisie files,
// the Trelleborg history, random synthetic ledgers); CP437 survives both
// ways; the hledger journal agrees with our balances at random dates.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/base/dates.h"
#include "core/base/money.h"
#include "core/formats/hledger/hledger_export.h"
#include "core/formats/sie/sie_export.h"
#include "core/formats/sie/sie_synth.h"
#include "core/formats/sie/sie_test_util.h"
#include "core/formats/sie/sie_text.h"
#include "core/io/batch_file.h"
#include "core/ledger/ledger.h"
#include "core/ledger/synth.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fundlog::sie {
namespace {

using ::testing::HasSubstr;

// Balances as of `day` keyed by account number (the part after "fund:" for
// imported ids, else the Account.number, else the id).
std::map<std::string, std::pair<int64_t, int64_t>> ByNumber(
    const std::vector<v1::StoredRecord>& records, absl::CivilDay day) {
  std::map<std::string, std::string> number_of;
  for (const auto& r : records) {
    for (const auto& a : r.event().accounts_defined().accounts()) {
      number_of[a.id()] = a.number().empty() ? a.id() : a.number();
    }
  }
  ledger::BalanceQuery query;
  query.as_of = day;
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  absl::StatusOr<std::vector<ledger::AccountRange>> got =
      ledger::Balances(records, query);
  EXPECT_TRUE(got.ok()) << got.status();
  if (!got.ok()) return out;
  for (const auto& b : *got) {
    const std::string number =
        number_of.count(b.account) ? number_of[b.account] : b.account;
    out[number] = {b.min_ore, b.max_ore};
  }
  return out;
}

// The account numbers the export states an #UB or #RES for.
std::vector<std::string> StatedAccounts(const std::string& cp437) {
  std::vector<std::string> out;
  Line line;
  for (absl::string_view raw : absl::StrSplit(cp437, '\n')) {
    if (!Tokenize(raw, &line, nullptr).ok()) continue;
    if ((line.label == "#UB" || line.label == "#RES") &&
        line.fields.size() > 1 && line.fields[0].text == "0") {
      out.push_back(line.fields[1].text);
    }
  }
  return out;
}

// Exports `records`, re-imports the file into a fresh log and expects
// every account the file states to hold the same balance at `day`.
void ExpectRoundTrip(const std::vector<v1::StoredRecord>& records,
                     absl::CivilDay day, size_t min_stated) {
  SieExportOptions options;
  options.company_name = "Testbolaget åäö ÅÄÖ é";
  options.generated = absl::CivilDay(2026, 1, 1);
  absl::StatusOr<std::string> file = ExportSie(records, options);
  ASSERT_TRUE(file.ok()) << file.status();
  absl::StatusOr<Imported> back = ImportBytesForTest(*file, "export.se");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->summary.checksum_checked);
  EXPECT_TRUE(ValidateForTest(back->records).ok());
  EXPECT_THAT(AssertionMismatches(back->records), ::testing::IsEmpty());
  auto before = ByNumber(records, day);
  auto after = ByNumber(back->records, day);
  const std::vector<std::string> stated = StatedAccounts(*file);
  EXPECT_GE(stated.size(), min_stated);
  for (const std::string& number : stated) {
    EXPECT_EQ(before[number], after[number]) << "account " << number;
  }
}

TEST(SieRoundTrip, JsisieFilesKeepTheirBalances) {
  for (const char* name :
       {"transaktioner_ovnbolag.se", "SIE4_Exempelfil_med_underdim.SE",
        "typ4.se", "BL0001_typ4.SE", "MAMUT_SIE4_EXPORT.SE"}) {
    SCOPED_TRACE(name);
    absl::StatusOr<Imported> got = ImportForTest(
        absl::StrCat(FUNDLOG_TEST_DATA_DIR, "/sie/jsisie/", name), name);
    ASSERT_TRUE(got.ok()) << got.status();
    ExpectRoundTrip(got->records, absl::CivilDay(2100, 1, 1), 10);
  }
}

TEST(SieRoundTrip, TrelleborgHistoryStatesOnlyExactFigures) {
  absl::StatusOr<LoadedBatch> batch = LoadBatchFile(absl::StrCat(
      FUNDLOG_SOURCE_DIR, "/data/trelleborg_social_investment_fund.textpb"));
  ASSERT_TRUE(batch.ok()) << batch.status();
  std::vector<v1::StoredRecord> records;
  for (const v1::Event& event : batch->batch.events()) {
    v1::StoredRecord record;
    record.set_seq(records.size());
    *record.mutable_event() = event;
    records.push_back(std::move(record));
  }
  ExpectRoundTrip(records, absl::CivilDay(2021, 12, 31), 0);
  SieExportOptions options;
  absl::StatusOr<std::string> file = ExportSie(records, options);
  ASSERT_TRUE(file.ok());
  // The 2011-2017 use is a range: said so, never a #VER or an #UB.
  EXPECT_THAT(*file, HasSubstr("#FUNDLOG_RANGE"));
  EXPECT_THAT(*file, HasSubstr("#FUNDLOG_BALANCE 0 1930"));
}

// A seeded synthetic SIE file (labelled synthetic), imported.
std::vector<v1::StoredRecord> SyntheticSieLedger(uint64_t seed,
                                                 uint64_t vouchers) {
  std::string file;
  GenerateSyntheticSie({seed, vouchers, 2020}, [&](absl::string_view piece) {
    file.append(piece.data(), piece.size());
  });
  absl::StatusOr<Imported> got = ImportBytesForTest(file, "synth.se");
  EXPECT_TRUE(got.ok()) << got.status();
  return got.ok() ? got->records : std::vector<v1::StoredRecord>();
}

TEST(SieRoundTrip, RandomSyntheticSieLedgers) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::vector<v1::StoredRecord> records = SyntheticSieLedger(seed, 300);
    EXPECT_THAT(AssertionMismatches(records), ::testing::IsEmpty());
    ExpectRoundTrip(records, absl::CivilDay(2020, 12, 31), 18);
  }
}

// --year: the next year's file opens with #IB 0 and states the earlier
// results as #RES -1 (our ledger has no year-end closing); re-imported, the
// balance accounts match and the ledger still balances.
TEST(SieRoundTrip, YearExportOpensWithTheBalancesBefore) {
  std::vector<v1::StoredRecord> records = SyntheticSieLedger(7, 200);
  SieExportOptions options;
  options.year = 2021;
  absl::StatusOr<std::string> file = ExportSie(records, options);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(*file, HasSubstr("#IB 0 1930 "));
  EXPECT_THAT(*file, HasSubstr("#RES -1 3010 "));
  absl::StatusOr<Imported> back = ImportBytesForTest(*file, "2021.se");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_THAT(ledger::CheckLedger(back->records).findings,
              ::testing::IsEmpty());
  auto before = ByNumber(records, absl::CivilDay(2021, 12, 31));
  auto after = ByNumber(back->records, absl::CivilDay(2021, 12, 31));
  int compared = 0;
  Line line;
  for (absl::string_view raw : absl::StrSplit(*file, '\n')) {
    if (!Tokenize(raw, &line, nullptr).ok() || line.label != "#UB") continue;
    EXPECT_EQ(before[line.fields[1].text], after[line.fields[1].text])
        << line.fields[1].text;
    ++compared;
  }
  EXPECT_GE(compared, 8);
}

// The policy-driven synthetic ledgers are full of ranges: their export must
// still re-import, and every figure it does state must survive.
TEST(SieRoundTrip, RandomSyntheticPolicyLedgers) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    ExpectRoundTrip(ledger::GenerateSynthetic(seed, 200, 1 + seed % 3),
                    absl::CivilDay(2100, 1, 1), 0);
  }
}

TEST(SieRoundTrip, Cp437CharactersSurviveBothWays) {
  const std::string text = "åäö ÅÄÖ é";
  const std::string cp437 = Utf8ToCp437(text);
  EXPECT_EQ(cp437, "\x86\x84\x94 \x8F\x8E\x99 \x82");
  EXPECT_EQ(Cp437ToUtf8(cp437), text);
  absl::StatusOr<Imported> got = ImportBytesForTest(
      Utf8ToCp437("#FLAGGA 0\n#SIETYP 4\n#FNAMN \"Åsa & Öberg é\"\n"
                  "#KONTO 1930 \"Bank åäö\"\n#KONTO 3010 \"Intäkt ÅÄÖ é\"\n"
                  "#VER A 1 20200101 \"Försäljning é\"\n{\n"
                  "#TRANS 1930 {} 100.00\n#TRANS 3010 {} -100.00\n}\n"),
      "cp437.se");
  ASSERT_TRUE(got.ok()) << got.status();
  SieExportOptions options;
  options.company_name = "Åsa & Öberg é";
  absl::StatusOr<std::string> file = ExportSie(got->records, options);
  ASSERT_TRUE(file.ok());
  EXPECT_THAT(Cp437ToUtf8(*file), HasSubstr("\"Intäkt ÅÄÖ é\""));
  EXPECT_THAT(Cp437ToUtf8(*file), HasSubstr("\"Försäljning é\""));
  EXPECT_THAT(*file, HasSubstr("\x8E"));  // Ä as CP437, not UTF-8
}

// hledger cross-check: runs only where hledger is installed.
TEST(HledgerCrossCheck, BalancesAgreeAtRandomDates) {
  if (std::system("hledger --version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "hledger is not installed";
  }
  std::mt19937_64 random(42);
  // A directory of this process's own: /tmp is shared with other runs of
  // this test (another worktree's suite wrote the same /tmp/bal.csv).
  const std::string dir =
      absl::StrCat(::testing::TempDir(), "/hledger-cross-", getpid());
  std::filesystem::create_directories(dir);
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    // Odd seeds: synthetic SIE books (all exact); even: policy ledgers.
    const bool sie = seed % 2 == 1;
    std::vector<v1::StoredRecord> records =
        sie ? SyntheticSieLedger(seed, 400)
            : ledger::GenerateSynthetic(seed, 150, 2);
    absl::StatusOr<std::string> journal =
        ExportHledger(records, HledgerExportOptions{});
    ASSERT_TRUE(journal.ok()) << journal.status();
    const std::string path = absl::StrCat(dir, "/synth", seed, ".journal");
    std::ofstream(path) << *journal;
    // Accounts a range posting touches are not in the journal's figures.
    ledger::BalanceQuery all;
    all.as_of = absl::CivilDay(9999, 12, 31);
    absl::StatusOr<std::vector<ledger::Posting>> postings =
        ledger::Postings(records, all);
    ASSERT_TRUE(postings.ok());
    std::map<std::string, bool> ranged;
    for (const auto& p : *postings) {
      if (p.min_ore != p.max_ore) {
        ranged[p.debit_account] = ranged[p.credit_account] = true;
      }
    }
    std::map<std::string, v1::Account> accounts;
    for (const auto& r : records) {
      for (const auto& a : r.event().accounts_defined().accounts()) {
        accounts[a.id()] = a;
      }
    }
    for (int k = 0; k < 4; ++k) {
      const absl::CivilDay day =
          sie ? absl::CivilDay(2019, 12, 1) + static_cast<int>(random() % 450)
              : absl::CivilDay(2000, 1, 1) + static_cast<int>(random() % 7300);
      const std::string out = absl::StrCat(dir, "/bal.csv");
      const std::string command =
          absl::StrCat("hledger -f ", path, " bal -e ", FormatDay(day + 1),
                       " --flat -N -O csv > ", out);
      ASSERT_EQ(std::system(command.c_str()), 0) << command;
      std::map<std::string, int64_t> hledger;
      std::ifstream in(out);
      for (std::string row; std::getline(in, row);) {
        std::vector<std::string> cells = absl::StrSplit(row, "\",\"");
        if (cells.size() != 2 || cells[0] == "\"account") continue;
        std::string amount = cells[1].substr(0, cells[1].find(' '));
        amount = amount.substr(0, amount.find('"'));
        absl::StatusOr<int64_t> ore = ParseKronor(amount);
        ASSERT_TRUE(ore.ok()) << row;
        hledger[cells[0].substr(1)] = *ore;
      }
      ledger::BalanceQuery query;
      query.as_of = day;
      absl::StatusOr<std::vector<ledger::AccountRange>> ours =
          ledger::Balances(records, query);
      ASSERT_TRUE(ours.ok());
      int compared = 0;
      for (const auto& b : *ours) {
        if (ranged[b.account] || b.min_ore != b.max_ore) continue;
        const v1::Account& a = accounts[b.account];
        const bool debit_normal = a.type() == v1::ASSET ||
                                  a.type() == v1::EXPENSE ||
                                  a.type() == v1::ACCOUNT_TYPE_UNSPECIFIED;
        EXPECT_EQ(hledger[HledgerAccountName(a)],
                  debit_normal ? b.min_ore : -b.min_ore)
            << b.account << " at " << FormatDay(day);
        ++compared;
      }
      if (sie) {
        EXPECT_GE(compared, 18);
      }
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fundlog::sie
