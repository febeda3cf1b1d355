// The library-backed SIE text primitives, pinned against known values:
// #KSUMMA's CRC-32 (zlib) and the encodings (glibc iconv).
#include "core/io/sie_encoding.h"

#include <string>

#include "core/io/sie_text.h"
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
