// The SIE line tokenizer (core/formats/sie/sie_text.h) pinned on what SIE
// 4B (SIE-Gruppen, 2008-09-30, §5 "Filformat") says of a line: fields
// separated by spaces or tabs, a quoted field with \" for a quote, object
// lists in braces, "{" and "}" alone for a #VER block, #KSUMMA over the
// fields' bytes without separators, quotes or braces; and on what the faster
// paths must keep: lines reused with their fields' capacity, the #KSUMMA
// bytes gathered per line, ASCII lines copied without a decode.
#include <zlib.h>

#include <string>
#include <vector>

#include "core/formats/sie/sie_encoding.h"
#include "core/formats/sie/sie_text.h"
#include "gtest/gtest.h"

namespace fundlog::sie {
namespace {

std::vector<std::string> Texts(const Line& line) {
  std::vector<std::string> out;
  for (const Field& field : line.fields) {
    out.push_back(field.is_list ? "{list}" : field.text);
  }
  return out;
}

uint32_t ZlibCrc(const std::string& bytes) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()),
            static_cast<uInt>(bytes.size())));
}

TEST(SieTokenize, QuotedFieldsKeepSpacesAndEscapedQuotes) {
  Line line;
  ASSERT_TRUE(Tokenize("#VER \"A B\"\t12 20240101 \"sa \\\"hej\\\"\" \"\" x",
                       &line, nullptr)
                  .ok());
  EXPECT_EQ(line.label, "#VER");
  EXPECT_EQ(Texts(line), (std::vector<std::string>{"A B", "12", "20240101",
                                                   "sa \"hej\"", "", "x"}));
}

TEST(SieTokenize, BackslashNotBeforeAQuoteIsKept) {
  Line line;
  ASSERT_TRUE(Tokenize("#FNAMN \"C:\\dir\\fil\"", &line, nullptr).ok());
  EXPECT_EQ(Texts(line), (std::vector<std::string>{"C:\\dir\\fil"}));
}

TEST(SieTokenize, BracesOpenBlocksAndObjectLists) {
  Line line;
  ASSERT_TRUE(Tokenize("{", &line, nullptr).ok());
  EXPECT_EQ(line.label, "{");
  EXPECT_TRUE(line.fields.empty());
  ASSERT_TRUE(Tokenize("  }", &line, nullptr).ok());
  EXPECT_EQ(line.label, "}");
  ASSERT_TRUE(Tokenize("#TRANS 1930 {} -5", &line, nullptr).ok());
  ASSERT_EQ(line.fields.size(), 3u);
  EXPECT_TRUE(line.fields[1].is_list);
  EXPECT_TRUE(line.fields[1].items.empty());
  ASSERT_TRUE(Tokenize("#TRANS 1930 {1 \"Syd 1\" 6 P} 5", &line, nullptr).ok());
  EXPECT_EQ(line.fields[1].items,
            (std::vector<std::string>{"1", "Syd 1", "6", "P"}));
  EXPECT_EQ(line.fields[2].text, "5");
}

TEST(SieTokenize, MalformedBracesAndQuotesAreRefused) {
  Line line;
  EXPECT_FALSE(Tokenize("#TRANS 1 {1 {2 a}} 5", &line, nullptr).ok());
  EXPECT_FALSE(Tokenize("#TRANS 1 } 5", &line, nullptr).ok());
  EXPECT_FALSE(Tokenize("#TRANS 1 {1 a 5", &line, nullptr).ok());
  EXPECT_FALSE(Tokenize("#FNAMN \"open \\\"", &line, nullptr).ok());
}

// A long line, a short one, a longer one again: the spare fields that the
// short line set aside come back empty, with no text or items of before.
TEST(SieTokenize, ReusedFieldsCarryNothingOver) {
  Line line;
  ASSERT_TRUE(
      Tokenize("#TRANS 1 {1 a 2 b} 3 20240101 \"t\" 7 8 9", &line, nullptr)
          .ok());
  ASSERT_EQ(line.fields.size(), 8u);
  ASSERT_TRUE(Tokenize("#SIETYP 4", &line, nullptr).ok());
  ASSERT_EQ(Texts(line), (std::vector<std::string>{"4"}));
  ASSERT_TRUE(Tokenize("#X a b c d e f g h i", &line, nullptr).ok());
  EXPECT_EQ(Texts(line), (std::vector<std::string>{"a", "b", "c", "d", "e", "f",
                                                   "g", "h", "i"}));
  for (const Field& field : line.fields) {
    EXPECT_FALSE(field.is_list);
    EXPECT_TRUE(field.items.empty());
  }
}

