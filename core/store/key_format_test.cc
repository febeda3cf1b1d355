#include "core/store/key_format.h"

#include <random>

#include "gtest/gtest.h"

namespace fundlog::keys {
namespace {

TEST(KeyFormatTest, ByteOrderEqualsNumericOrder) {
  std::mt19937_64 random(6962);
  std::vector<uint64_t> values = {0,
                                  1,
                                  255,
                                  256,
                                  65535,
                                  65536,
                                  (uint64_t{1} << 32) - 1,
                                  uint64_t{1} << 32,
                                  ~uint64_t{0} - 1,
                                  ~uint64_t{0}};
  for (int i = 0; i < 2000; ++i) values.push_back(random() >> (random() % 64));
  for (uint64_t a : values) {
    for (uint64_t b : {values[0], values[3], values[7], values[9],
                       static_cast<uint64_t>(random())}) {
      EXPECT_EQ(a < b, EventKey(a) < EventKey(b)) << a << " vs " << b;
      EXPECT_EQ(a == b, EventKey(a) == EventKey(b));
    }
  }
}

TEST(KeyFormatTest, DecodeInvertsEncode) {
  for (uint64_t value : {uint64_t{0}, uint64_t{42}, ~uint64_t{0}}) {
    EXPECT_EQ(DecodeU64(EncodeU64(value)), value);
  }
  EXPECT_EQ(DecodeU32(EncodeU32(0xdeadbeef)), 0xdeadbeefu);
  EXPECT_FALSE(DecodeU64("short").has_value());
}

TEST(KeyFormatTest, FundPrefixesDoNotNest) {
  // "ab" must not scan into fund "abc": the NUL terminator separates them.
  std::string key = FundByDayKey("abc", "2020-01-01", 7);
  EXPECT_NE(key.rfind(FundByDayPrefix("ab"), 0), 0u);
  EXPECT_EQ(key.rfind(FundByDayPrefix("abc"), 0), 0u);
}

TEST(KeyFormatTest, DayKeysSortByDateThenSeq) {
  EXPECT_LT(AllByDayKey("2011-12-31", 9), AllByDayKey("2012-01-01", 0));
  EXPECT_LT(AllByDayKey("2012-01-01", 1), AllByDayKey("2012-01-01", 256));
}

}  // namespace
}  // namespace fundlog::keys
