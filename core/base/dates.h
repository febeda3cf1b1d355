// Civil days as the log writes them: "YYYY-MM-DD", no time zone attached.
//
// Thread-safe: free functions without state.
#ifndef FUNDLOG_CORE_BASE_DATES_H_
#define FUNDLOG_CORE_BASE_DATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace fundlog {

// Parses exactly "YYYY-MM-DD" (four-digit year 1000-9999, a day that exists in
// the Gregorian calendar). Returns kInvalidArgument naming the text otherwise.
absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text);

// Formats a day as "YYYY-MM-DD".
std::string FormatDay(absl::CivilDay day);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_BASE_DATES_H_
