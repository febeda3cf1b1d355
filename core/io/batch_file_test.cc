#include "core/io/batch_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "core/io/sha256_stream.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fundlog {
namespace {

using ::testing::HasSubstr;

TEST(BatchFileTest, TextFormatErrorNamesFileLineAndColumn) {
  auto parsed = ParseBatch("dir/x.textpb", "events {\n  event_id: 7 7\n}\n");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("dir/x.textpb:2:"));
}

TEST(BatchFileTest, UnknownExtensionIsRefused) {
  auto parsed = ParseBatch("x.csv", "");
  EXPECT_THAT(parsed.status().message(), HasSubstr("unknown file type"));
}

TEST(BatchFileTest, JsonAndTextGiveTheSameBatch) {
  auto text =
      ParseBatch("a.textpb", R"(events { event_id: "e" fund_id: "f" })");
  auto json =
      ParseBatch("a.json", R"({"events":[{"eventId":"e","fund_id":"f"}]})");
  ASSERT_TRUE(text.ok() && json.ok());
  EXPECT_EQ(text->batch.SerializeAsString(), json->batch.SerializeAsString());
  EXPECT_EQ(text->file_name, "a.textpb");
}

TEST(BatchFileTest, Sha256MatchesKnownVector) {
  absl::StatusOr<std::string> hex = Sha256HexOf("abc");
  ASSERT_TRUE(hex.ok()) << hex.status();
  EXPECT_EQ(*hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// A digest OpenSSL refuses to start is an error, not an empty or garbage
// hash (which would give a file a wrong identity).
TEST(BatchFileTest, FailedDigestIsAnErrorNotAHash) {
  absl::StatusOr<Sha256Stream> stream = Sha256Stream::StartWith(nullptr);
  EXPECT_EQ(stream.status().code(), absl::StatusCode::kInternal);
  absl::StatusOr<Sha256Stream> good = Sha256Stream::Start();
  ASSERT_TRUE(good.ok()) << good.status();
  ASSERT_TRUE(good->FinishHex().ok());
  EXPECT_EQ(good->FinishHex().status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(good->Update("x").code(), absl::StatusCode::kInternal);
}

// A file of just over 64 MiB is refused by its size, with the limit named,
// before it is read (the file is sparse: no disk, no memory). The limit was
// 256 MiB, which let a hostile file take 600 MB before it was refused.
TEST(BatchFileTest, FileOverTheSizeLimitIsRefusedBeforeReading) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            absl::StrCat("fundlog-big-", getpid(), ".textpb"))
                               .string();
  { std::ofstream create(path); }
  std::filesystem::resize_file(path, (size_t{64} << 20) + 1);
  auto loaded = LoadBatchFile(path);
  std::filesystem::remove(path);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      loaded.status().message(),
      HasSubstr(absl::StrCat("over the limit of ", kBatchFileBytesMax)));
}

// The JSON parser echoes the input it stopped at; the error quotes a bounded
// excerpt with every byte outside printable ASCII escaped.
TEST(BatchFileTest, JsonErrorQuotesABoundedEscapedExcerpt) {
  std::string hostile = "{\"events\": \"";
  for (int i = 0; i < 100000; ++i) hostile.push_back(static_cast<char>(0xfa));
  auto parsed = ParseBatch("x.json", hostile);
  ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  const absl::string_view message = parsed.status().message();
  EXPECT_LT(message.size(), 4 * kErrorExcerptBytesMax + 100) << message;
  for (unsigned char c : message) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "raw byte " << int{c};
    if (!(c >= 0x20 && c < 0x7f)) break;
  }
}

}  // namespace
}  // namespace fundlog
