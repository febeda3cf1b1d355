// The audit report `fundlog demo` and `fundlog report` print.
#ifndef FUNDLOG_CORE_AUDIT_REPORT_H_
#define FUNDLOG_CORE_AUDIT_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "core/store/event_log.h"

namespace fundlog {

// The report as plain text: the log's identity, the timeline with sources,
// and the sections later layers add. Storage errors pass through.
absl::StatusOr<std::string> Report(EventLog& log);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_REPORT_H_
