// `fundlog publish --to DIR`: the log as static C2SP tlog-tiles files. The
// layout and bytes are pinned here; Go's sumdb/tlog (TileHashReader) reads
// the published hash tiles, proves random records from the entry bundles
// against the published checkpoint, and catches a changed byte.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/merkle/merkle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Modification times (ns) of every file under `dir`, by relative path.
std::map<std::string, int64_t> MTimes(const std::string& dir) {
  std::map<std::string, int64_t> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    struct stat info;
    ::stat(entry.path().c_str(), &info);
    out[fs::relative(entry.path(), dir).string()] =
        int64_t{info.st_mtim.tv_sec} * 1'000'000'000 + info.st_mtim.tv_nsec;
  }
  return out;
}

class PublishCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.Run({"init", "--origin", "example.org/pub"}).exit_code, 0);
    key_ =
        std::string(absl::StripTrailingAsciiWhitespace(cli_.Run({"key"}).out));
    ASSERT_EQ(cli_.Run({"import", cli_.WriteFile("est.textpb", R"pb(
                          events {
                            event_id: "est"
                            fund_id: "f"
                            effective { day: "2020-01-01" }
                            recorded_on: "2020-01-01"
                            source { title: "Test document" }
                            fund_established { name: "Test fund" }
                          })pb")})
                  .exit_code,
              0);
  }

  // Appends `events` allocations (ids from `seed`).
  void Grow(int events, int seed) {
    std::string batch;
    for (int j = 0; j < events; ++j) {
      absl::StrAppend(&batch, "events { event_id: \"e", seed, "_", j,
                      "\" fund_id: \"f\" effective { day: \"2020-02-01\" } "
                      "recorded_on: \"2020-02-01\" source { title: \"Doc\" } "
                      "allocation { amount_ore: ",
                      j + 1, " } }\n");
    }
    RunResult import = cli_.Run(
        {"import", cli_.WriteFile(absl::StrCat("g", seed, ".textpb"), batch)});
    ASSERT_EQ(import.exit_code, 0) << import.err;
  }

  RunResult Publish() { return cli_.Run({"publish", "--to", "pub"}); }

  std::string Pub(const std::string& relative) const {
    return (fs::path(cli_.dir()) / "pub" / relative).string();
  }

  CliHarness cli_;
  std::string key_;
};

TEST_F(PublishCliTest, PublishWritesTheTlogTilesLayoutWithStoredRecordBytes) {
  Grow(599, 1);  // 600 records: 2 full tiles and 88 hashes at level 0
  RunResult published = Publish();
  ASSERT_EQ(published.exit_code, 0) << published.err;
  EXPECT_THAT(published.out,
              HasSubstr("wrote 2 full tiles, 2 partial tiles, 2 full entry "
                        "bundles, 1 partial entry bundles"));
  for (const char* path :
       {"checkpoint", "tile/0/000", "tile/0/001", "tile/0/002.p/88",
        "tile/1/000.p/2", "tile/entries/000", "tile/entries/001",
        "tile/entries/002.p/88"}) {
    EXPECT_TRUE(fs::is_regular_file(Pub(path))) << path;
  }
  EXPECT_EQ(fs::file_size(Pub("tile/0/000")), 8192u);
  EXPECT_EQ(fs::file_size(Pub("tile/0/002.p/88")), 88u * 32);
  EXPECT_EQ(fs::file_size(Pub("tile/1/000.p/2")), 64u);
  // The checkpoint verifies with the log's key, at size 600.
  RunResult proof = cli_.Run({"prove", "257"});
  cli_.WriteFile("p.json", proof.out);
  EXPECT_EQ(cli_.Run({"verify-proof", "--key", key_, "--checkpoint",
                      Pub("checkpoint"), "p.json"})
                .exit_code,
            0);
  // Record 257 as stored: in bundle 1 after record 256, and hashed in
  // tile/0/001 at position 1.
  auto json = ParseJson(proof.out);
  std::string leaf;
  ASSERT_TRUE(absl::Base64Unescape(json.fields().at("leaf_data").string_value(),
                                   &leaf));
  const std::string bundle = ReadAll(Pub("tile/entries/001"));
  const size_t first = (uint8_t(bundle[0]) << 8) | uint8_t(bundle[1]);
  const size_t second =
      (uint8_t(bundle[2 + first]) << 8) | uint8_t(bundle[3 + first]);
  EXPECT_EQ(bundle.substr(4 + first, second), leaf);
  const merkle::Hash hash = merkle::LeafHash(leaf);
  EXPECT_EQ(ReadAll(Pub("tile/0/001")).substr(32, 32),
            std::string(hash.begin(), hash.end()));
}

