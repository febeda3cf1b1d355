// Fuzz-style robustness of the SIE import: truncated files, random bytes,
// enormous amounts, very long fields, a tampered #KSUMMA. Each is refused
// with a message naming file and line, or imported; never a crash.
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/formats/sie/sie_import.h"
#include "core/formats/sie/sie_test_util.h"
#include "core/io/batch_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fundlog::sie {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

std::string Real(const std::string& name) {
  absl::StatusOr<std::string> bytes = ReadFileBytes(
      absl::StrCat(FUNDLOG_TEST_DATA_DIR, "/sie/jsisie/", name), 1 << 24);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::string();
}

std::string Minimal(const std::string& voucher_text,
                    const std::string& amount) {
  return absl::StrCat(
      "#FLAGGA 0\n#SIETYP 4\n#KONTO 1930 Bank\n#KONTO 3010 Sales\n"
      "#VER A 1 20200101 \"",
      voucher_text, "\"\n{\n#TRANS 1930 {} ", amount, "\n#TRANS 3010 {} -",
      amount, "\n}\n");
}

// Refused with "name:line: reason", or imported; either way no crash.
void ExpectHandled(const std::string& bytes, const std::string& name) {
  absl::StatusOr<Imported> got = ImportBytesForTest(bytes, name);
  if (!got.ok()) {
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(got.status().message(), name + ":"))
        << got.status().message();
  } else {
    EXPECT_TRUE(ValidateForTest(got->records).ok());
  }
}

TEST(SieRobustness, TruncatedFilesAreRefusedOrImportedWhole) {
  const std::string file = Real("Bokslut%20Norstedts%20SIE%204E.se");
  std::mt19937_64 random(7);
  for (int i = 0; i < 200; ++i) {
    const size_t cut = random() % file.size();
    absl::StatusOr<Imported> got =
        ImportBytesForTest(file.substr(0, cut), "cut.se");
    // The file carries #KSUMMA: any truncation loses the closing one.
    ASSERT_FALSE(got.ok()) << "cut at " << cut;
    EXPECT_THAT(got.status().message(), HasSubstr("cut.se:"));
  }
}

TEST(SieRobustness, OpeningKsummaWithoutClosingIsTruncated) {
  std::string file = Real("Bokslut%20Norstedts%20SIE%204E.se");
  file = file.substr(0, file.rfind("#KSUMMA"));
  absl::StatusOr<Imported> got = ImportBytesForTest(file, "t.se");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("truncated"));
}

TEST(SieRobustness, TamperedContentFailsKsumma) {
  std::string file = Real("Bokslut%20Norstedts%20SIE%204E.se");
  const size_t at = file.find("#TRANS");
  ASSERT_NE(at, std::string::npos);
  file[file.find('.', at) - 1] ^= 1;  // one digit of an amount
  absl::StatusOr<Imported> got = ImportBytesForTest(file, "x.se");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(),
              ::testing::AnyOf(HasSubstr("#KSUMMA"), HasSubstr("sum to")));
}

TEST(SieRobustness, RandomBytes) {
  std::mt19937_64 random(11);
  for (int i = 0; i < 300; ++i) {
    std::string bytes(random() % 4096, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    if (i % 2 == 0) bytes = absl::StrCat("#SIETYP 4\n#KONTO 1 a\n", bytes);
    ExpectHandled(bytes, "random.se");
  }
}

TEST(SieRobustness, RandomLinesOfRealLabels) {
  std::mt19937_64 random(13);
  const char* kPieces[] = {
      "#VER",    "#TRANS", "{",  "}",    "#KONTO",
      "1930",    "\"",     "{}", "-1.5", "20200230",
      "#KSUMMA", "#IB",    "0",  "#RAR", "99999999999999999999"};
  for (int i = 0; i < 500; ++i) {
    std::string bytes = "#SIETYP 4\n";
    for (int k = random() % 60; k > 0; --k) {
      absl::StrAppend(&bytes, kPieces[random() % std::size(kPieces)],
                      random() % 4 == 0 ? "\n" : " ");
    }
    ExpectHandled(bytes, "lines.se");
  }
}

TEST(SieRobustness, EnormousAmountsAreRefused) {
  absl::StatusOr<Imported> got =
      ImportBytesForTest(Minimal("x", "92233720368547758.08"), "big.se");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("big.se:7:"));
  EXPECT_THAT(got.status().message(), HasSubstr("64-bit"));
  // The largest amount that fits imports.
  EXPECT_TRUE(
      ImportBytesForTest(Minimal("x", "92233720368547758.07"), "max.se").ok());
  // Two rows that each fit but overflow together.
  got = ImportBytesForTest(
      "#SIETYP 4\n#KONTO 1 a\n#KONTO 2 b\n#VER A 1 20200101\n{\n"
      "#TRANS 1 {} 92233720368547758.07\n#TRANS 1 {} 1\n#TRANS 2 {} -1\n}\n",
      "sum.se");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("overflow"));
}

