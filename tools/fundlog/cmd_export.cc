// export: SIE 4E, hledger journal and CSV files of the log, for auditors.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/audit/export.h"
#include "core/audit/ledger_views.h"
#include "core/audit/timeline_output.h"
#include "core/io/durable_file.h"
#include "tools/fundlog/cli.h"

namespace fundlog::cli {
namespace {

int Usage(absl::string_view message) {
  std::cerr << "fundlog export: " << message << "\n";
  return kExitUsage;
}

int RunExport(const Args& args, const Context& context) {
  const std::string format = args.Get("format").value_or("");
  std::optional<std::string> out = args.Get("out");
  if (!out) return Usage("--out FILE is required");
  ledger::View view = ledger::View::kReported;
  if (std::optional<std::string> name = args.Get("view")) {
    absl::StatusOr<ledger::View> parsed = ledger::ParseView(*name);
    if (!parsed.ok()) return Usage(parsed.status().message());
    view = *parsed;
  }
  std::optional<int> year;
  if (std::optional<std::string> text = args.Get("year")) {
    int parsed = 0;
    if (!absl::SimpleAtoi(*text, &parsed) || parsed < 1900 || parsed > 9998) {
      return Usage(absl::StrCat("--year \"", *text, "\": want a year"));
    }
    year = parsed;
  }
  absl::StatusOr<CsvDialect> dialect =
      ParseCsvDialect(args.Get("csv-dialect").value_or(""));
  if (!dialect.ok()) return Usage(dialect.status().message());
  if (format != "sie" && format != "hledger" && format != "csv") {
    return Usage("--format must be sie, hledger or csv");
  }
  // Each flag either shapes this format's output or is refused: a flag that
  // were silently ignored would make the file look like something it is not.
  if (year && format != "sie") {
    return Usage("--year applies to --format sie only");
  }
  if (args.Has("csv-dialect") && format != "csv") {
    return Usage("--csv-dialect applies to --format csv only");
  }
  if (args.Has("view") && format == "csv") {
    return Usage(
        "--view applies to --format sie and hledger only: the CSV is the "
        "timeline of facts, the same under every view (use `balance`, "
        "`statement` or `totals --format csv` for figures under a view)");
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
  if (!log.ok()) return Fail("export", log.status());
  ExportRequest request;
  request.format = *ParseExportFormat(format);
  request.view = view;
  request.year = year;
  request.fund = args.Get("fund").value_or("");
  request.dialect = *dialect;
  request.generated = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  absl::StatusOr<std::unique_ptr<DurableFile>> file = DurableFile::Create(*out);
  if (!file.ok()) return Fail("export", file.status());
  uint64_t exported = 0;
  if (request.format == ExportFormat::kCsv) {
    // Written while the log is read: memory does not grow with the log.
    absl::StatusOr<uint64_t> written = WriteCsvExport(
        **log, request.fund, request.dialect,
        [&](absl::string_view piece) { return (*file)->Append(piece); });
    if (!written.ok()) return Fail("export", written.status());
    exported = *written;
  } else {
    // SIE and hledger need the whole ledger (balances, postings sorted by
    // day) before their first line.
    absl::StatusOr<std::vector<v1::StoredRecord>> records = LoadRecords(**log);
    if (!records.ok()) return Fail("export", records.status());
    absl::StatusOr<std::string> bytes =
        ExportBytes((*log)->Info(), *records, request);
    if (!bytes.ok()) return Fail("export", bytes.status());
    if (absl::Status s = (*file)->Append(*bytes); !s.ok()) {
      return Fail("export", s);
    }
    exported = records->size();
  }
  if (absl::Status s = (*file)->Commit(); !s.ok()) return Fail("export", s);
  Print(absl::StrCat("wrote ", format, " export of ", exported, " records to ",
                     *out, " (", (*file)->size(), " bytes)\n"));
  return kExitOk;
}

}  // namespace

std::vector<Command> ExportCommands() {
  return {
      {{"export",
        "export --format sie|hledger|csv [--view V] [--year Y] [--fund F] "
        "[--csv-dialect sv] --out FILE",
        "Write the log for auditors' tools: SIE 4E (CP437, #KSUMMA), an "
        "hledger journal, or the timeline as CSV. Ranges are never written "
        "as exact figures: see the file's own header.",
        {{"format", "FMT", "sie, hledger or csv"},
         {"view", "V",
          "sie, hledger: reported (default), without-change or restated"},
         {"year", "Y", "sie: export this year only (#IB, #UB, its #VERs)"},
         {"fund", "F", "only this fund"},
         {"csv-dialect", "D", "csv: rfc4180 (default) or sv (Swedish Excel)"},
         {"out", "FILE", "where to write"}}},
       RunExport},
  };
}

}  // namespace fundlog::cli
