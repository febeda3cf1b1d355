// CSV for spreadsheets: RFC 4180 by default, or the Swedish Excel dialect.
//
//   rfc4180  ',' between fields, CRLF line ends, a field holding ',', '"',
//            CR or LF quoted with '"' doubled; money "1234.50".
//   sv       what Swedish Excel opens by double-click: ';' between fields,
//            decimal comma in money ("1234,50"), UTF-8 with a byte-order
//            mark, CRLF; quoting as RFC 4180 with ';' as the separator.
//
// Thread-compatible.
#ifndef FUNDLOG_CORE_FORMATS_CSV_CSV_H_
#define FUNDLOG_CORE_FORMATS_CSV_CSV_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fundlog {

enum class CsvDialect { kRfc4180, kSwedish };

// "rfc4180" (or empty) and "sv"; kInvalidArgument otherwise.
absl::StatusOr<CsvDialect> ParseCsvDialect(absl::string_view name);

class CsvWriter {
 public:
  explicit CsvWriter(CsvDialect dialect);

  // Appends one record.
  void Row(const std::vector<std::string>& fields);
  // öre as kronor with two decimals and the dialect's decimal mark, no
  // thousands separator: -123456 -> "-1234.56" / "-1234,56".
  std::string Money(int64_t ore) const;
  // The document so far (with the BOM first in the sv dialect).
  const std::string& text() const { return text_; }
  // The text appended since the last Take(), handed over and cleared, so
  // that a long table can be written out while it is built.
  std::string Take();

 private:
  CsvDialect dialect_;
  std::string text_;
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_FORMATS_CSV_CSV_H_
