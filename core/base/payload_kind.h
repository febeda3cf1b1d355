// The kind of an event's payload, as every layer names it (the timeline's
// `kind`, the CSV's kind column, validation's messages).
//
// Thread-safe: a free function without state.
#ifndef FUNDLOG_CORE_BASE_PAYLOAD_KIND_H_
#define FUNDLOG_CORE_BASE_PAYLOAD_KIND_H_

#include "absl/strings/string_view.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

// The payload oneof's field name ("allocation", "close_out"...), or "none"
// when no payload is set.
absl::string_view PayloadKind(const v1::Event& event);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_BASE_PAYLOAD_KIND_H_
