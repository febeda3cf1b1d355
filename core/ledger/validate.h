// Validation of events before they are appended: the ledger's rules, which
// the store applies through RecordRules (record_rules.h). Bad input changes
// nothing: the store validates a whole batch before it writes any of it.
//
// Thread-safe: free functions; the context is only read.
#ifndef FUNDLOG_CORE_LEDGER_VALIDATE_H_
#define FUNDLOG_CORE_LEDGER_VALIDATE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/base/limits.h"
#include "core/base/payload_kind.h"
#include "core/store/record_rules.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

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

}  // namespace fundlog

#endif  // FUNDLOG_CORE_LEDGER_VALIDATE_H_
