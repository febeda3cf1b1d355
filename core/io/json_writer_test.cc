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

}  // namespace
}  // namespace fundlog
