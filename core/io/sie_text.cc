#include "core/io/sie_text.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/io/sie_encoding.h"

namespace fundlog::sie {
namespace {

bool IsSeparator(char c) { return c == ' ' || c == '\t'; }

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
            "unterminated quote (SIE 4B: a quote inside a field is written "
            "\\\")");
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
      out->label = DecodeToUtf8(token, encoding);
      first = false;
    } else if (list != nullptr) {
      list->items.push_back(DecodeToUtf8(token, encoding));
    } else {
      out->fields.push_back(Field{DecodeToUtf8(token, encoding), false, {}});
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
