#include "core/formats/csv/csv.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fundlog {

absl::StatusOr<CsvDialect> ParseCsvDialect(absl::string_view name) {
  if (name.empty() || name == "rfc4180") return CsvDialect::kRfc4180;
  if (name == "sv") return CsvDialect::kSwedish;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown CSV dialect \"", name, "\" (rfc4180 or sv)"));
}

CsvWriter::CsvWriter(CsvDialect dialect) : dialect_(dialect) {
  if (dialect_ == CsvDialect::kSwedish) text_ = "\xEF\xBB\xBF";
}

void CsvWriter::Row(const std::vector<std::string>& fields) {
  const char separator = dialect_ == CsvDialect::kSwedish ? ';' : ',';
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) text_.push_back(separator);
    const std::string& field = fields[i];
    const bool quote = field.find_first_of(std::string{
                           separator, '"', '\r', '\n'}) != std::string::npos;
    if (!quote) {
      text_ += field;
      continue;
    }
    text_.push_back('"');
    for (char c : field) {
      if (c == '"') text_.push_back('"');
      text_.push_back(c);
    }
    text_.push_back('"');
  }
  text_ += "\r\n";
}

std::string CsvWriter::Take() {
  std::string taken;
  taken.swap(text_);
  return taken;
}

std::string CsvWriter::Money(int64_t ore) const {
  const uint64_t magnitude = ore < 0 ? 0 - static_cast<uint64_t>(ore) : ore;
  return absl::StrFormat("%s%d%c%02d", ore < 0 ? "-" : "", magnitude / 100,
                         dialect_ == CsvDialect::kSwedish ? ',' : '.',
                         magnitude % 100);
}

}  // namespace fundlog
