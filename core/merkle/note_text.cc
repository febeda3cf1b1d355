#include "core/merkle/note_text.h"

#include <array>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/merkle/checkpoint.h"
#include "core/merkle/string_view_compat.h"

namespace fundlog::merkle {
namespace internal {
namespace {

constexpr uint32_t kInvalidRune = 0xFFFFFFFF;

// Decodes one UTF-8 sequence at text[*pos] and advances *pos past it.
// Returns kInvalidRune (advancing one byte) for anything Go's
// utf8.DecodeRune would call RuneError of width 1: truncated sequences,
// overlong forms, surrogates and code points above U+10FFFF.
uint32_t NextRune(std::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) -> uint32_t {
    return static_cast<uint8_t>(text[i]);
  };
  const uint32_t lead = byte(*pos);
  int length = 0;
  uint32_t rune = 0;
  uint32_t min = 0;
  if (lead < 0x80) {
    *pos += 1;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, rune = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, rune = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, rune = lead & 0x07, min = 0x10000;
  } else {
    *pos += 1;
    return kInvalidRune;
  }
  if (*pos + length > text.size()) {
    *pos += 1;
    return kInvalidRune;
  }
  for (int i = 1; i < length; ++i) {
    const uint32_t next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) {
      *pos += 1;
      return kInvalidRune;
    }
    rune = (rune << 6) | (next & 0x3F);
  }
  if (rune < min || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) {
    *pos += 1;
    return kInvalidRune;
  }
  *pos += length;
  return rune;
}

// Go's unicode.IsSpace: ASCII/Latin-1 spaces plus categories Zs, Zl, Zp.
bool IsUnicodeSpace(uint32_t rune) {
  switch (rune) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return rune >= 0x2000 && rune <= 0x200A;
  }
}

bool IsBase64Letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

absl::Status CheckNoteCharacters(absl::string_view what,
                                 std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const size_t at = pos;
    const uint32_t rune = NextRune(text, &pos);
    if (rune == kInvalidRune || (rune < 0x20 && rune != '\n')) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, ": invalid UTF-8 or control character at byte ", at));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> DecodePaddedBase64(absl::string_view what,
                                               std::string_view text) {
  size_t letters = text.size();
  while (letters > 0 && text.size() - letters < 2 && text[letters - 1] == '=') {
    --letters;
  }
  bool valid = text.size() % 4 == 0;
  for (size_t i = 0; valid && i < letters; ++i) valid = IsBase64Letter(text[i]);
  std::string bytes;
  if (!valid || !absl::Base64Unescape(ToAbsl(text), &bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not padded standard base64"));
  }
  return bytes;
}

absl::StatusOr<uint32_t> ParseKeyIdHex(std::string_view text) {
  uint32_t id = 0;
  bool valid = text.size() == 8;
  for (size_t i = 0; valid && i < text.size(); ++i) {
    const char c = text[i];
    uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      valid = false;
    }
    id = (id << 4) | digit;
  }
  if (!valid) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key id \"", ToAbsl(text.substr(0, 16)), "\" is not 8 hex digits"));
  }
  return id;
}

std::string KeyIdBytes(uint32_t key_id) {
  std::string bytes(4, '\0');
  for (int i = 0; i < 4; ++i) {
    bytes[i] = static_cast<char>((key_id >> (8 * (3 - i))) & 0xff);
  }
  return bytes;
}

}  // namespace internal

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t pos = 0; pos < name.size();) {
    const uint32_t rune = internal::NextRune(name, &pos);
    if (rune == internal::kInvalidRune || rune == '+' ||
        internal::IsUnicodeSpace(rune)) {
      return false;
    }
  }
  return true;
}

}  // namespace fundlog::merkle
