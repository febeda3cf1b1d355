// The character encodings SIE files are really written in, and their
// conversion to UTF-8 through glibc's iconv.
//
// SIE 4B (SIE-Gruppen, 2008-09-30, §5 "#FORMAT") defines one character set:
// "#FORMAT PC8", IBM PC code page 437. Many programs nevertheless write UTF-8
// or ISO-8859-15 and still declare PC8, so the declaration cannot be
// trusted. DetectEncoding decides from the bytes themselves:
//   - only ASCII bytes: kAscii (every reading agrees);
//   - well-formed UTF-8 with at least one multi-byte sequence: kUtf8 (CP437
//     text with Swedish letters is never well-formed UTF-8: å ä ö are the
//     lone bytes 0x86 0x84 0x94);
//   - otherwise any byte 0x80..0x9F (C1 controls in ISO-8859, letters such
//     as å ä ö Å Ä Ö é in CP437): kCp437;
//   - otherwise (high bytes only in 0xA0..0xFF, where ISO-8859-15 has
//     å=0xE5 ä=0xE4 ö=0xF6): kIso885915.
//
// Thread-safe: free functions (each thread keeps its own iconv handles).
#ifndef FUNDLOG_CORE_FORMATS_SIE_SIE_ENCODING_H_
#define FUNDLOG_CORE_FORMATS_SIE_SIE_ENCODING_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace fundlog::sie {

enum class Encoding { kAscii, kCp437, kUtf8, kIso885915 };

// "ASCII", "CP437", "UTF-8", "ISO-8859-15".
const char* EncodingName(Encoding encoding);

// Reads a file's bytes in order, chunk by chunk, and decides its encoding
// by the rules above. Sequences may span chunks.
class EncodingSniffer {
 public:
  void Feed(absl::string_view chunk);
  Encoding Result() const;

 private:
  bool high_ = false;       // any byte >= 0x80
  bool c1_ = false;         // any byte 0x80..0x9F
  bool utf8_ok_ = true;     // well-formed UTF-8 so far
  bool multibyte_ = false;  // at least one multi-byte UTF-8 sequence
  int pending_ = 0;         // continuation bytes still expected
};

// The encoding of `bytes` (one whole file).
Encoding DetectEncoding(absl::string_view bytes);

// `bytes` in `encoding` as UTF-8. kAscii and kCp437 decode as CP437 (every
// byte has a character); kIso885915 likewise; kUtf8 is copied, malformed
// sequences becoming U+FFFD.
std::string DecodeToUtf8(absl::string_view bytes, Encoding encoding);
// The same into `*out` (replacing its contents, reusing its capacity).
void DecodeToUtf8(absl::string_view bytes, Encoding encoding, std::string* out);

// UTF-8 as CP437 (for writing SIE files); a character CP437 lacks, and a
// malformed sequence, becomes '?'.
std::string EncodeCp437(absl::string_view utf8);

// Whether every byte of `bytes` is ASCII (below 0x80), read eight bytes at
// a time: such text is the same in every encoding above.
bool IsAsciiText(absl::string_view bytes);

// How many U+FFFD replacement characters `utf8` holds.
uint64_t CountReplacementCharacters(absl::string_view utf8);

}  // namespace fundlog::sie

#endif  // FUNDLOG_CORE_FORMATS_SIE_SIE_ENCODING_H_
