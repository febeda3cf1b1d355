#include "core/base/money.h"

#include <algorithm>
#include <limits>
#include <string>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace fundlog {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// The parsed öre, failing the test (with 42 as a marker) on an error.
int64_t Ore(absl::string_view text) {
  auto parsed = ParseKronor(text);
  if (!parsed.ok()) {
    ADD_FAILURE() << parsed.status();
    return 42;
  }
  return *parsed;
}

TEST(FormatKronorTest, GroupsThousandsWithTwoDecimals) {
  EXPECT_EQ(FormatKronor(1'000'000'000), "10 000 000.00");
  EXPECT_EQ(FormatKronor(340'000'000), "3 400 000.00");
  EXPECT_EQ(FormatKronor(0), "0.00");
  EXPECT_EQ(FormatKronor(5), "0.05");
  EXPECT_EQ(FormatKronor(-5), "-0.05");
  EXPECT_EQ(FormatKronor(-100), "-1.00");
  EXPECT_EQ(FormatKronor(99'999), "999.99");
  EXPECT_EQ(FormatKronor(100'000), "1 000.00");
}

TEST(FormatKronorTest, Int64MinFormatsWithoutOverflow) {
  EXPECT_EQ(FormatKronor(kMin), "-92 233 720 368 547 758.08");
  EXPECT_EQ(FormatKronor(kMax), "92 233 720 368 547 758.07");
}

TEST(ParseKronorTest, AcceptsPlainAmounts) {
  EXPECT_EQ(Ore("10000000"), 1'000'000'000);
  EXPECT_EQ(Ore("3400000.5"), 340'000'050);
  EXPECT_EQ(Ore("-12.34"), -1234);
  EXPECT_EQ(Ore("12,34"), 1234);
  EXPECT_EQ(Ore("+0.01"), 1);
  EXPECT_EQ(Ore("0"), 0);
}

TEST(ParseKronorTest, RoundTripsTheExtremes) {
  EXPECT_EQ(Ore("-92233720368547758.08"), kMin);
  EXPECT_EQ(Ore("92233720368547758.07"), kMax);
}

TEST(ParseKronorTest, RefusesOverflowJustBeyondTheExtremes) {
  EXPECT_FALSE(ParseKronor("92233720368547758.08").ok());
  EXPECT_FALSE(ParseKronor("-92233720368547758.09").ok());
  EXPECT_FALSE(ParseKronor("99999999999999999999").ok());
}

TEST(ParseKronorTest, RefusesToRoundAThirdDecimal) {
  auto parsed = ParseKronor("1.005");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseKronor("0.001").ok());
}

TEST(ParseKronorTest, RefusesThousandsSeparators) {
  EXPECT_FALSE(ParseKronor("1 000").ok());
  EXPECT_FALSE(ParseKronor("1,000.00").ok());  // two decimal marks
  EXPECT_FALSE(ParseKronor("1_000").ok());
}

TEST(ParseKronorTest, RefusesMalformedText) {
  for (const char* text :
       {"", "-", "+", "1.", ".", "abc", "1e3", " 1", "1 ", "--1", "1.2.3"}) {
    EXPECT_FALSE(ParseKronor(text).ok()) << '"' << text << '"';
  }
}

TEST(ParseKronorTest, AcceptsALeadingDecimalMark) {
  // ".5" has digits after the mark; documented as allowed by the grammar.
  EXPECT_EQ(Ore(".5"), 50);
}

TEST(ParseKronorTest, FormatThenParseRoundTrips) {
  for (int64_t ore :
       {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{123456789}, kMax, kMin}) {
    std::string text = FormatKronor(ore);
    text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
    EXPECT_EQ(Ore(text), ore) << text;
  }
}

}  // namespace
}  // namespace fundlog

namespace fundlog {
namespace {

TEST(CheckedOreSumTest, OverflowIsRememberedNotWrapped) {
  CheckedOreSum sum(std::numeric_limits<int64_t>::max() - 1);
  sum.Add(1);
  EXPECT_FALSE(sum.overflowed());
  sum.Add(1).Add(-5);  // stays overflowed even if a later term would fit
  EXPECT_TRUE(sum.overflowed());
  EXPECT_EQ(sum.Total("test").status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(sum.ValueOrZero(), 0);
}

TEST(CheckedOreSumTest, CappedAmountsSumWithinTheDocumentedCount) {
  CheckedOreSum sum;
  for (int64_t i = 0; i < kCappedAmountsSummableMax; ++i) sum += kAmountOreMax;
  ASSERT_TRUE(sum.Total("test").ok());
  sum += kAmountOreMax;
  EXPECT_TRUE(sum.overflowed());
  EXPECT_TRUE(WithinAmountCap(-kAmountOreMax));
  EXPECT_FALSE(WithinAmountCap(kAmountOreMax + 1));
}

}  // namespace
}  // namespace fundlog
