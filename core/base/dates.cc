#include "core/base/dates.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace fundlog {
namespace {

constexpr size_t kDayTextBytes = 10;  // "YYYY-MM-DD"

bool AllDigits(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !text.empty();
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrFormat("invalid date \"%s\": %s (want YYYY-MM-DD)",
                        std::string(text.substr(0, 40)), why));
  };
  if (text.size() != kDayTextBytes || text[4] != '-' || text[7] != '-') {
    return bad("not of the form YYYY-MM-DD");
  }
  absl::string_view year_text = text.substr(0, 4);
  absl::string_view month_text = text.substr(5, 2);
  absl::string_view day_text = text.substr(8, 2);
  int year = 0, month = 0, day = 0;
  if (!AllDigits(year_text) || !AllDigits(month_text) || !AllDigits(day_text) ||
      !absl::SimpleAtoi(year_text, &year) ||
      !absl::SimpleAtoi(month_text, &month) ||
      !absl::SimpleAtoi(day_text, &day)) {
    return bad("not of the form YYYY-MM-DD");
  }
  if (year < 1000) return bad("year before 1000");
  // CivilDay normalises out-of-range fields (2011-02-30 -> 2011-03-02), so a
  // day that does not exist shows up as a round-trip mismatch.
  absl::CivilDay parsed(year, month, day);
  if (parsed.year() != year || parsed.month() != month || parsed.day() != day) {
    return bad("no such day in the calendar");
  }
  return parsed;
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace fundlog
