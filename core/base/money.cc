#include "core/base/money.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fundlog {

absl::Status MoneyOverflowError(absl::string_view what) {
  return absl::OutOfRangeError(
      absl::StrCat("sum of amounts overflows int64 (", what, ")"));
}

absl::StatusOr<int64_t> CheckedOreSum::Total(absl::string_view what) const {
  if (overflowed_) return MoneyOverflowError(what);
  return ore_;
}

std::string FormatKronor(int64_t ore) {
  // Work on the unsigned magnitude so INT64_MIN formats too.
  const bool negative = ore < 0;
  const uint64_t magnitude =
      negative ? uint64_t{0} - static_cast<uint64_t>(ore) : ore;
  std::string digits = absl::StrCat(magnitude / 100);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped.push_back(' ');
    grouped.push_back(digits[i]);
  }
  return absl::StrFormat("%s%s.%02d", negative ? "-" : "", grouped,
                         static_cast<int>(magnitude % 100));
}

absl::StatusOr<int64_t> ParseKronor(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid amount \"", text.substr(0, 40), "\": ", why));
  };
  absl::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest.empty()) return bad("no digits");
  constexpr uint64_t kLimit =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1;
  uint64_t ore = 0;
  int decimals = -1;  // -1: no decimal mark seen yet
  for (char c : rest) {
    if (c == '.' || c == ',') {
      if (decimals >= 0) return bad("two decimal marks");
      decimals = 0;
      continue;
    }
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return bad("not a number");
    }
    if (decimals >= 0 && ++decimals > 2) return bad("more than two decimals");
    if (ore > (kLimit - (c - '0')) / 10) return bad("too large");
    ore = ore * 10 + (c - '0');
  }
  if (decimals == 0) return bad("decimal mark without decimals");
  for (int i = decimals < 0 ? 0 : decimals; i < 2; ++i) {
    if (ore > kLimit / 10) return bad("too large");
    ore *= 10;
  }
  if (!negative && ore == kLimit) return bad("too large");
  if (ore > kLimit) return bad("too large");
  return negative ? static_cast<int64_t>(uint64_t{0} - ore)
                  : static_cast<int64_t>(ore);
}

}  // namespace fundlog
