// Plain-text tables for terminals and working papers. Widths count Unicode
// code points, not bytes, so "ö" and "–" take one column like "o" and "-".
#ifndef FUNDLOG_CORE_IO_TEXT_H_
#define FUNDLOG_CORE_IO_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace fundlog {

// The number of code points in UTF-8 `text`.
size_t DisplayWidth(absl::string_view text);

// `text` followed by spaces up to `width` columns (unchanged when wider).
std::string PadRight(absl::string_view text, size_t width);

// Spaces up to `width` columns, then `text`.
std::string PadLeft(absl::string_view text, size_t width);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_IO_TEXT_H_
