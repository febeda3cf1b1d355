#include "core/base/utf8.h"

#include <cstdint>

namespace fundlog {

std::optional<size_t> FirstInvalidUtf8(absl::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    const uint8_t lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The sequence's length and the allowed range of its second byte
    // (Unicode Table 3-7); later bytes are always 0x80..0xBF.
    size_t length = 0;
    uint8_t second_lo = 0x80, second_hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) second_lo = 0xA0;  // no overlong forms
      if (lead == 0xED) second_hi = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) second_lo = 0x90;  // no overlong forms
      if (lead == 0xF4) second_hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return i;  // a continuation byte, C0, C1 or F5..FF as lead
    }
    if (size - i < length) return i;
    if (bytes[i + 1] < second_lo || bytes[i + 1] > second_hi) return i;
    for (size_t k = 2; k < length; ++k) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xBF) return i;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace fundlog
