#include "core/audit/timeline.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/audit/describe.h"
#include "core/base/dates.h"
#include "core/base/payload_kind.h"
#include "core/io/json_writer.h"
#include "core/io/text.h"

namespace fundlog {
namespace {

// Appends `text` wrapped at `width` columns (counting UTF-8 code points),
// continuation lines indented by `indent` spaces. Words are split at each
// single space, so runs of spaces stay as they were.
void AppendWrapped(absl::string_view text, size_t width, size_t indent,
                   std::string* out) {
  auto chars = [](absl::string_view word) {
    size_t n = 0;
    for (unsigned char c : word) n += (c & 0xC0) != 0x80;
    return n;
  };
  size_t line_chars = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == absl::string_view::npos) end = text.size();
    const absl::string_view word = text.substr(start, end - start);
    const size_t word_chars = chars(word);
    if (line_chars > 0 && line_chars + 1 + word_chars > width) {
      out->push_back('\n');
      out->append(indent, ' ');
      line_chars = 0;
    }
    if (line_chars > 0) {
      out->push_back(' ');
      ++line_chars;
    }
    out->append(word.data(), word.size());
    line_chars += word_chars;
    start = end + 1;
  }
}

}  // namespace

absl::Status ScanTimeline(const EventLog& log, const TimelineQuery& query,
                          const EventLog::RecordVisitor& visit) {
  const absl::CivilDay last(9999, 12, 31);
  const std::string from = query.from ? FormatDay(*query.from) : "";
  const std::string known_at = query.known_at ? FormatDay(*query.known_at) : "";
  return log.ScanOverlapping(
      query.fund_id, query.from, query.to.value_or(last),
      [&](const v1::StoredRecord& record) {
        const v1::Event& event = record.event();
        const std::string to = EffectiveTo(event.effective());
        // ISO days compare as text; an open period never ends.
        if (!from.empty() && !to.empty() && to < from) {
          return absl::OkStatus();
        }
        if (!known_at.empty() && event.recorded_on() > known_at) {
          return absl::OkStatus();
        }
        return visit(record);
      });
}

absl::StatusOr<std::vector<v1::StoredRecord>> Timeline(
    const EventLog& log, const TimelineQuery& query) {
  std::vector<v1::StoredRecord> out;
  absl::Status scanned =
      ScanTimeline(log, query, [&](const v1::StoredRecord& record) {
        out.push_back(record);
        return absl::OkStatus();
      });
  if (!scanned.ok()) return scanned;
  return out;
}

absl::StatusOr<TimelinePageResult> TimelinePaged(const EventLog& log,
                                                 const TimelineQuery& query,
                                                 const TimelinePage& page) {
  TimelinePageResult result;
  absl::Status scanned =
      ScanTimeline(log, query, [&](const v1::StoredRecord& record) {
        const uint64_t index = result.total++;
        if (index >= page.offset &&
            (!page.limit || index - page.offset < *page.limit)) {
          result.events.push_back(record);
        }
        return absl::OkStatus();
      });
  if (!scanned.ok()) return scanned;
  return result;
}

void AppendTimelineTextHeading(Lang lang, std::string* out) {
  const Words& w = WordsFor(lang);
  absl::StrAppend(out, PadLeft(w.col_seq, 5), "  ",
                  PadRight(w.col_effective, 24), "  ",
                  PadRight(w.col_recorded, 11), "  ", w.col_kind, "\n");
}

