#include "core/audit/timeline_output.h"

#include "core/formats/csv/csv_views.h"
#include "core/io/json_writer.h"

namespace fundlog {
namespace {

// Gathers the output of one format and hands it to the sink in pieces.
class Pieces {
 public:
  Pieces(const TimelineOutput& output, const OutputSink& sink)
      : output_(output), sink_(sink), csv_(output.dialect) {}

  std::string& text() { return pending_; }
  JsonWriter& json() { return json_; }
  CsvWriter& csv() { return csv_; }

  // Hands what is gathered to the sink once it passes a piece's size, or
  // whatever there is when `all`.
  // The JSON and CSV writers keep their text until then: taking it after
  // every event left them to grow a new buffer for the next one.
  absl::Status Drain(bool all) {
    const size_t held =
        output_.format == TimelineFormat::kJson  ? json_.str().size()
        : output_.format == TimelineFormat::kCsv ? csv_.text().size()
                                                 : 0;
    if (!all && pending_.size() + held < kOutputPieceBytes) {
      return absl::OkStatus();
    }
    if (output_.format == TimelineFormat::kJson) pending_ += json_.Take();
    if (output_.format == TimelineFormat::kCsv) pending_ += csv_.Take();
    if (pending_.empty()) return absl::OkStatus();
    absl::Status s = sink_(pending_);
    pending_.clear();
    return s;
  }

 private:
  const TimelineOutput& output_;
  const OutputSink& sink_;
  std::string pending_;
  JsonWriter json_;
  CsvWriter csv_;
};

}  // namespace

absl::StatusOr<uint64_t> WriteTimeline(const EventLog& log,
                                       const TimelineQuery& query,
                                       const TimelineOutput& output,
                                       const OutputSink& sink) {
  Pieces out(output, sink);
  switch (output.format) {
    case TimelineFormat::kText:
      AppendTimelineTextHeading(output.lang, &out.text());
      break;
    case TimelineFormat::kJson:
      out.json().BeginObject().Key("events").BeginArray();
      break;
    case TimelineFormat::kCsv:
      TimelineCsvHeader(&out.csv());
      break;
  }
  uint64_t count = 0;
  absl::Status scanned =
      ScanTimeline(log, query, [&](const v1::StoredRecord& record) {
        ++count;
        switch (output.format) {
          case TimelineFormat::kText:
            AppendTimelineTextEvent(record, output.lang, &out.text());
            break;
          case TimelineFormat::kJson:
            AppendTimelineEventJson(record, output.lang, &out.json());
            break;
          case TimelineFormat::kCsv:
            TimelineCsvRow(record, &out.csv());
            break;
        }
        return out.Drain(false);
      });
  if (!scanned.ok()) return scanned;
  switch (output.format) {
    case TimelineFormat::kText:
      AppendTimelineTextFooter(count, output.lang, &out.text());
      break;
    case TimelineFormat::kJson:
      out.json().EndArray().EndObject();
      out.text() += out.json().Take();
      out.text() += "\n";
      break;
    case TimelineFormat::kCsv:
      break;
  }
  if (absl::Status s = out.Drain(true); !s.ok()) return s;
  return count;
}

absl::StatusOr<uint64_t> WriteCsvExport(const EventLog& log,
                                        const std::string& fund,
                                        CsvDialect dialect,
                                        const OutputSink& sink) {
  const TimelineOutput output{TimelineFormat::kCsv, Lang::kEn, dialect};
  Pieces out(output, sink);
  TimelineCsvHeader(&out.csv());
  uint64_t count = 0;
  absl::Status scanned =
      log.Scan(0, log.Size(), [&](const v1::StoredRecord& record) {
        if (!fund.empty() && record.event().fund_id() != fund) {
          return absl::OkStatus();
        }
        ++count;
        TimelineCsvRow(record, &out.csv());
        return out.Drain(false);
      });
  if (!scanned.ok()) return scanned;
  if (absl::Status s = out.Drain(true); !s.ok()) return s;
  return count;
}

}  // namespace fundlog
