// The bytes of an export (SIE 4E, hledger journal, timeline CSV), shared by
// `fundlog export` and `fundlog serve`'s GET /api/v1/export so that both
// give the same file for the same question.
//
// Thread-safe: free functions.
#ifndef FUNDLOG_CORE_AUDIT_EXPORT_H_
#define FUNDLOG_CORE_AUDIT_EXPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "core/formats/csv/csv.h"
#include "core/ledger/ledger.h"
#include "core/store/event_log.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

enum class ExportFormat { kSie, kHledger, kCsv };

struct ExportRequest {
  ExportFormat format = ExportFormat::kCsv;
  ledger::View view = ledger::View::kReported;  // sie, hledger
  std::optional<int> year;                      // sie
  std::string fund;                             // empty: every fund
  CsvDialect dialect{};                         // csv
  absl::CivilDay generated;                     // sie: #GEN
};

// "sie", "hledger" or "csv"; kInvalidArgument otherwise.
absl::StatusOr<ExportFormat> ParseExportFormat(absl::string_view text);
absl::string_view ExportFormatName(ExportFormat format);

// The file's bytes for `records` (every record of the log, in seq order) of
// a log described by `info` (the SIE file names the fund's establishment,
// else the log's organisation). Errors as ExportSie / ExportHledger.
absl::StatusOr<std::string> ExportBytes(
    const LogInfo& info, const std::vector<v1::StoredRecord>& records,
    const ExportRequest& request);

// The MIME type and a file name for an HTTP download of the export.
absl::string_view ExportContentType(const ExportRequest& request);
std::string ExportFileName(const LogInfo& info, const ExportRequest& request);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_EXPORT_H_
