// Validation of events before they are appended. Bad input changes nothing:
// the store validates a whole batch before it writes any of it.
//
// Thread-safe: free functions; the context is only read.
#ifndef FUNDLOG_CORE_STORE_VALIDATE_H_
#define FUNDLOG_CORE_STORE_VALIDATE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

// Bounds on input, with their units last.
inline constexpr size_t kEventBytesMax = 1 << 20;     // one event
inline constexpr size_t kBatchEventsMax = 100'000;    // events per batch
inline constexpr size_t kBatchBytesMax = 256u << 20;  // one batch
inline constexpr size_t kIdBytesMax = 256;            // event/fund/account ids
inline constexpr size_t kTextBytesMax = 64 * 1024;    // one text field
static_assert(kEventBytesMax * 4 <= kBatchBytesMax,
              "a batch must hold several maximal events");

// What validation needs to know of the log beyond the batch itself.
class ValidationContext {
 public:
  virtual ~ValidationContext() = default;
  // The log's size: sequence numbers below it exist.
  virtual uint64_t Size() const = 0;
  // Whether an event with this id / a FundEstablished for this fund / a
  // PolicyDefined with this id / an account with this id is in the log.
  // Non-OK only on storage errors.
  virtual absl::StatusOr<bool> HasEventId(absl::string_view id) const = 0;
  virtual absl::StatusOr<bool> HasFund(absl::string_view fund_id) const = 0;
  virtual absl::StatusOr<bool> HasPolicy(absl::string_view policy_id) const = 0;
  virtual absl::StatusOr<bool> HasAccount(absl::string_view account) const = 0;
  // The `recorded_on` day ("YYYY-MM-DD") of record `seq` < Size(), so that a
  // correction is never recorded before what it corrects. Non-OK only on
  // storage errors (a missing or unreadable record).
  virtual absl::StatusOr<std::string> RecordedOn(uint64_t seq) const = 0;
};

// Checks every event of `batch` in order, as if each earlier event of the
// batch were already in the log. Returns OK, or kInvalidArgument whose
// message reads `event N (id "X"): field "F": reason`, N the 0-based index
// in the batch. Storage errors from `context` pass through unchanged.
// Among the checks: every string field of every event (found by reflection,
// nested and repeated ones included) is valid UTF-8; every stated amount
// (`*_ore`) lies within ±kAmountOreMax (core/base/money.h); a correction is
// recorded no earlier than the record it corrects.
absl::Status ValidateBatch(const v1::EventBatch& batch,
                           const ValidationContext& context);

// The payload's kind: the oneof field name ("allocation", "close_out"...),
// or "none" when no payload is set.
absl::string_view PayloadKind(const v1::Event& event);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_VALIDATE_H_
