#include "flinkdbt/base/utf8.h"

#include <gtest/gtest.h>

namespace flinkdbt {
namespace {

TEST(Utf8Test, DecodesAndEncodes) {
  std::string s = "aé€😀";
  size_t pos = 0;
  EXPECT_EQ(utf8::Decode(s, &pos), U'a');
  EXPECT_EQ(utf8::Decode(s, &pos), U'é');
  EXPECT_EQ(utf8::Decode(s, &pos), U'€');
  EXPECT_EQ(utf8::Decode(s, &pos), U'😀');
  EXPECT_EQ(pos, s.size());
  std::string out;
  for (char32_t cp : {U'a', U'é', U'€', U'😀'}) utf8::Append(&out, cp);
  EXPECT_EQ(out, s);
  EXPECT_EQ(utf8::Length(s), 4u);
}

TEST(Utf8Test, RejectsMalformedSequences) {
  EXPECT_TRUE(utf8::IsValid("plain ascii é"));
  EXPECT_FALSE(utf8::IsValid("\x80"));
  EXPECT_FALSE(utf8::IsValid("\xc1\xbf"));
  EXPECT_FALSE(utf8::IsValid("\xe0\x80\x80"));
  EXPECT_FALSE(utf8::IsValid("\xed\xbf\xbf"));
  EXPECT_FALSE(utf8::IsValid("\xf5\x80\x80\x80"));
  EXPECT_FALSE(utf8::IsValid("\xe2\x82"));
  EXPECT_EQ(utf8::Length("\xe2\x82" "ab"), 3u);
  std::string out;
  utf8::Append(&out, 0xD800);
  EXPECT_EQ(out, "\xef\xbf\xbd");
}

}  // namespace
}  // namespace flinkdbt
