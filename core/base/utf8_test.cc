#include "core/base/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace fundlog {
namespace {

TEST(Utf8Test, WellFormedTextIsValid) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Kommunledningsförvaltningen"));
  EXPECT_TRUE(IsValidUtf8("öre \xE2\x82\xAC \xF0\x9F\x98\x80"));  // €, emoji
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));                   // U+10FFFF
}

TEST(Utf8Test, InvalidBytesAreFoundAtTheirOffset) {
  EXPECT_EQ(FirstInvalidUtf8("bad\xff\xfeid"), 3u);
  EXPECT_EQ(FirstInvalidUtf8("\x80"), 0u);              // lone continuation
  EXPECT_EQ(FirstInvalidUtf8("ab\xC3"), 2u);            // truncated
  EXPECT_EQ(FirstInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("\xE0\x80\xAF"), 0u);      // overlong
  EXPECT_EQ(FirstInvalidUtf8("\xED\xA0\x80"), 0u);      // surrogate U+D800
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("x\xE2\x82"), 1u);         // cut short
  EXPECT_EQ(FirstInvalidUtf8("\xE2\x28\xA1"), 0u);      // bad continuation
}

}  // namespace
}  // namespace fundlog
