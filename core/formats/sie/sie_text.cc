#include "core/formats/sie/sie_text.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/formats/sie/sie_encoding.h"

namespace fundlog::sie {
namespace {

bool IsSeparator(char c) { return c == ' ' || c == '\t'; }

// The bytes that end a bare word: separators, quote, braces, CR.
struct WordEnds {
  bool table[256] = {};
  WordEnds() {
    for (unsigned char c : {' ', '\t', '"', '{', '}', '\r'}) table[c] = true;
  }
};
const WordEnds kWordEnds;

}  // namespace

std::string Cp437ToUtf8(absl::string_view cp437) {
  return DecodeToUtf8(cp437, Encoding::kCp437);
}

std::string Utf8ToCp437(absl::string_view utf8) { return EncodeCp437(utf8); }

uint32_t Crc32Update(uint32_t crc, absl::string_view bytes) {
  // zlib's crc32 continues a running CRC-32 (ISO-HDLC) exactly as SIE 4B's
  // #KSUMMA needs; it takes at most UINT_MAX bytes per call.
  while (!bytes.empty()) {
    const uInt n = static_cast<uInt>(
        std::min<size_t>(bytes.size(), std::numeric_limits<uInt>::max()));
    crc = static_cast<uint32_t>(
        crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), n));
    bytes.remove_prefix(n);
  }
  return crc;
}

absl::Status Tokenize(absl::string_view raw, Line* out, uint32_t* crc,
                      Encoding encoding) {
  // The Line's fields are reused from the line before (their strings keep
  // their capacity): no allocation per field once lines repeat their shape.
  size_t count = 0;  // fields of this line so far
  auto next_field = [&]() -> Field& {
    if (count == out->fields.size()) {
      if (out->spare.empty()) {
        out->fields.emplace_back();
      } else {
        out->fields.push_back(std::move(out->spare.back()));
        out->spare.pop_back();
      }
    }
    Field& field = out->fields[count++];
    field.text.clear();
    field.is_list = false;
    field.items.clear();
    return field;
  };
  out->label.clear();
  std::string escaped;  // a quoted token with \" in it, unescaped
  // The #KSUMMA bytes of the line, gathered and fed to zlib in one call per
  // line (or per full buffer) rather than one per token.
  char crc_bytes[512];
  size_t crc_used = 0;
  auto crc_flush = [&] {
    if (crc != nullptr && crc_used > 0) {
      *crc = Crc32Update(*crc, absl::string_view(crc_bytes, crc_used));
    }
    crc_used = 0;
  };
  Field* list = nullptr;  // the object list being read, if any
  size_t list_items = 0;
  bool first = true;
  // A line of ASCII bytes reads the same in every encoding: its tokens are
  // copied as they are, without a decode per token.
  const bool ascii = IsAsciiText(raw);
  auto decode = [&](absl::string_view token, std::string* into) {
    if (ascii) {
      into->assign(token.data(), token.size());
    } else {
      DecodeToUtf8(token, encoding, into);
    }
  };
  size_t i = 0;
  absl::Status status;
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
        out->label.assign(1, c);
        first = false;
        continue;
      }
      if (open == (list != nullptr)) {
        status = absl::InvalidArgumentError(
            open ? "nested '{' in an object list" : "'}' without '{'");
        break;
      }
      if (open) {
        list = &next_field();
        list->is_list = true;
        list_items = 0;
      } else {
        list = nullptr;
      }
      continue;
    }
    absl::string_view token;
    if (c == '"') {
      size_t j = i + 1;
      bool closed = false;
      bool has_escape = false;
      while (j < raw.size()) {
        if (raw[j] == '\\' && j + 1 < raw.size() && raw[j + 1] == '"') {
          has_escape = true;
          j += 2;
        } else if (raw[j] == '"') {
          closed = true;
          break;
        } else {
          ++j;
        }
      }
      if (!closed) {
        status = absl::InvalidArgumentError(
            "unterminated quote (SIE 4B: a quote inside a field is written "
            "\\\")");
        break;
      }
      token = raw.substr(i + 1, j - i - 1);
      if (has_escape) {
        escaped.clear();
        for (size_t k = 0; k < token.size(); ++k) {
          if (token[k] == '\\' && k + 1 < token.size() && token[k + 1] == '"') {
            ++k;
          }
          escaped.push_back(token[k]);
        }
        token = escaped;
      }
      i = j + 1;
    } else {
      size_t j = i;
      while (j < raw.size() &&
             !kWordEnds.table[static_cast<unsigned char>(raw[j])]) {
        ++j;
      }
      token = raw.substr(i, j - i);
      i = j;
    }
    if (token.size() > kFieldBytesMax) {
      status = absl::InvalidArgumentError(
          absl::StrCat("a field of ", token.size(), " bytes (at most ",
                       kFieldBytesMax, ")"));
      break;
    }
    if (crc != nullptr) {
      if (crc_used + token.size() > sizeof(crc_bytes)) crc_flush();
      if (token.size() > sizeof(crc_bytes)) {
        *crc = Crc32Update(*crc, token);
      } else {
        std::memcpy(crc_bytes + crc_used, token.data(), token.size());
        crc_used += token.size();
      }
    }
    if (first) {
      decode(token, &out->label);
      first = false;
    } else if (list != nullptr) {
      decode(token, &list->items.emplace_back());
      ++list_items;
    } else {
      decode(token, &next_field().text);
    }
    if (count > kFieldsPerLineMax ||
        (list != nullptr && list_items > kFieldsPerLineMax)) {
      status = absl::InvalidArgumentError(
          absl::StrCat("more than ", kFieldsPerLineMax, " fields"));
      break;
    }
  }
  if (status.ok() && list != nullptr) {
    status = absl::InvalidArgumentError("unterminated '{'");
  }
  crc_flush();
  // Fields beyond this line's are kept aside with their capacity for the
  // next longer line (a resize would free their strings).
  while (out->fields.size() > count) {
    out->spare.push_back(std::move(out->fields.back()));
    out->fields.pop_back();
  }
  return status;
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
