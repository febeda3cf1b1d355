#include "core/io/batch_file.h"

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
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace fundlog