void AppendTimelineTextEvent(const v1::StoredRecord& record, Lang lang,
                             std::string* out) {
  constexpr size_t kWidth = 100;
  constexpr size_t kIndent = 7;
  const Words& w = WordsFor(lang);
  // Written into `out` as it goes: the timeline formats every event of an
  // answer, so each string built here is paid per event.
  std::string labelled;
  auto block = [&](absl::string_view label, absl::string_view text) {
    if (text.empty()) return;
    out->append(kIndent, ' ');
    if (label.empty()) {
      AppendWrapped(text, kWidth - kIndent, kIndent, out);
    } else {
      labelled.assign(label.data(), label.size());
      labelled.append(text.data(), text.size());
      AppendWrapped(labelled, kWidth - kIndent, kIndent, out);
    }
    out->push_back('\n');
  };
  const v1::Event& event = record.event();
  absl::StrAppend(out, PadLeft(absl::StrCat(record.seq()), 5), "  ",
                  PadRight(EffectiveText(event.effective(), lang), 24), "  ",
                  PadRight(event.recorded_on(), 11), "  ",
                  KindLabel(lang, PayloadKind(event)), "\n");
  block("", Summarize(event, lang));
  // SourceText: the title, then the reference and date when present.
  const v1::Source& source = event.source();
  std::string source_text = source.title();
  for (const std::string* part : {&source.reference(), &source.date()}) {
    if (!part->empty()) absl::StrAppend(&source_text, ", ", *part);
  }
  block(w.source, source_text);
  block(w.passage, event.source().passage());
  block(w.note, event.note());
}

void AppendTimelineTextFooter(uint64_t count, Lang lang, std::string* out) {
  absl::StrAppend(out, count, WordsFor(lang).events, "\n");
}

std::string TimelineText(const std::vector<v1::StoredRecord>& records,
                         Lang lang) {
  std::string out;
  AppendTimelineTextHeading(lang, &out);
  for (const v1::StoredRecord& record : records) {
    AppendTimelineTextEvent(record, lang, &out);
  }
  AppendTimelineTextFooter(records.size(), lang, &out);
  return out;
}

void AppendTimelineEventJson(const v1::StoredRecord& record, Lang lang,
                             JsonWriter* writer) {
  JsonWriter& json = *writer;
  const v1::Event& event = record.event();
  const v1::Source& source = event.source();
  json.BeginObject();
  json.Key("seq").Uint(record.seq());
  json.Key("event_id").String(event.event_id());
  json.Key("kind").String(PayloadKind(event));
  json.Key("fund").String(event.fund_id());
  json.Key("effective_from").String(EffectiveFrom(event.effective()));
  json.Key("effective_to");
  if (std::string to = EffectiveTo(event.effective()); to.empty()) {
    json.Null();
  } else {
    json.String(to);
  }
  json.Key("recorded_on").String(event.recorded_on());
  json.Key("recorded_by").String(event.recorded_by());
  json.Key("appended_at_micros").Int(record.appended_at_micros());
  json.Key("summary").String(Summarize(event, lang));
  json.Key("note").String(event.note());
  if (std::optional<int64_t> amount = StatedAmount(event)) {
    json.Key("amount_ore").Int(*amount);
  }
  json.Key("source").BeginObject();
  json.Key("title").String(source.title());
  json.Key("reference").String(source.reference());
  json.Key("date").String(source.date());
  json.Key("issuer").String(source.issuer());
  json.Key("passage").String(source.passage());
  json.Key("document_sha256").String(source.document_sha256());
  json.EndObject();
  json.EndObject();
}

namespace {

// {"events": [...] and, with a page, "offset", "limit", "total"}.
std::string EventsJson(const std::vector<v1::StoredRecord>& records,
                       const TimelinePage* page, uint64_t total, Lang lang) {
  JsonWriter json;
  json.BeginObject().Key("events").BeginArray();
  for (const v1::StoredRecord& record : records) {
    AppendTimelineEventJson(record, lang, &json);
  }
  json.EndArray();
  if (page != nullptr) {
    json.Key("offset").Uint(page->offset);
    json.Key("limit");
    if (page->limit) {
      json.Uint(*page->limit);
    } else {
      json.Null();
    }
    json.Key("total").Uint(total);
  }
  json.EndObject();
  return json.str() + "\n";
}

}  // namespace

std::string TimelineJson(const std::vector<v1::StoredRecord>& records,
                         Lang lang) {
  return EventsJson(records, nullptr, records.size(), lang);
}

std::string TimelinePageJson(const TimelinePageResult& result,
                             const TimelinePage& page, Lang lang) {
  return EventsJson(result.events, &page, result.total, lang);
}

}  // namespace fundlog
