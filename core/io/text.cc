#include "core/io/text.h"

#include "absl/strings/str_cat.h"

namespace fundlog {

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

std::string PadRight(absl::string_view text, size_t width) {
  const size_t used = DisplayWidth(text);
  return absl::StrCat(text, std::string(used < width ? width - used : 0, ' '));
}

std::string PadLeft(absl::string_view text, size_t width) {
  const size_t used = DisplayWidth(text);
  return absl::StrCat(std::string(used < width ? width - used : 0, ' '), text);
}

}  // namespace fundlog
