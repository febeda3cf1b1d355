#include "core/io/json_writer.h"

#include "gtest/gtest.h"

namespace fundlog {
namespace {

TEST(JsonWriterTest, EscapesControlCharactersAndKeepsUtf8) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01 åäö"), "\"a\\\"b\\\\c\\n\\u0001 åäö\"");
}

TEST(JsonWriterTest, NestsObjectsAndArraysWithCommas) {
  JsonWriter json;
  json.BeginObject().Key("a").Int(-1).Key("b").BeginArray().Uint(2).Null();
  json.Bool(true).EndArray().Key("c").String("x").EndObject();
  EXPECT_EQ(json.str(), R"({"a":-1,"b":[2,null,true],"c":"x"})");
}

TEST(JsonWriterTest, TakenPiecesJoinIntoTheDocument) {
  JsonWriter json;
  std::string joined;
  json.BeginObject().Key("events").BeginArray();
  for (int i = 0; i < 3; ++i) {
    json.BeginObject().Key("seq").Int(i).EndObject();
    joined += json.Take();
    EXPECT_TRUE(json.str().empty());
  }
  json.EndArray().EndObject();
  joined += json.Take();
  EXPECT_EQ(joined, R"({"events":[{"seq":0},{"seq":1},{"seq":2}]})");
}

}  // namespace
}  // namespace fundlog
