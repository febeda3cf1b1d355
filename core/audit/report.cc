#include "core/audit/report.h"

#include "absl/strings/str_cat.h"
#include "core/audit/timeline.h"

namespace fundlog {

absl::StatusOr<std::string> Report(EventLog& log) {
  const LogInfo info = log.Info();
  std::string out = absl::StrCat(
      "fundlog audit report\n", "log:          ", log.path(), "\n",
      "origin:       ", info.origin, "\n", "organisation: ",
      info.org_name.empty() ? "(not given)" : info.org_name,
      info.org_number.empty() ? "" : absl::StrCat(" (", info.org_number, ")"),
      "\n", "records:      ", info.size, "\n\n", "Timeline (effective order, with sources)\n\n");
  absl::StatusOr<std::vector<v1::StoredRecord>> records =
      Timeline(log, TimelineQuery{});
  if (!records.ok()) return records.status();
  absl::StrAppend(&out, TimelineText(*records));
  return out;
}

}  // namespace fundlog
