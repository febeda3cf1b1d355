#include "core/store/key_format.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "core/base/dates.h"

namespace fundlog::keys {

void AppendU64(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void AppendU32(std::string* out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

std::string EncodeU64(uint64_t value) {
  std::string out;
  AppendU64(&out, value);
  return out;
}

std::string EncodeU32(uint32_t value) {
  std::string out;
  AppendU32(&out, value);
  return out;
}

std::optional<uint64_t> DecodeU64(absl::string_view bytes) {
  if (bytes.size() != kU64Bytes) return std::nullopt;
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

std::optional<uint32_t> DecodeU32(absl::string_view bytes) {
  if (bytes.size() != kU32Bytes) return std::nullopt;
  uint32_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

std::string EventKey(uint64_t seq) { return EncodeU64(seq); }

std::string AllByDayKey(absl::string_view day, uint64_t seq) {
  std::string key(1, kIndexAllByDay);
  absl::StrAppend(&key, day);
  AppendU64(&key, seq);
  return key;
}

std::string FundByDayPrefix(absl::string_view fund_id) {
  std::string key(1, kIndexFundByDay);
  absl::StrAppend(&key, fund_id);
  key.push_back('\0');
  return key;
}

std::string FundByDayKey(absl::string_view fund_id, absl::string_view day,
                         uint64_t seq) {
  std::string key = FundByDayPrefix(fund_id);
  absl::StrAppend(&key, day);
  AppendU64(&key, seq);
  return key;
}

std::string PeriodPrefix(absl::string_view fund_id, uint8_t length_class) {
  std::string key;
  if (fund_id.empty()) {
    key.push_back(kIndexPeriodAll);
  } else {
    key.push_back(kIndexPeriodFund);
    absl::StrAppend(&key, fund_id);
    key.push_back('\0');
  }
  key.push_back(static_cast<char>(length_class));
  return key;
}

std::string PeriodKey(absl::string_view fund_id, uint8_t length_class,
                      absl::string_view day, uint64_t seq) {
  std::string key = PeriodPrefix(fund_id, length_class);
  absl::StrAppend(&key, day);
  AppendU64(&key, seq);
  return key;
}

std::string NamedKey(char kind, absl::string_view name) {
  std::string key(1, kind);
  absl::StrAppend(&key, name);
  return key;
}

}  // namespace fundlog::keys

namespace fundlog {

uint8_t PeriodClass(const v1::Period& period) {
  if (period.to().empty()) return 0;
  absl::StatusOr<absl::CivilDay> from = ParseDay(period.from());
  absl::StatusOr<absl::CivilDay> to = ParseDay(period.to());
  // Append refuses both; an older or damaged record still gets an entry.
  if (!from.ok() || !to.ok() || *to < *from) return 1;
  const uint64_t days = static_cast<uint64_t>(*to - *from);
  return static_cast<uint8_t>(1 + std::bit_width(days));
}

}  // namespace fundlog
