#include "core/io/batch_file.h"

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

}  // namespace
}  // namespace fundlog
