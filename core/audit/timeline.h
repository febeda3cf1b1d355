// The timeline: events in effective order with their sources.
//
// Thread-safe as far as the EventLog is: reads only.
#ifndef FUNDLOG_CORE_AUDIT_TIMELINE_H_
#define FUNDLOG_CORE_AUDIT_TIMELINE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "core/audit/lang.h"
#include "core/io/json_writer.h"
#include "core/store/event_log.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

struct TimelineQuery {
  std::string fund_id;  // empty: every fund
  // Events whose effective time overlaps [from, to] (both optional).
  std::optional<absl::CivilDay> from;
  std::optional<absl::CivilDay> to;
  // Only events recorded on or before this day ("as known on").
  std::optional<absl::CivilDay> known_at;
};

// Records in (effective start, seq) order. Storage errors pass through.
absl::StatusOr<std::vector<v1::StoredRecord>> Timeline(
    const EventLog& log, const TimelineQuery& query);

// An aligned table for a terminal or a working paper: seq, effective,
// recorded_on, kind, summary, and under each event its source and note;
// headings, kinds and summaries in `lang`.
std::string TimelineText(const std::vector<v1::StoredRecord>& records,
                         Lang lang = Lang::kEn);

// {"events": [{"seq", "event_id", "kind", "fund", "effective_from",
// "effective_to" (null when open), "recorded_on", "recorded_by",
// "appended_at_micros", "summary", "note", "amount_ore" (money kinds),
// "source": {"title", "reference", "date", "issuer", "passage",
// "document_sha256"}}]}. The summary is in `lang` (Summarize); everything
// else is the log's own text.
std::string TimelineJson(const std::vector<v1::StoredRecord>& records,
                         Lang lang = Lang::kEn);

// Calls `visit` with each record of the timeline of `query`, in Timeline's
// order, one at a time (nothing is held). Errors as Timeline, and `visit`'s.
absl::Status ScanTimeline(const EventLog& log, const TimelineQuery& query,
                          const EventLog::RecordVisitor& visit);

// TimelineText and TimelineJson a record at a time, for writers that stream
// (timeline_output.h): the text is its heading, one block per record, and a
// footer counting them; the JSON's "events" holds one element per record.
void AppendTimelineTextHeading(Lang lang, std::string* out);
void AppendTimelineTextEvent(const v1::StoredRecord& record, Lang lang,
                             std::string* out);
void AppendTimelineTextFooter(uint64_t count, Lang lang, std::string* out);
void AppendTimelineEventJson(const v1::StoredRecord& record, Lang lang,
                             JsonWriter* json);

// One page of the timeline: the events from `offset` on, at most `limit`
// (all when unset).
struct TimelinePage {
  uint64_t offset = 0;
  std::optional<uint64_t> limit;
};
struct TimelinePageResult {
  std::vector<v1::StoredRecord> events;  // the page's events
  uint64_t total = 0;                    // events of the whole timeline
};
// The page of Timeline(log, query), holding only the page's records in
// memory (the whole timeline is still read, to count it). Errors as
// Timeline.
absl::StatusOr<TimelinePageResult> TimelinePaged(const EventLog& log,
                                                 const TimelineQuery& query,
                                                 const TimelinePage& page);
// TimelineJson of the page's events, followed by "offset", "limit" (null
// when unset) and "total".
std::string TimelinePageJson(const TimelinePageResult& result,
                             const TimelinePage& page, Lang lang = Lang::kEn);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_TIMELINE_H_
