// The Trelleborg history cites its source paper, and the paper is in the
// repository (data/sources/): every event's document_sha256 must be the
// SHA-256 of that file, and every passage an event quotes must stand in it.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/io/batch_file.h"
#include "core/io/sha256_stream.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog {
namespace {

constexpr char kPaperPath[] =
    "/data/sources/"
    "KS_2021-568_upphavande_riktlinjer_social_investeringsfond.txt";

std::string Paper() {
  auto bytes =
      ReadFileBytes(absl::StrCat(FUNDLOG_SOURCE_DIR, kPaperPath), 1 << 20);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : std::string();
}

// The text without white space, commas and full stops: the paper breaks
// lines (and words at hyphens) where a quotation runs on, and sets lists one
// item a line where a quotation joins them with commas.
std::string Words(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != ',' &&
        c != '.') {
      out.push_back(c);
    }
  }
  return out;
}

// A passage is "Heading: quoted text" runs, one after another, e.g.
// "Ärendet: A. Ärendet: B.". Returns the quoted texts. A heading starts the
// passage or follows ". " and holds no full stop.
std::vector<std::string> Quotations(absl::string_view passage) {
  std::vector<size_t> starts;  // where each "Heading: " begins
  for (size_t at = 0; at < passage.size();) {
    size_t colon = passage.find(": ", at);
    if (colon == absl::string_view::npos) break;
    size_t begin = passage.rfind(". ", colon);
    begin = begin == absl::string_view::npos ? 0 : begin + 2;
    if (!starts.empty() && begin <= starts.back()) {
      // A colon inside the quotation that follows the last heading.
    } else if (begin == 0 || passage.substr(begin, colon - begin).find('.') ==
                                 absl::string_view::npos) {
      starts.push_back(begin);
    }
    at = colon + 2;
  }
  std::vector<std::string> quotes;
  for (size_t i = 0; i < starts.size(); ++i) {
    size_t text = passage.find(": ", starts[i]) + 2;
    size_t end = i + 1 < starts.size() ? starts[i + 1] : passage.size();
    quotes.emplace_back(passage.substr(text, end - text));
  }
  return quotes;
}

TEST(SourcePaper, EveryEventStatesTheHashOfThePaperInTheRepository) {
  const std::string paper = Paper();
  ASSERT_FALSE(paper.empty());
  auto hash = Sha256HexOf(paper);
  ASSERT_TRUE(hash.ok()) << hash.status();
  auto loaded = LoadBatchFile(testing::TrelleborgDataPath());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_GT(loaded->batch.events_size(), 0);
  for (const auto& event : loaded->batch.events()) {
    EXPECT_EQ(event.source().document_sha256(), *hash) << event.event_id();
    EXPECT_EQ(event.source().reference(), "KS 2021/568") << event.event_id();
  }
}

TEST(SourcePaper, EveryQuotedPassageStandsInThePaper) {
  const std::string paper = Words(Paper());
  ASSERT_FALSE(paper.empty());
  auto loaded = LoadBatchFile(testing::TrelleborgDataPath());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  for (const auto& event : loaded->batch.events()) {
    std::vector<std::string> quotes = Quotations(event.source().passage());
    EXPECT_FALSE(quotes.empty()) << event.event_id() << ": no quotation";
    for (const std::string& quote : quotes) {
      EXPECT_NE(paper.find(Words(quote)), std::string::npos)
          << event.event_id()
          << " quotes what the paper does not say: " << quote;
    }
  }
}

TEST(SourcePaper, QuotationsSplitAtHeadings) {
  EXPECT_EQ(Quotations("Ärendet: A b. Sammanfattning: C: d."),
            (std::vector<std::string>{"A b. ", "C: d."}));
}

}  // namespace
}  // namespace fundlog