TEST_F(PublishCliTest,
       PublishingAgainWritesOnlyTheNewPartialTilesAndCheckpoint) {
  Grow(599, 1);
  ASSERT_EQ(Publish().exit_code, 0);
  const std::map<std::string, int64_t> before = MTimes(Pub(""));
  Grow(5, 2);  // 605: level 0 and the bundles get a wider partial tile
  RunResult again = Publish();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out,
              HasSubstr("wrote 0 full tiles, 1 partial tiles, 0 full entry "
                        "bundles, 1 partial entry bundles and the checkpoint; "
                        "5 already there"));
  const std::map<std::string, int64_t> after = MTimes(Pub(""));
  for (const auto& [path, mtime] : before) {
    ASSERT_TRUE(after.contains(path)) << path;  // nothing removed
    if (path == "checkpoint") continue;
    EXPECT_EQ(after.at(path), mtime) << path << " was rewritten";
  }
  EXPECT_TRUE(after.contains("tile/0/002.p/93"));
  EXPECT_TRUE(after.contains("tile/entries/002.p/93"));
  EXPECT_EQ(after.size(), before.size() + 2);
  // Nothing new: only the checkpoint.
  EXPECT_THAT(Publish().out, HasSubstr("wrote 0 full tiles, 0 partial tiles, "
                                       "0 full entry bundles, 0 partial entry "
                                       "bundles and the checkpoint"));
}

TEST_F(PublishCliTest, PublishRefusesADirectoryHoldingAnotherLog) {
  Grow(10, 1);
  ASSERT_EQ(Publish().exit_code, 0);
  const std::string checkpoint = ReadAll(Pub("checkpoint"));
  ASSERT_EQ(cli_.Run({"--db", "other", "init", "--origin", "example.org/pub"})
                .exit_code,
            0);
  RunResult other = cli_.Run({"--db", "other", "publish", "--to", "pub"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.err, HasSubstr("not a checkpoint of this log"));
  EXPECT_EQ(ReadAll(Pub("checkpoint")), checkpoint);
}

TEST_F(PublishCliTest,
       GoTileHashReaderProvesRandomRecordsAndCatchesAChangedByte) {
  if (!fs::exists("/usr/bin/go") ||
      !fs::exists("/usr/share/gocode/src/golang.org/x/mod/sumdb")) {
    GTEST_SKIP() << "go or golang-golang-x-mod-dev is not installed";
  }
  Grow(700, 1);  // 701 records: tiles at levels 0 and 1, three bundles
  ASSERT_EQ(Publish().exit_code, 0);
  const std::string program = absl::StrCat(cli_.dir(), "/read_tiles_with_go");
  const std::string build = absl::StrCat(
      "cd ", cli_.dir(),
      " && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE=",
      cli_.dir(), "/gocache go build -o ", program, " ", FUNDLOG_SOURCE_DIR,
      "/tests/go/read_tiles_with_go.go");
  ASSERT_EQ(std::system(build.c_str()), 0) << build;
  const std::string run = absl::StrCat(program, " '", key_, "' ", Pub(""),
                                       " 40 7 > ", cli_.dir(), "/go.out 2>&1");
  ASSERT_EQ(std::system(run.c_str()), 0) << ReadAll(cli_.dir() + "/go.out");
  EXPECT_EQ(ReadAll(cli_.dir() + "/go.out"), "ok 42\n");
  // One changed byte in a tile every proof needs, in a leaf-hash tile, and
  // in an entry bundle: each is caught.
  for (const char* path :
       {"tile/1/000.p/2", "tile/0/002.p/189", "tile/entries/002.p/189"}) {
    const std::string original = ReadAll(Pub(path));
    ASSERT_FALSE(original.empty()) << path;
    std::string changed = original;
    changed[changed.size() - 1] ^= 0x01;
    WriteAll(Pub(path), changed);
    EXPECT_NE(std::system(run.c_str()), 0) << path;
    EXPECT_THAT(ReadAll(cli_.dir() + "/go.out"),
                ::testing::AnyOf(HasSubstr("inconsistent tile"),
                                 HasSubstr("invalid transparency proof")))
        << path;
    WriteAll(Pub(path), original);
  }
  EXPECT_EQ(std::system(run.c_str()), 0);
}

}  // namespace
}  // namespace fundlog::testing
