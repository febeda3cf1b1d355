// The library-backed SIE text primitives, pinned against known values:
// #KSUMMA's CRC-32 (zlib) and the encodings (glibc iconv).
#include "core/formats/sie/sie_encoding.h"

#include <iconv.h>

#include <string>

#include "core/formats/sie/sie_text.h"
#include "gtest/gtest.h"

namespace fundlog::sie {
namespace {

// SIE 4B's #KSUMMA is the CRC-32 of ISO-HDLC (the zlib/PKZIP one); its
// check value over "123456789" is 0xCBF43926. Feeding in pieces continues
// the running sum.
TEST(SieText, KsummaCrcIsZlibsCrc32WithTheStandardCheckValue) {
  EXPECT_EQ(Crc32Update(0, "123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32Update(Crc32Update(0, "1234"), "56789"), 0xCBF43926u);
  EXPECT_EQ(Crc32Update(0, ""), 0u);
}

// CP437, as "#FORMAT PC8" defines it: the Swedish letters and a few more.
TEST(SieText, Cp437DecodesAndEncodesTheSwedishLetters) {
  const std::string cp437 = "\x86\x84\x94\x8F\x8E\x99\x82";
  const std::string utf8 = "åäöÅÄÖé";
  EXPECT_EQ(Cp437ToUtf8(cp437), utf8);
  EXPECT_EQ(Utf8ToCp437(utf8), cp437);
  EXPECT_EQ(Utf8ToCp437("€ och ☃"), "? och ?");  // CP437 lacks both
  EXPECT_EQ(Cp437ToUtf8("\xE1\xF8"), "ß°");
}

// ISO-8859-15, not Latin-1: 0xA4 is the euro sign.
TEST(SieText, Iso885915DecodesTheEuroSign) {
  EXPECT_EQ(DecodeToUtf8("\xE5\xE4\xF6\xA4", Encoding::kIso885915), "åäö€");
}

// The single-byte charsets decode through a per-byte table built from
// iconv (sie_encoding.cc): every byte, alone and in a run of all 256, gives
// what glibc's iconv gives for the whole run at once.
std::string IconvAll(const char* from, const std::string& bytes) {
  iconv_t handle = iconv_open("UTF-8", from);
  EXPECT_NE(handle, reinterpret_cast<iconv_t>(-1));
  std::string out(bytes.size() * 4, '\0');
  char* src = const_cast<char*>(bytes.data());
  size_t src_left = bytes.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  EXPECT_NE(iconv(handle, &src, &src_left, &dst, &dst_left),
            static_cast<size_t>(-1));
  iconv_close(handle);
  out.resize(out.size() - dst_left);
  return out;
}

TEST(SieText, SingleByteTablesMatchIconvForEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  EXPECT_EQ(DecodeToUtf8(all, Encoding::kCp437), IconvAll("CP437", all));
  // ISO-8859-15 maps every byte too (its C1 range to the C1 controls).
  EXPECT_EQ(DecodeToUtf8(all, Encoding::kIso885915),
            IconvAll("ISO-8859-15", all));
  std::string out = "left over from before";
  DecodeToUtf8("\x94", Encoding::kCp437, &out);
  EXPECT_EQ(out, "ö");
}

// The tokenizer reuses one Line from line to line (sie_text.cc): nothing of
// a longer line before may remain in a shorter one, an object list's items
// belong to it alone, and \" inside a quoted field is a quote.
TEST(SieText, TokenizerReusesItsLineWithoutCarryingFieldsOver) {
  Line line;
  ASSERT_TRUE(Tokenize("#TRANS 1930 {1 \"A\" 6 \"P\"} 12.50 20240101 "
                       "\"text with \\\"quotes\\\"\" 2",
                       &line, nullptr)
                  .ok());
  ASSERT_EQ(line.label, "#TRANS");
  ASSERT_EQ(line.fields.size(), 6u);
  EXPECT_TRUE(line.fields[1].is_list);
  EXPECT_EQ(line.fields[1].items,
            (std::vector<std::string>{"1", "A", "6", "P"}));
  EXPECT_EQ(line.fields[4].text, "text with \"quotes\"");
  ASSERT_TRUE(Tokenize("#KONTO {} \x94l", &line, nullptr).ok());
  ASSERT_EQ(line.fields.size(), 2u);
  EXPECT_TRUE(line.fields[0].is_list);
  EXPECT_TRUE(line.fields[0].items.empty());
  EXPECT_FALSE(line.fields[1].is_list);
  EXPECT_EQ(line.fields[1].text, "öl");
  ASSERT_TRUE(Tokenize("#SIETYP 4", &line, nullptr).ok());
  ASSERT_EQ(line.fields.size(), 1u);
  EXPECT_FALSE(line.fields[0].is_list);
  EXPECT_TRUE(line.fields[0].items.empty());
  EXPECT_EQ(line.fields[0].text, "4");
  ASSERT_TRUE(Tokenize("", &line, nullptr).ok());
  EXPECT_EQ(line.label, "");
  EXPECT_TRUE(line.fields.empty());
  EXPECT_FALSE(Tokenize("#FNAMN \"open", &line, nullptr).ok());
  EXPECT_FALSE(Tokenize("#TRANS 1 {1 \"a\"", &line, nullptr).ok());
}

TEST(SieText, EncodingIsDecidedFromTheBytes) {
  EXPECT_EQ(DetectEncoding("#FNAMN Bolaget"), Encoding::kAscii);
  EXPECT_EQ(DetectEncoding("#FNAMN \"\xC3\x96vningsbolaget\""),
            Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("#FNAMN \"\x99vningsbolaget\""), Encoding::kCp437);
  EXPECT_EQ(DetectEncoding("#FNAMN \"\xD6vningsbolaget\""),
            Encoding::kIso885915);
  // A UTF-8 sequence split between two chunks is still UTF-8.
  EncodingSniffer sniffer;
  sniffer.Feed("#FNAMN \"\xC3");
  sniffer.Feed("\x96vningsbolaget\"");
  EXPECT_EQ(sniffer.Result(), Encoding::kUtf8);
  // A malformed UTF-8 file is not read as UTF-8.
  EXPECT_EQ(DetectEncoding("\xC3\x96 and \x99"), Encoding::kCp437);
}

TEST(SieText, ReplacementCharactersAreCounted) {
  EXPECT_EQ(CountReplacementCharacters("a\xEF\xBF\xBD b \xEF\xBF\xBD"), 2u);
  EXPECT_EQ(CountReplacementCharacters("åäö"), 0u);
}

}  // namespace
}  // namespace fundlog::sie
