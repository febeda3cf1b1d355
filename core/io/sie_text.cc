#include "core/io/sie_text.h"

#include <array>

#include "absl/strings/str_cat.h"

namespace fundlog::sie {
namespace {

// Unicode code points of CP437 bytes 0x80..0xFF (bytes below 0x80 are ASCII).
constexpr uint16_t kCp437High[128] = {
    0xc7,   0xfc,   0xe9,   0xe2,   0xe4,   0xe0,   0xe5,   0xe7,   0xea,
    0xeb,   0xe8,   0xef,   0xee,   0xec,   0xc4,   0xc5,   0xc9,   0xe6,
    0xc6,   0xf4,   0xf6,   0xf2,   0xfb,   0xf9,   0xff,   0xd6,   0xdc,
    0xa2,   0xa3,   0xa5,   0x20a7, 0x192,  0xe1,   0xed,   0xf3,   0xfa,
    0xf1,   0xd1,   0xaa,   0xba,   0xbf,   0x2310, 0xac,   0xbd,   0xbc,
    0xa1,   0xab,   0xbb,   0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561,
    0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b,
    0x2510, 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
    0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567, 0x2568,
    0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b, 0x256a, 0x2518,
    0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580, 0x3b1,  0xdf,   0x393,
    0x3c0,  0x3a3,  0x3c3,  0xb5,   0x3c4,  0x3a6,  0x398,  0x3a9,  0x3b4,
    0x221e, 0x3c6,  0x3b5,  0x2229, 0x2261, 0xb1,   0x2265, 0x2264, 0x2320,
    0x2321, 0xf7,   0x2248, 0xb0,   0x2219, 0xb7,   0x221a, 0x207f, 0xb2,
    0x25a0, 0xa0,
};

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one UTF-8 character at text[*i], advancing *i; -1 when malformed.
int32_t NextCodePoint(absl::string_view text, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(*i);
  int extra = lead < 0x80         ? 0
              : (lead >> 5) == 6  ? 1
              : (lead >> 4) == 14 ? 2
              : (lead >> 3) == 30 ? 3
                                  : -1;
  if (extra < 0 || *i + extra >= text.size() + (extra == 0 ? 1 : 0)) {
    ++*i;
    return -1;
  }
  int32_t cp = extra == 0 ? lead : lead & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    if ((byte(*i + k) & 0xC0) != 0x80) {
      ++*i;
      return -1;
    }
    cp = (cp << 6) | (byte(*i + k) & 0x3F);
  }
  *i += extra + 1;
  return cp;
}

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

bool IsSeparator(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string Cp437ToUtf8(absl::string_view cp437) {
  std::string out;
  out.reserve(cp437.size());
  for (char c : cp437) {
    const uint8_t b = static_cast<uint8_t>(c);
    AppendUtf8(b < 0x80 ? b : kCp437High[b - 0x80], &out);
  }
  return out;
}

std::string Utf8ToCp437(absl::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    const int32_t cp = NextCodePoint(utf8, &i);
    char mapped = '?';
    if (cp >= 0 && cp < 0x80) {
      mapped = static_cast<char>(cp);
    } else if (cp >= 0) {
      for (int k = 0; k < 128; ++k) {
        if (kCp437High[k] == cp) mapped = static_cast<char>(0x80 + k);
      }
    }
    out.push_back(mapped);
  }
  return out;
}

uint32_t Crc32Update(uint32_t crc, absl::string_view bytes) {
  static const std::array<uint32_t, 256> kTable = MakeCrcTable();
  uint32_t c = crc ^ 0xFFFFFFFFu;
  for (char b : bytes)
    c = kTable[(c ^ static_cast<uint8_t>(b)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

absl::Status Tokenize(absl::string_view raw, Line* out, uint32_t* crc) {
  out->label.clear();
  out->fields.clear();
  auto feed = [crc](absl::string_view bytes) {
    if (crc != nullptr) *crc = Crc32Update(*crc, bytes);
  };
  std::string token;
  Field* list = nullptr;  // the object list being read, if any
  bool first = true;
  size_t i = 0;
  while (i < raw.size()) {
    const char c = raw[i];
    if (IsSeparator(c) || c == '\r') {
      ++i;
      continue;
    }
    if (c == '{' || c == '}') {
      const bool open = c == '{';
      ++i;
      if (first) {  // a block delimiter line
        out->label = std::string(1, c);
        first = false;
        continue;
      }
      if (open == (list != nullptr)) {
        return absl::InvalidArgumentError(open ? "nested '{' in an object list"
                                               : "'}' without '{'");
      }
      if (open) {
        out->fields.emplace_back();
        list = &out->fields.back();
        list->is_list = true;
      } else {
        list = nullptr;
      }
      continue;
    }
    token.clear();
    if (c == '"') {
      size_t j = i + 1;
      bool closed = false;
      while (j < raw.size()) {
        if (raw[j] == '\\' && j + 1 < raw.size() && raw[j + 1] == '"') {
          token.push_back('"');
          j += 2;
        } else if (raw[j] == '"') {
          closed = true;
          ++j;
          break;
        } else {
          token.push_back(raw[j++]);
        }
      }
      if (!closed) {
        return absl::InvalidArgumentError(
            "unterminated quote (a quote inside a field is written \\\")");
      }
      i = j;
    } else {
      size_t j = i;
      while (j < raw.size() && !IsSeparator(raw[j]) && raw[j] != '"' &&
             raw[j] != '{' && raw[j] != '}' && raw[j] != '\r') {
        ++j;
      }
      token.assign(raw.data() + i, j - i);
      i = j;
    }
    if (token.size() > kFieldBytesMax) {
      return absl::InvalidArgumentError(
          absl::StrCat("a field of ", token.size(), " bytes (at most ",
                       kFieldBytesMax, ")"));
    }
    feed(token);
    if (first) {
      out->label = Cp437ToUtf8(token);
      first = false;
    } else if (list != nullptr) {
      list->items.push_back(Cp437ToUtf8(token));
    } else {
      out->fields.push_back(Field{Cp437ToUtf8(token), false, {}});
    }
    if (out->fields.size() > kFieldsPerLineMax ||
        (list != nullptr && list->items.size() > kFieldsPerLineMax)) {
      return absl::InvalidArgumentError(
          absl::StrCat("more than ", kFieldsPerLineMax, " fields"));
    }
  }
  if (list != nullptr) return absl::InvalidArgumentError("unterminated '{'");
  return absl::OkStatus();
}

std::string QuoteField(absl::string_view utf8) {
  bool bare = !utf8.empty();
  for (char c : utf8) {
    if (IsSeparator(c) || c == '"' || c == '{' || c == '}' || c == '\\') {
      bare = false;
    }
  }
  if (bare) return std::string(utf8);
  std::string out = "\"";
  for (char c : utf8) {
    if (c == '"') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace fundlog::sie