// #KSUMMA: the CRC-32 of the label's and fields' bytes as they stand in the
// file (before decoding), quotes, braces, separators and escapes' backslash
// left out; the same whether a line's bytes are fed at once or token by
// token, and for tokens longer than the tokenizer's gathering buffer.
TEST(SieTokenize, KsummaBytesAreTheFieldsWithoutSeparatorsOrQuotes) {
  const std::string long_text(1500, 'x');
  const struct {
    std::string raw;
    std::string bytes;
  } cases[] = {
      {"#VER A 1 20240101 \"sa \\\"hej\\\"\"", "#VERA120240101sa \"hej\""},
      {"#TRANS 1930 {1 \"Syd\" 6 P} -5.00", "#TRANS19301Syd6P-5.00"},
      {"{", ""},
      {"#KONTO 1930 \"K\x94p\"", "#KONTO1930K\x94p"},
      {"#FNAMN \"" + long_text + "\" " + long_text,
       "#FNAMN" + long_text + long_text},
  };
  for (const auto& c : cases) {
    Line line;
    uint32_t crc = 0;
    ASSERT_TRUE(Tokenize(c.raw, &line, &crc).ok()) << c.raw.substr(0, 40);
    EXPECT_EQ(crc, ZlibCrc(c.bytes)) << c.raw.substr(0, 40);
  }
  // Running over lines: the sum continues from the line before.
  Line line;
  uint32_t crc = 0;
  ASSERT_TRUE(Tokenize("#KSUMMA", &line, nullptr).ok());
  ASSERT_TRUE(Tokenize("#FLAGGA 0", &line, &crc).ok());
  ASSERT_TRUE(Tokenize("#SIETYP 4", &line, &crc).ok());
  EXPECT_EQ(crc, ZlibCrc("#FLAGGA0#SIETYP4"));
}

// An ASCII line reads the same in every encoding; a line with high bytes is
// decoded by the file's encoding, token by token.
TEST(SieTokenize, EachLineIsDecodedByTheFilesEncoding) {
  for (Encoding encoding : {Encoding::kAscii, Encoding::kCp437, Encoding::kUtf8,
                            Encoding::kIso885915}) {
    Line line;
    ASSERT_TRUE(
        Tokenize("#KONTO 1930 \"Bank\"", &line, nullptr, encoding).ok());
    EXPECT_EQ(Texts(line), (std::vector<std::string>{"1930", "Bank"}));
  }
  Line line;
  ASSERT_TRUE(
      Tokenize("#KONTO 1930 \"F\x94retag\"", &line, nullptr, Encoding::kCp437)
          .ok());
  EXPECT_EQ(line.fields[1].text, "Företag");
  ASSERT_TRUE(Tokenize("#KONTO 1930 \"F\xF6retag\"", &line, nullptr,
                       Encoding::kIso885915)
                  .ok());
  EXPECT_EQ(line.fields[1].text, "Företag");
  ASSERT_TRUE(Tokenize("#KONTO 1930 \"F\xC3\xB6retag\" {1 \"\xC3\x85\"}", &line,
                       nullptr, Encoding::kUtf8)
                  .ok());
  EXPECT_EQ(line.fields[1].text, "Företag");
  EXPECT_EQ(line.fields[2].items, (std::vector<std::string>{"1", "Å"}));
  // The next ASCII line after a decoded one is copied as it stands.
  ASSERT_TRUE(
      Tokenize("#KONTO 2440 Skuld", &line, nullptr, Encoding::kUtf8).ok());
  EXPECT_EQ(Texts(line), (std::vector<std::string>{"2440", "Skuld"}));
}

TEST(SieTokenize, AsciiTextIsFoundEightBytesAtATime) {
  EXPECT_TRUE(IsAsciiText(""));
  EXPECT_TRUE(IsAsciiText("#TRANS 1930 {} 12.50 20240101 \"text\""));
  for (size_t at = 0; at < 20; ++at) {
    std::string text(20, 'a');
    text[at] = '\x80';
    EXPECT_FALSE(IsAsciiText(text)) << at;
  }
}

}  // namespace
}  // namespace fundlog::sie
