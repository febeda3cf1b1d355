#include "core/audit/export.h"

#include "absl/strings/str_cat.h"
#include "core/formats/csv/csv_views.h"
#include "core/formats/hledger/hledger_export.h"
#include "core/formats/sie/sie_export.h"

namespace fundlog {
namespace {

// The company an SIE file names: the fund's establishment, else the log's.
void NameCompany(const LogInfo& info,
                 const std::vector<v1::StoredRecord>& records,
                 SieExportOptions* options) {
  options->company_name = info.org_name;
  options->org_number = info.org_number;
  for (const v1::StoredRecord& record : records) {
    const v1::Event& event = record.event();
    if (!event.has_fund_established()) continue;
    if (!options->fund_id.empty() && event.fund_id() != options->fund_id) {
      continue;
    }
    if (options->company_name.empty() || !options->fund_id.empty()) {
      options->company_name = event.fund_established().name();
      if (!event.fund_established().org_number().empty()) {
        options->org_number = event.fund_established().org_number();
      }
    }
  }
}

}  // namespace

absl::StatusOr<ExportFormat> ParseExportFormat(absl::string_view text) {
  if (text == "sie") return ExportFormat::kSie;
  if (text == "hledger") return ExportFormat::kHledger;
  if (text == "csv") return ExportFormat::kCsv;
  return absl::InvalidArgumentError("must be sie, hledger or csv");
}

absl::string_view ExportFormatName(ExportFormat format) {
  switch (format) {
    case ExportFormat::kSie:
      return "sie";
    case ExportFormat::kHledger:
      return "hledger";
    case ExportFormat::kCsv:
      return "csv";
  }
  return "csv";
}

absl::StatusOr<std::string> ExportBytes(
    const LogInfo& info, const std::vector<v1::StoredRecord>& records,
    const ExportRequest& request) {
  switch (request.format) {
    case ExportFormat::kSie: {
      SieExportOptions options;
      options.view = request.view;
      options.year = request.year;
      options.fund_id = request.fund;
      options.generated = request.generated;
      NameCompany(info, records, &options);
      return ExportSie(records, options);
    }
    case ExportFormat::kHledger:
      return ExportHledger(records,
                           HledgerExportOptions{request.view, request.fund});
    case ExportFormat::kCsv: {
      std::vector<v1::StoredRecord> of_fund;
      for (const v1::StoredRecord& record : records) {
        if (request.fund.empty() || record.event().fund_id() == request.fund) {
          of_fund.push_back(record);
        }
      }
      return TimelineCsv(of_fund, request.dialect);
    }
  }
  return absl::InternalError("unknown export format");
}

absl::string_view ExportContentType(const ExportRequest& request) {
  switch (request.format) {
    case ExportFormat::kSie:
      // SIE 4 files are CP437 (IBM PC 8-bit), as `#FORMAT PC8` says.
      return "text/plain; charset=IBM437";
    case ExportFormat::kHledger:
      return "text/plain; charset=utf-8";
    case ExportFormat::kCsv:
      return "text/csv; charset=utf-8";
  }
  return "application/octet-stream";
}

std::string ExportFileName(const LogInfo& info, const ExportRequest& request) {
  std::string stem;
  for (char c : info.origin) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '-' || c == '_';
    stem.push_back(plain ? c : '-');
  }
  if (stem.empty()) stem = "fundlog";
  if (request.format == ExportFormat::kSie) {
    return absl::StrCat(stem, ".se");
  }
  return absl::StrCat(
      stem, request.format == ExportFormat::kCsv ? ".csv" : ".journal");
}

}  // namespace fundlog
