// Money is integer öre (int64). No floating point touches money.
//
// Thread-safe: free functions without state.
#ifndef FUNDLOG_CORE_LEDGER_MONEY_H_
#define FUNDLOG_CORE_LEDGER_MONEY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fundlog {

// Formats öre as kronor with two decimals and a space between thousands:
// 1000000000 -> "10 000 000.00", -5 -> "-0.05".
std::string FormatKronor(int64_t ore);

// Parses kronor with at most two decimals ("10000000", "3400000.5",
// "-12.34"; '.' or ',' as decimal mark, no thousands separators) into öre.
// kInvalidArgument on anything else, including values that overflow int64.
absl::StatusOr<int64_t> ParseKronor(absl::string_view text);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_LEDGER_MONEY_H_
