#include "core/formats/sie/sie_encoding.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace fundlog::sie {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

}  // namespace

bool IsAsciiText(absl::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  uint64_t any = 0;
  for (; left >= 8; p += 8, left -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    any |= word;
  }
  for (; left > 0; ++p, --left) any |= static_cast<unsigned char>(*p);
  return (any & kHighBits) == 0;
}

namespace {

bool IsAscii(absl::string_view bytes) { return IsAsciiText(bytes); }

// One iconv handle per thread and source charset, opened on first use.
class Converter {
 public:
  Converter(const char* to, const char* from)
      : handle_(iconv_open(to, from)),
        to_utf8_(absl::string_view(to) == "UTF-8") {}
  ~Converter() {
    if (handle_ != reinterpret_cast<iconv_t>(-1)) iconv_close(handle_);
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  // Converts `in`. Into UTF-8, a byte iconv cannot convert becomes U+FFFD;
  // out of UTF-8, a character the target lacks (or a malformed sequence)
  // becomes '?'. glibc always provides CP437 and ISO-8859-15 (gconv), so a
  // failed open is a broken installation: every byte is then replaced, which
  // the import reports.
  std::string Run(absl::string_view in) {
    std::string out;
    out.resize(in.size() * 4 + 4);
    char* src = const_cast<char*>(in.data());
    size_t src_left = in.size();
    char* dst = out.data();
    size_t dst_left = out.size();
    iconv(handle_, nullptr, nullptr, nullptr, nullptr);
    while (src_left > 0) {
      const size_t r = handle_ == reinterpret_cast<iconv_t>(-1)
                           ? static_cast<size_t>(-1)
                           : iconv(handle_, &src, &src_left, &dst, &dst_left);
      if (r != static_cast<size_t>(-1)) break;
      // EILSEQ/EINVAL (or no handle): a byte or character with no mapping.
      const absl::string_view replacement =
          to_utf8_ ? absl::string_view("\xEF\xBF\xBD", 3) : "?";
      for (char c : replacement) {
        *dst++ = c;
        --dst_left;
      }
      size_t skip = 1;  // out of UTF-8, skip the whole character
      while (!to_utf8_ && skip < src_left &&
             (static_cast<unsigned char>(src[skip]) & 0xC0) == 0x80) {
        ++skip;
      }
      src += skip;
      src_left -= skip;
    }
    out.resize(out.size() - dst_left);
    return out;
  }

 private:
  iconv_t handle_;
  bool to_utf8_;
};

// A single-byte charset's table: the UTF-8 iconv gives for each byte,
// asked once per byte when the table is built (once per thread), so that
// decoding a token is a lookup per byte instead of an iconv call per token.
class ByteTable {
 public:
  explicit ByteTable(const char* from) {
    Converter converter("UTF-8", from);
    for (int b = 0; b < 256; ++b) {
      const char byte = static_cast<char>(b);
      const std::string utf8 = converter.Run(absl::string_view(&byte, 1));
      Entry& entry = entries_[b];
      entry.size = static_cast<uint8_t>(std::min<size_t>(utf8.size(), 4));
      std::memcpy(entry.bytes, utf8.data(), entry.size);
    }
  }

  void Decode(absl::string_view bytes, std::string* out) const {
    out->resize(bytes.size() * 4);
    char* dst = out->data();
    for (char c : bytes) {
      const Entry& entry = entries_[static_cast<unsigned char>(c)];
      std::memcpy(dst, entry.bytes, 4);
      dst += entry.size;
    }
    out->resize(dst - out->data());
  }

 private:
  struct Entry {
    char bytes[4] = {0, 0, 0, 0};
    uint8_t size = 0;
  };
  Entry entries_[256];
};

}  // namespace

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kAscii:
      return "ASCII";
    case Encoding::kCp437:
      return "CP437";
    case Encoding::kUtf8:
      return "UTF-8";
    case Encoding::kIso885915:
      return "ISO-8859-15";
  }
  return "?";
}

void EncodingSniffer::Feed(absl::string_view chunk) {
  for (size_t i = 0; i < chunk.size(); ++i) {
    // Runs of ASCII eight bytes at a time (most of any SIE file): an ASCII
    // byte only ends a pending sequence, which the first one of a run does.
    if (pending_ == 0) {
      while (i + 8 <= chunk.size()) {
        uint64_t word;
        std::memcpy(&word, chunk.data() + i, 8);
        if ((word & kHighBits) != 0) break;
        i += 8;
      }
      if (i == chunk.size()) break;
    }
    const auto b = static_cast<unsigned char>(chunk[i]);
    if (b < 0x80) {
      if (pending_ > 0) utf8_ok_ = false;
      pending_ = 0;
      continue;
    }
    high_ = true;
    if (b < 0xA0) c1_ = true;
    if (!utf8_ok_) continue;
    if (pending_ > 0) {
      if ((b & 0xC0) != 0x80) {
        utf8_ok_ = false;
        continue;
      }
      --pending_;
      continue;
    }
    if (b >= 0xC2 && b <= 0xDF) {
      pending_ = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      pending_ = 2;
    } else if (b >= 0xF0 && b <= 0xF4) {
      pending_ = 3;
    } else {
      utf8_ok_ = false;
      continue;
    }
    multibyte_ = true;
  }
}

Encoding EncodingSniffer::Result() const {
  if (!high_) return Encoding::kAscii;
  if (utf8_ok_ && pending_ == 0 && multibyte_) return Encoding::kUtf8;
  if (c1_) return Encoding::kCp437;
  return Encoding::kIso885915;
}

Encoding DetectEncoding(absl::string_view bytes) {
  EncodingSniffer sniffer;
  sniffer.Feed(bytes);
  return sniffer.Result();
}

std::string DecodeToUtf8(absl::string_view bytes, Encoding encoding) {
  std::string out;
  DecodeToUtf8(bytes, encoding, &out);
  return out;
}

void DecodeToUtf8(absl::string_view bytes, Encoding encoding,
                  std::string* out) {
  if (IsAscii(bytes)) {
    out->assign(bytes.data(), bytes.size());
    return;
  }
  switch (encoding) {
    case Encoding::kUtf8: {
      thread_local Converter utf8("UTF-8", "UTF-8");
      *out = utf8.Run(bytes);
      return;
    }
    case Encoding::kIso885915: {
      thread_local const ByteTable latin9("ISO-8859-15");
      return latin9.Decode(bytes, out);
    }
    case Encoding::kAscii:
    case Encoding::kCp437:
      break;
  }
  thread_local const ByteTable cp437("CP437");
  cp437.Decode(bytes, out);
}

std::string EncodeCp437(absl::string_view utf8) {
  if (IsAscii(utf8)) return std::string(utf8);
  thread_local Converter cp437("CP437", "UTF-8");
  return cp437.Run(utf8);
}

uint64_t CountReplacementCharacters(absl::string_view utf8) {
  uint64_t n = 0;
  for (size_t at = utf8.find("\xEF\xBF\xBD"); at != absl::string_view::npos;
       at = utf8.find("\xEF\xBF\xBD", at + 3)) {
    ++n;
  }
  return n;
}

}  // namespace fundlog::sie