TEST(SieRobustness, LongFields) {
  absl::StatusOr<Imported> got =
      ImportBytesForTest(Minimal(std::string(10'000, 'a'), "1"), "long.se");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(ValidateForTest(got->records).ok());
  got = ImportBytesForTest(Minimal(std::string(20'000, 'a'), "1"), "huge.se");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("huge.se:5: a field of"));
}

TEST(SieRobustness, MalformedDatesAndAmountsNameTheLine) {
  absl::StatusOr<Imported> got = ImportBytesForTest(
      "#SIETYP 4\n#KONTO 1 a\n#KONTO 2 b\n#VER A 1 20200230\n{\n}\n", "d.se");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("d.se:4: malformed date"));
  got = ImportBytesForTest(Minimal("x", "1.234"), "a.se");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("a.se:7: malformed amount"));
  got = ImportBytesForTest(Minimal("x", "1,5"), "c.se");
  ASSERT_FALSE(got.ok());
}

TEST(SieRobustness, RtransTwinIsCountedOnce) {
  absl::StatusOr<Imported> got = ImportBytesForTest(
      "#SIETYP 4\n#KONTO 1 a\n#KONTO 2 b\n#VER A 1 20200101\n{\n"
      "#TRANS 1 {} 10\n#TRANS 2 {} -10\n#BTRANS 1 {} 10\n"
      "#RTRANS 1 {} 5\n#TRANS 1 {} 5\n#RTRANS 2 {} -5\n#TRANS 2 {} -5\n}\n",
      "r.se");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->summary.vouchers, 1u);
  EXPECT_EQ(got->records.back().event().voucher().rows_size(), 4);
}

// Constructed: a 4E file that uses an account its #KONTO lines leave out
// imports, naming the account in a finding (issue 11, item 5).
TEST(SieRobustness, UsedButUndefinedAccountImportsWithAFinding) {
  absl::StatusOr<Imported> got = ImportBytesForTest(
      "#SIETYP 4\n#KONTO 1 a\n#VER A 1 20200101\n{\n#TRANS 1 {} 1\n"
      "#TRANS 9 {} -1\n#TRANS 12345678 {} 0\n}\n",
      "u.se");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(got->summary.notes,
              Contains(HasSubstr("account 9 is used but no #KONTO defines")));
  EXPECT_THAT(got->summary.notes,
              Contains(HasSubstr("account 12345678 has 8 digits")));
}

// Constructed: SIE 4B's account numbers are digits; anything else is
// refused naming the line, and an empty account field says so.
TEST(SieRobustness, NonNumericOrEmptyAccountIsRefusedNamingTheLine) {
  absl::StatusOr<Imported> got = ImportBytesForTest(
      "#SIETYP 4\n#KONTO 1 a\n#VER A 1 20200101\n{\n#TRANS 1 {} 1\n"
      "#TRANS 9x {} -1\n}\n",
      "u.se");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(
      got.status().message(),
      HasSubstr("u.se:6: #TRANS: account number \"9x\" is not numeric"));
  got = ImportBytesForTest(
      "#SIETYP 4\n#KONTO 1 a\n#VER A 1 20200101\n{\n#TRANS 1 {} 1\n"
      "#TRANS \"\" {} -1\n}\n",
      "u.se");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(),
              HasSubstr("u.se:6: #TRANS with an empty account field"));
}

}  // namespace
}  // namespace fundlog::sie
