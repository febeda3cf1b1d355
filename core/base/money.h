// Money is integer öre (int64). No floating point touches money, and no sum
// of amounts is taken without an overflow check: every layer adds money
// through CheckedOreSum or AddOre, so an absurd total is an error, never a
// wrapped figure.
//
// Thread-safe: free functions without state; a CheckedOreSum is a value.
#ifndef FUNDLOG_CORE_BASE_MONEY_H_
#define FUNDLOG_CORE_BASE_MONEY_H_

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fundlog {

// The largest magnitude of an amount an event may state: 10^15 öre, i.e.
// 10 000 000 000 000.00 kr (ten thousand billion kronor). Sweden's whole
// state budget is about 1 300 billion kr a year and the largest
// municipality's about 60 billion, so no real fact comes near it; it
// refuses typos and hostile input such as INT64_MAX at the door.
inline constexpr int64_t kAmountOreMax = 1'000'000'000'000'000;

// How many capped amounts may be added before a sum can overflow int64
// (9 223). The log may hold far more events than that, so a bound on the
// store's size cannot make sums safe: every sum is checked instead
// (CheckedOreSum), and a capped amount's negation and the difference of
// two capped amounts are always representable.
inline constexpr int64_t kCappedAmountsSummableMax =
    std::numeric_limits<int64_t>::max() / kAmountOreMax;
static_assert(kCappedAmountsSummableMax >= 2,
              "the difference of two capped amounts must fit in int64");
static_assert(kCappedAmountsSummableMax >= 9'000,
              "thousands of maximal amounts must sum without overflow");

// Whether `ore` lies within ±kAmountOreMax.
constexpr bool WithinAmountCap(int64_t ore) {
  return ore >= -kAmountOreMax && ore <= kAmountOreMax;
}

// *out = a + b; false (and *out unspecified) when the sum overflows int64.
[[nodiscard]] inline bool AddOre(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

// *out = a - b; false (and *out unspecified) when it overflows int64.
[[nodiscard]] inline bool SubtractOre(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_sub_overflow(a, b, out);
}

// A running sum of öre that remembers an overflow instead of wrapping.
class CheckedOreSum {
 public:
  CheckedOreSum() = default;
  explicit CheckedOreSum(int64_t start) : ore_(start) {}

  // Adds `ore`; after an overflow the sum stays overflowed.
  CheckedOreSum& Add(int64_t ore) {
    if (!overflowed_ && !AddOre(ore_, ore, &ore_)) overflowed_ = true;
    return *this;
  }
  CheckedOreSum& operator+=(int64_t ore) { return Add(ore); }

  bool overflowed() const { return overflowed_; }

  // The sum; kOutOfRange naming `what` when it overflowed int64.
  absl::StatusOr<int64_t> Total(absl::string_view what) const;

  // The sum, for callers that checked overflowed() first (0 if overflowed).
  int64_t ValueOrZero() const { return overflowed_ ? 0 : ore_; }

 private:
  int64_t ore_ = 0;
  bool overflowed_ = false;
};

// The kOutOfRange status every layer reports for a sum that overflows.
absl::Status MoneyOverflowError(absl::string_view what);

// Formats öre as kronor with two decimals and a space between thousands:
// 1000000000 -> "10 000 000.00", -5 -> "-0.05".
std::string FormatKronor(int64_t ore);

// Parses kronor with at most two decimals ("10000000", "3400000.5",
// "-12.34"; '.' or ',' as decimal mark, no thousands separators) into öre.
// kInvalidArgument on anything else, including values that overflow int64.
absl::StatusOr<int64_t> ParseKronor(absl::string_view text);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_BASE_MONEY_H_
