// GET /api/v1/export?format=csv|sie|hledger[&view=][&year=][&fund=]
// [&csv_dialect=]: the file `fundlog export` writes for the same flags, as a
// download (the page links to it). The same rules as the CLI's flags: each
// parameter shapes the format it is given with or is refused (400 naming
// it), never silently ignored.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/audit/export.h"
#include "core/audit/ledger_views.h"
#include "core/serve/api_routes.h"
#include "core/serve/api_util.h"
#include "core/serve/params.h"

namespace fundlog::serve {

void AddExportRoute(Router& router, const LiveLog& live) {
  router.Get(
      "/api/v1/export",
      {"The log as a file for auditors' tools (`fundlog export --format F "
       "--out FILE`, the same bytes): SIE 4E (CP437), an hledger journal or "
       "the timeline as CSV.",
       {{"format",
         "string",
         "",
         "the file's format",
         true,
         false,
         {"sie", "hledger", "csv"}},
        {"view",
         "string",
         "",
         "sie, hledger: the view (default reported)",
         false,
         false,
         {"reported", "without-change", "restated"}},
        {"year", "integer", "", "sie: this year only (#IB, #UB, its #VERs)"},
        {"fund", "string", "", "only this fund (default: every fund)"},
        {"csv_dialect",
         "string",
         "",
         "csv: rfc4180 (default) or sv (Swedish Excel)",
         false,
         false,
         {"rfc4180", "sv"}}},
       "application/octet-stream"},
      [&live](const httplib::Request& request, httplib::Response& response) {
        std::optional<Params> params = Params::Read(
            request, {"format", "view", "year", "fund", "csv_dialect"},
            response);
        if (!params) return;
        const std::optional<std::string> format_name = params->Get("format");
        if (!format_name)
          return JsonError(response, 400, "format", "is required");
        absl::StatusOr<ExportFormat> format = ParseExportFormat(*format_name);
        if (!format.ok()) {
          return JsonError(response, 400, "format", format.status().message());
        }
        ExportRequest export_request;
        export_request.format = *format;
        if (!params->View("view", &export_request.view, response) ||
            !params->Year("year", &export_request.year, response)) {
          return;
        }
        export_request.fund = params->Get("fund").value_or("");
        const std::optional<std::string> dialect_name =
            params->Get("csv_dialect");
        absl::StatusOr<CsvDialect> dialect =
            ParseCsvDialect(dialect_name.value_or(""));
        if (!dialect.ok()) {
          return JsonError(response, 400, "csv_dialect",
                           dialect.status().message());
        }
        export_request.dialect = *dialect;
        if (export_request.year && *format != ExportFormat::kSie) {
          return JsonError(response, 400, "year", "applies to format sie only");
        }
        if (dialect_name && *format != ExportFormat::kCsv) {
          return JsonError(response, 400, "csv_dialect",
                           "applies to format csv only");
        }
        if (params->Get("view") && *format == ExportFormat::kCsv) {
          return JsonError(response, 400, "view",
                           "applies to format sie and hledger only: the CSV "
                           "is the timeline of facts, the same under every "
                           "view");
        }
        export_request.generated =
            absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
        const std::shared_ptr<const LogState> state = live.state();
        absl::StatusOr<std::vector<v1::StoredRecord>> records =
            LoadRecords(*state->log);
        if (!records.ok()) return SendStatus(response, records.status());
        absl::StatusOr<std::string> bytes =
            ExportBytes(state->log->Info(), *records, export_request);
        if (!bytes.ok()) {
          return SendStatus(response, bytes.status(),
                            export_request.fund.empty()
                                ? std::nullopt
                                : std::optional<std::string>("fund"));
        }
        response.status = 200;
        response.set_header(
            "Content-Disposition",
            absl::StrCat("attachment; filename=\"",
                         ExportFileName(state->log->Info(), export_request),
                         "\""));
        response.set_header("Cache-Control", "no-store");
        response.set_content(std::move(*bytes),
                             std::string(ExportContentType(export_request)));
      });
}

}  // namespace fundlog::serve
