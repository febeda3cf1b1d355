// SIE 4 text primitives: CP437 <-> UTF-8 (glibc iconv, sie_encoding.h), the
// #KSUMMA CRC-32, and the tokenizer of one SIE line.
//
// SIE 4B (SIE-Gruppen, 2008-09-30) writes every file in IBM PC code page 437
// ("#FORMAT PC8"). A line is a label ("#VER") followed by fields separated by
// spaces or tabs; a field is a bare word, a quoted string in which \" stands
// for a quote, or an object list in braces "{dim "obj" ...}". A "{" or "}"
// alone on a line opens or closes a #VER's block.
//
// #KSUMMA: CRC-32 (the ISO-HDLC / zlib polynomial) over the bytes of every
// label and field content between the opening and the closing #KSUMMA, with
// separators, quotes, braces and line ends left out, in file order. Checked
// against the real files that carry it (tests/data/sie/jsisie).
//
// Thread-safe: free functions.
#ifndef FUNDLOG_CORE_FORMATS_SIE_SIE_TEXT_H_
#define FUNDLOG_CORE_FORMATS_SIE_SIE_TEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/formats/sie/sie_encoding.h"

namespace fundlog::sie {

// Longest line the reader accepts, and the most fields on one line.
inline constexpr size_t kLineBytesMax = 1 << 20;
inline constexpr size_t kFieldsPerLineMax = 4096;
// Longest field: as UTF-8 (up to 3 bytes per CP437 byte) it stays below the
// store's 64 KiB bound on one text field.
inline constexpr size_t kFieldBytesMax = 16 * 1024;

// CP437 bytes to UTF-8. Never fails: every byte has a character.
std::string Cp437ToUtf8(absl::string_view cp437);
// UTF-8 to CP437; characters CP437 lacks (and malformed UTF-8) become '?'.
std::string Utf8ToCp437(absl::string_view utf8);

// Running CRC-32, zlib's crc32 (reflected, polynomial 0xEDB88320, init and
// final xor 0xFFFFFFFF). Start with crc = 0 and feed the bytes in order.
uint32_t Crc32Update(uint32_t crc, absl::string_view bytes);

// One field of a line. For an object list, `items` holds its words in order
// (dimension, object, dimension, object...) and `text` is empty.
struct Field {
  std::string text;  // UTF-8
  bool is_list = false;
  std::vector<std::string> items;  // UTF-8
};

// One tokenized line. `label` is empty for a blank line; "{" or "}" for a
// block delimiter.
struct Line {
  std::string label;
  std::vector<Field> fields;
  // Fields a longer line before used, kept (with their strings' capacity)
  // for reuse by Tokenize; not part of the line.
  std::vector<Field> spare;
};

// Tokenizes `raw` (in `encoding`, without its line end) into `out` and feeds
// the #KSUMMA bytes of the line to `*crc` (unless crc is null).
// kInvalidArgument on an unterminated quote or object list, nested braces, or
// too many fields; the message does not name the file (the caller adds
// file:line).
absl::Status Tokenize(absl::string_view raw, Line* out, uint32_t* crc,
                      Encoding encoding = Encoding::kCp437);

// Quotes `utf8` for writing as one field: bare when it is a non-empty word
// without spaces, quotes or braces, else in quotes with \" for a quote.
std::string QuoteField(absl::string_view utf8);

}  // namespace fundlog::sie

#endif  // FUNDLOG_CORE_FORMATS_SIE_SIE_TEXT_H_
