#include "core/store/key_format.h"

#include <random>

#include "core/ledger/index_entries.h"
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

// VisitIndexEntries builds its keys in place; they must be the keys these
// functions give (the grammar above), entry for entry, in the same order.
namespace fundlog::keys {
namespace {

std::vector<std::pair<std::string, std::string>> Expected(
    const v1::Event& event, uint64_t seq) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string& day = IndexDay(event);
  out.emplace_back(AllByDayKey(day, seq), "");
  out.emplace_back(FundByDayKey(event.fund_id(), day, seq), "");
  if (event.effective().has_period()) {
    const v1::Period& period = event.effective().period();
    const uint8_t length_class = PeriodClass(period);
    out.emplace_back(PeriodKey("", length_class, period.from(), seq),
                     period.to());
    out.emplace_back(
        PeriodKey(event.fund_id(), length_class, period.from(), seq),
        period.to());
  }
  out.emplace_back(NamedKey(kIndexEventId, event.event_id()), EncodeU64(seq));
  if (event.has_fund_established()) {
    out.emplace_back(NamedKey(kIndexFund, event.fund_id()), EncodeU64(seq));
  }
  if (event.has_policy_defined()) {
    out.emplace_back(NamedKey(kIndexPolicy, event.policy_defined().policy_id()),
                     EncodeU64(seq));
  }
  for (const v1::Account& account : event.accounts_defined().accounts()) {
    out.emplace_back(NamedKey(kIndexAccount, account.id()), EncodeU64(seq));
  }
  return out;
}

TEST(KeyFormatTest, IndexEntriesBuiltInPlaceAreTheGrammarsKeys) {
  std::vector<v1::Event> events(7);
  events[0].set_event_id("e-0");
  events[0].set_fund_id("fund");
  events[0].mutable_effective()->set_day("2011-11-03");
  events[1] = events[0];
  events[1].set_event_id("a much longer event id than the string's own room");
  events[1].mutable_effective()->mutable_period()->set_from("2011-01-01");
  events[1].mutable_effective()->mutable_period()->set_to("2011-12-31");
  events[2] = events[1];
  events[2].clear_fund_id();  // 'L' twice, as PeriodKey("", ...) gives
  events[3] = events[1];
  events[3].mutable_effective()->mutable_period()->clear_to();
  events[4] = events[0];
  events[4].mutable_fund_established()->set_name("a fund");
  events[5] = events[0];
  events[5].mutable_policy_defined()->set_policy_id("policy-1");
  events[6] = events[0];
  events[6].mutable_accounts_defined()->add_accounts()->set_id("bank");
  events[6].mutable_accounts_defined()->add_accounts()->set_id(
      std::string("with\0nul", 8));
  std::string buffer;
  for (uint64_t seq : {uint64_t{0}, uint64_t{258}, ~uint64_t{0} >> 3}) {
    for (const v1::Event& event : events) {
      std::vector<std::pair<std::string, std::string>> built;
      VisitIndexEntries(event, seq, &buffer,
                        [&](absl::string_view key, absl::string_view value) {
                          built.emplace_back(key, value);
                        });
      EXPECT_EQ(built, Expected(event, seq)) << event.ShortDebugString();
      std::vector<IndexEntry> added;
      AddIndexEntries(event, seq, &added);
      EXPECT_EQ(added, built);
    }
  }
}

}  // namespace
}  // namespace fundlog::keys
