// display_width and friends: terminal columns of UTF-8 text (CJK wide, marks zero, bad bytes one).
#include "qscore/detail/display_width.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using qscore::detail::code_point_width;
using qscore::detail::decode_utf8;
using qscore::detail::display_width;

TEST(DisplayWidth, Ascii) {
  EXPECT_EQ(display_width(""), 0U);
  EXPECT_EQ(display_width("abc"), 3U);
  EXPECT_EQ(display_width("rank  unit"), 10U);
}

TEST(DisplayWidth, CjkIsTwoColumnsEach) {
  EXPECT_EQ(display_width("满意"), 4U);
  EXPECT_EQ(display_width("市供电公司"), 10U);
  EXPECT_EQ(display_width("办事效率，不推诿扯皮"), 20U);  // full-width comma U+FF0C
  EXPECT_EQ(display_width("（高峰期）"), 10U);           // full-width parentheses
  EXPECT_EQ(display_width("한국어"), 6U);                 // Hangul syllables
  EXPECT_EQ(display_width("カタカナ"), 8U);
  EXPECT_EQ(display_width("\xF0\xA0\x80\x80"), 2U);      // U+20000, CJK extension B
}

TEST(DisplayWidth, MixedStrings) {
  EXPECT_EQ(display_width("q01 服务态度"), 4U + 8U);
  EXPECT_EQ(display_width("业扩报装无“三指定”"), 10U + 1U + 6U + 1U);  // curly quotes are narrow
  EXPECT_EQ(display_width("Café 满意"), 5U + 4U);
  EXPECT_EQ(display_width("é"), 1U);                              // precomposed
  EXPECT_EQ(display_width("e\xCC\x81"), 1U);                      // e + combining acute
  EXPECT_EQ(display_width("a\xE2\x80\x8B" "b"), 2U);              // zero-width space
  EXPECT_EQ(display_width("±½"), 2U);
}

TEST(DisplayWidth, RangeEdges) {
  EXPECT_EQ(code_point_width(0x10FF), 1);
  EXPECT_EQ(code_point_width(0x1100), 2);
  EXPECT_EQ(code_point_width(0x115F), 2);
  EXPECT_EQ(code_point_width(0x1160), 1);
  EXPECT_EQ(code_point_width(0x2E7F), 1);
  EXPECT_EQ(code_point_width(0x2E80), 2);
  EXPECT_EQ(code_point_width(0xA4CF), 2);
  EXPECT_EQ(code_point_width(0xA4D0), 1);
  EXPECT_EQ(code_point_width(0xAC00), 2);
  EXPECT_EQ(code_point_width(0xD7A3), 2);
  EXPECT_EQ(code_point_width(0xD7A4), 1);
  EXPECT_EQ(code_point_width(0xF900), 2);
  EXPECT_EQ(code_point_width(0xFAFF), 2);
  EXPECT_EQ(code_point_width(0xFE30), 2);
  EXPECT_EQ(code_point_width(0xFE4F), 2);
  EXPECT_EQ(code_point_width(0xFF00), 2);
  EXPECT_EQ(code_point_width(0xFF60), 2);
  EXPECT_EQ(code_point_width(0xFF61), 1);  // half-width katakana punctuation
  EXPECT_EQ(code_point_width(0xFFE0), 2);
  EXPECT_EQ(code_point_width(0xFFE6), 2);
  EXPECT_EQ(code_point_width(0xFFE7), 1);
  EXPECT_EQ(code_point_width(0x1FFFF), 1);
  EXPECT_EQ(code_point_width(0x20000), 2);
  EXPECT_EQ(code_point_width(0x3FFFD), 2);
  EXPECT_EQ(code_point_width(0x3FFFE), 1);
  EXPECT_EQ(code_point_width(0x0300), 0);
  EXPECT_EQ(code_point_width(0x036F), 0);
  EXPECT_EQ(code_point_width(0x0370), 1);
  EXPECT_EQ(code_point_width(0xFE0F), 0);
  EXPECT_EQ(code_point_width(0x00), 0);
  EXPECT_EQ(code_point_width(0x1B), 0);
  EXPECT_EQ(code_point_width(0x7F), 0);
  EXPECT_EQ(code_point_width(0x20), 1);
}

TEST(DisplayWidth, InvalidBytesAreOneColumnEach) {
  EXPECT_EQ(display_width("\xFF"), 1U);
  EXPECT_EQ(display_width("a\x80" "b"), 3U);            // stray continuation byte
  EXPECT_EQ(display_width("\xE6\xBB"), 2U);             // truncated 3-byte sequence (满 is E6 BB A1)
  EXPECT_EQ(display_width("\xE6\xBB" "x"), 3U);         // truncated, then ASCII
  EXPECT_EQ(display_width("\xC0\xAF"), 2U);             // overlong '/'
  EXPECT_EQ(display_width("\xED\xA0\x80"), 3U);         // a UTF-16 surrogate
  EXPECT_EQ(display_width("\xF4\x90\x80\x80"), 4U);     // above U+10FFFF
  EXPECT_EQ(display_width("满\xFF意"), 5U);
}

TEST(DisplayWidth, Decode) {
  const auto step = decode_utf8("满", 0);
  EXPECT_TRUE(step.valid);
  EXPECT_EQ(step.length, 3U);
  EXPECT_EQ(step.code_point, char32_t{0x6EE1});
  const auto bad = decode_utf8("\xE6\xBB", 0);
  EXPECT_FALSE(bad.valid);
  EXPECT_EQ(bad.length, 1U);
}

TEST(DisplayWidth, SanitizeReplacesInvalidBytes) {
  using qscore::detail::sanitize_utf8;
  EXPECT_EQ(sanitize_utf8("满意"), "满意");
  EXPECT_EQ(sanitize_utf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(sanitize_utf8("\xE6\xBB"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(display_width(sanitize_utf8("满\xFF意")), display_width("满\xFF意"));
}

TEST(DisplayWidth, PadAndTruncate) {
  using qscore::detail::pad_left;
  using qscore::detail::pad_right;
  using qscore::detail::truncate_to_width;
  EXPECT_EQ(pad_right("满意", 6), "满意  ");
  EXPECT_EQ(pad_left("满意", 6), "  满意");
  EXPECT_EQ(pad_right("abcdef", 3), "abcdef");
  EXPECT_EQ(truncate_to_width("满意度调查", 10), "满意度调查");
  EXPECT_EQ(truncate_to_width("满意度调查", 9), "满意度...");
  EXPECT_EQ(truncate_to_width("满意度调查", 8), "满意...");   // 满意 = 4, a third char would be 9
  EXPECT_EQ(display_width(truncate_to_width("满意度调查", 8)), 7U);
  EXPECT_EQ(truncate_to_width("abcdefgh", 5), "ab...");
  EXPECT_EQ(truncate_to_width("abcdefgh", 2), "..");
  for (std::size_t w = 0; w < 12; ++w)
    EXPECT_LE(display_width(truncate_to_width("q01 服务态度与效率", w)), w);
}

static_assert(display_width("满意") == 4);

}  // namespace
