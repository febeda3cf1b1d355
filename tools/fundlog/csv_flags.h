// --format csv and --csv-dialect, shared by balance, statement, totals and
// timeline.
#ifndef FUNDLOG_TOOLS_FUNDLOG_CSV_FLAGS_H_
#define FUNDLOG_TOOLS_FUNDLOG_CSV_FLAGS_H_

#include <optional>

#include "absl/status/statusor.h"
#include "core/formats/csv/csv.h"
#include "tools/fundlog/args.h"

namespace fundlog::cli {

inline FlagSpec CsvFormatFlag() {
  return {"format", "FMT", "text (default) or csv"};
}
inline FlagSpec CsvDialectFlag() {
  return {"csv-dialect", "D", "csv: rfc4180 (default) or sv (Swedish Excel)"};
}

// The CSV dialect when --format csv is given, nullopt for other output;
// kInvalidArgument (a usage error) for an unknown format or dialect, for
// --csv-dialect without --format csv, and for --json with --format csv
// (two outputs asked for at once: neither is silently dropped).
inline absl::StatusOr<std::optional<CsvDialect>> ReadCsvFormat(
    const Args& args) {
  const std::string format = args.Get("format").value_or("text");
  if (format != "csv" && format != "text") {
    return absl::InvalidArgumentError("--format must be text or csv");
  }
  if (format != "csv" && args.Has("csv-dialect")) {
    return absl::InvalidArgumentError(
        "--csv-dialect applies to --format csv only");
  }
  if (format == "csv" && args.Has("json")) {
    return absl::InvalidArgumentError(
        "--json and --format csv ask for two outputs; give one");
  }
  absl::StatusOr<CsvDialect> dialect =
      ParseCsvDialect(args.Get("csv-dialect").value_or(""));
  if (!dialect.ok()) return dialect.status();
  if (format != "csv") return std::optional<CsvDialect>();
  return std::optional<CsvDialect>(*dialect);
}

}  // namespace fundlog::cli

#endif  // FUNDLOG_TOOLS_FUNDLOG_CSV_FLAGS_H_
