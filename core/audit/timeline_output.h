// Whole-log outputs written while the log is read: the timeline in any of
// its formats and the CSV export. Each holds one record and one piece of
// output (kOutputPieceBytes) at a time, so memory does not grow with the
// log or the output, and time follows the records read. The bytes are
// exactly those of the functions that build the whole document in memory
// (TimelineText, TimelineJson, TimelineCsv, ExportBytes for CSV), which
// stay for short answers and for `fundlog serve`.
//
// Thread-safe as far as the EventLog is: reads only.
#ifndef FUNDLOG_CORE_AUDIT_TIMELINE_OUTPUT_H_
#define FUNDLOG_CORE_AUDIT_TIMELINE_OUTPUT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/audit/lang.h"
#include "core/audit/timeline.h"
#include "core/formats/csv/csv.h"
#include "core/io/output_sink.h"
#include "core/store/event_log.h"

namespace fundlog {

enum class TimelineFormat { kText, kJson, kCsv };

struct TimelineOutput {
  TimelineFormat format = TimelineFormat::kText;
  Lang lang = Lang::kEn;                      // text, json
  CsvDialect dialect = CsvDialect::kRfc4180;  // csv
};

// Writes to `sink` the bytes TimelineText, TimelineJson or TimelineCsv give
// for Timeline(log, query). Returns the number of events written. Storage
// errors and the sink's errors pass through; the sink may then have taken
// part of the document.
absl::StatusOr<uint64_t> WriteTimeline(const EventLog& log,
                                       const TimelineQuery& query,
                                       const TimelineOutput& output,
                                       const OutputSink& sink);

// Writes to `sink` the bytes ExportBytes gives for the CSV export of every
// record of the log (in seq order), or only of `fund` when not empty.
// Returns the number of records written. Errors as WriteTimeline.
absl::StatusOr<uint64_t> WriteCsvExport(const EventLog& log,
                                        const std::string& fund,
                                        CsvDialect dialect,
                                        const OutputSink& sink);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_TIMELINE_OUTPUT_H_
