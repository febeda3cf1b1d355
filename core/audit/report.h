// The audit report `fundlog demo` and `fundlog report` print.
#ifndef FUNDLOG_CORE_AUDIT_REPORT_H_
#define FUNDLOG_CORE_AUDIT_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "core/audit/lang.h"
#include "core/store/event_log.h"

namespace fundlog {

// The report as plain text: the log's identity, the timeline with sources,
// the year-end table, totals against the sources and the integrity section
// with a freshly signed checkpoint; every heading and label in `lang`
// (core/audit/lang.h), the figures the same in both. Storage errors pass
// through.
absl::StatusOr<std::string> Report(EventLog& log, Lang lang = Lang::kEn);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_REPORT_H_
