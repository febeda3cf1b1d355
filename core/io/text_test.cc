#include "core/io/text.h"

#include "gtest/gtest.h"

namespace fundlog {
namespace {

TEST(TextTest, PaddingCountsCodePointsNotBytes) {
  EXPECT_EQ(DisplayWidth("för – så"), 8u);
  EXPECT_EQ(PadRight("för", 5), "för  ");
  EXPECT_EQ(PadLeft("–", 3), "  –");
  EXPECT_EQ(PadRight("longer", 3), "longer");
}

}  // namespace
}  // namespace fundlog
