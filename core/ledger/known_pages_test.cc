// The known state read page by page gives every lookup the whole KnownSums
// gives, whatever the cache holds; a page that is missing, damaged or from
// another stream fails the lookup instead of giving a figure, and
// CheckKnownPages names it.
#include "core/ledger/known_pages.h"

#include <openssl/sha.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/ledger/day_index.h"
#include "core/ledger/random.h"
#include "gtest/gtest.h"

namespace fundlog::ledger::internal {
namespace {

// Random versions over `known_days` known days (some never known, some
// open-ended), as in KnownSums' own test.
std::vector<KnownEntry> RandomEntries(Random& random, int count,
                                      int known_days) {
  std::vector<KnownEntry> entries;
  for (int i = 0; i < count; ++i) {
    KnownEntry e;
    e.day = random.Below(400);
    e.known.from = random.Below(known_days);
    const int until = random.Below(4);
    e.known.until =
        until == 0 ? kKnownForever : e.known.from + random.Below(200);
    e.amount = 1 + random.Below(1000);
    entries.push_back(e);
  }
  return entries;
}

class KnownPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Random random(11);
    // Trees with fewer known days than one run, a few runs, many runs (so
    // lookups take leaves and Fenwick nodes), and an empty one.
    for (const auto& [count, days] : std::vector<std::pair<int, int>>{
             {40, 20}, {3000, 300}, {0, 1}, {6000, 2500}, {500, 33}}) {
      entries_.push_back(RandomEntries(random, count, days));
      sums_.emplace_back();
      ASSERT_TRUE(MakeKnownSums(entries_.back(), &sums_.back()));
    }
    std::vector<const KnownSums*> trees;
    for (const KnownSums& k : sums_) trees.push_back(&k);
    stream_ = KnownStream(1234, trees);
    directory_ = KnownDirectory(stream_);
    ASSERT_FALSE(directory_.empty());
    std::string sha(SHA256_DIGEST_LENGTH, '\0');
    SHA256(reinterpret_cast<const unsigned char*>(stream_.data()),
           stream_.size(), reinterpret_cast<unsigned char*>(sha.data()));
    for (size_t at = 0, page = 0; at < stream_.size();
         at += kKnownPageBytes, ++page) {
      pages_[KnownPageKey(static_cast<uint32_t>(page))] = KnownPageValue(
          sha, static_cast<uint32_t>(page),
          absl::string_view(stream_).substr(at, kKnownPageBytes));
    }
    ASSERT_GT(pages_.size(), 20u);
  }

  std::shared_ptr<KnownPages> Open(size_t cache_bytes) {
    auto opened = KnownPages::Open(
        directory_,
        [this](absl::string_view key)
            -> absl::StatusOr<std::optional<std::string>> {
          auto it = pages_.find(std::string(key));
          if (it == pages_.end()) return std::nullopt;
          return it->second;
        },
        cache_bytes);
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? *opened : nullptr;
  }

  std::string Check() {
    auto checked = CheckKnownPages(directory_, [this](const auto& visit) {
      for (const auto& [key, value] : pages_) {
        if (absl::Status s = visit(key, value); !s.ok()) return s;
      }
      return absl::OkStatus();
    });
    return checked.ok() ? *checked : checked.status().ToString();
  }

  std::vector<std::vector<KnownEntry>> entries_;
  std::vector<KnownSums> sums_;
  std::string stream_;
  std::string directory_;
  std::map<std::string, std::string> pages_;
};

TEST_F(KnownPagesTest, LookupsEqualTheWholeSumsWithAnyCache) {
  // A cache of one byte keeps no node (each lookup reads its nodes from the
  // pages' bytes); one of 64 KiB keeps the first it decodes and reads the
  // rest from the bytes; a large one keeps them all.
  for (size_t cache : {size_t{1}, size_t{64} << 10, size_t{1} << 30}) {
    std::shared_ptr<KnownPages> pages = Open(cache);
    ASSERT_NE(pages, nullptr);
    ASSERT_EQ(pages->count(), sums_.size());
    Random random(static_cast<uint64_t>(cache));
    for (int q = 0; q < 4000; ++q) {
      const uint32_t tree = static_cast<uint32_t>(random.Below(5));
      const int day = random.Below(420) - 10;
      const int32_t known = random.Below(2800) - 10;
      int64_t expected = 0;
      for (const KnownEntry& e : entries_[tree]) {
        if (e.day <= day && e.known.At(known)) expected += e.amount;
      }
      ASSERT_EQ(pages->UpTo(tree, day, known), expected)
          << "tree " << tree << " day " << day << " known " << known
          << " cache " << cache;
      ASSERT_EQ(sums_[tree].UpTo(day, known), expected);
    }
    EXPECT_FALSE(pages->failed());
    EXPECT_LE(pages->cached_bytes(), cache);
  }
  EXPECT_EQ(Check(), "");
}

TEST_F(KnownPagesTest, ADamagedPageFailsTheLookupAndTheCheckNamesIt) {
  const std::string key = KnownPageKey(7);
  const std::string good = pages_[key];
  for (size_t at : {size_t{0}, good.size() / 2, good.size() - 1}) {
    pages_[key] = good;
    pages_[key][at] = static_cast<char>(pages_[key][at] ^ 0x10);
    std::shared_ptr<KnownPages> pages = Open(kKnownCacheBytes);
    // Every lookup of every tree, until one reaches page 7.
    for (uint32_t tree = 0; tree < sums_.size() && !pages->failed(); ++tree) {
      for (int32_t known = 0; known < 2600 && !pages->failed(); known += 7) {
        pages->UpTo(tree, 400, known);
      }
    }
    EXPECT_TRUE(pages->failed()) << "byte " << at;
    EXPECT_EQ(Check(), "page 7 does not match its tag") << "byte " << at;
  }
  pages_[key] = good;
  EXPECT_EQ(Check(), "");
  pages_.erase(key);
  EXPECT_EQ(Check(), "page 7 is missing or out of place");
  pages_[key] = good;
  pages_[KnownPageKey(static_cast<uint32_t>(pages_.size()))] = "extra";
  EXPECT_EQ(Check(), absl::StrCat("page ", pages_.size() - 1,
                                  " is missing or out of place"));
}

// A page that checks out under another stream's SHA-256 (a later refresh
// beside this directory) fails too.
TEST_F(KnownPagesTest, APageOfAnotherStreamFails) {
  const std::string key = KnownPageKey(3);
  const std::string payload =
      pages_[key].substr(0, pages_[key].size() - kKnownPageTagBytes);
  pages_[key] = KnownPageValue(std::string(32, 'x'), 3, payload);
  std::shared_ptr<KnownPages> pages = Open(kKnownCacheBytes);
  for (uint32_t tree = 0; tree < sums_.size() && !pages->failed(); ++tree) {
    for (int32_t known = 0; known < 2600 && !pages->failed(); known += 5) {
      pages->UpTo(tree, 400, known);
    }
  }
  EXPECT_TRUE(pages->failed());
  EXPECT_EQ(Check(), "page 3 does not match its tag");
}

TEST_F(KnownPagesTest, ADirectoryThatDoesNotParseIsRefused) {
  EXPECT_TRUE(absl::IsDataLoss(
      KnownPages::Open(directory_.substr(0, directory_.size() - 3),
                       [](absl::string_view) {
                         return absl::StatusOr<std::optional<std::string>>(
                             std::nullopt);
                       })
          .status()));
  EXPECT_EQ(KnownDirectory(stream_.substr(0, stream_.size() - 1)), "");
}

}  // namespace
}  // namespace fundlog::ledger::internal
