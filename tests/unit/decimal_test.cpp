// detail::parse_plain_decimal, the weights' parser: [digits][.digits], one IEEE division, the
// same double as std::from_chars. Texts of up to eight bytes take a word-at-a-time path; every
// text of up to five bytes over an alphabet of digits, the dot, their byte neighbours ('/', ':',
// '-') and others ('e', ' ', 0x00, 0x80, 0xFF), and random texts of six to eight bytes, are
// checked against a plain reading of the grammar and against std::from_chars.
#include "qscore/detail/decimal.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "qscore/detail/xoshiro.hpp"
#include "support/every_text.hpp"

namespace {

using qscore::detail::parse_plain_decimal;

// The grammar, read the simplest way: digits, at most one dot, and the dot neither first nor
// last. (At most eight bytes never reach the 15 significant digits the parser allows.)
bool plain(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  int dots = 0;
  for (const char c : text) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots <= 1;
}

void expect_parsed_as_from_chars(std::string_view text) {
  double value = -1.0;
  const bool parsed = parse_plain_decimal(text, value);
  ASSERT_EQ(parsed, plain(text)) << "'" << text << "'";
  if (!parsed) return;
  double expected = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), expected);
  ASSERT_TRUE(ec == std::errc{} && end == text.data() + text.size()) << text;
  EXPECT_EQ(std::bit_cast<std::uint64_t>(value), std::bit_cast<std::uint64_t>(expected)) << text;
}

TEST(decimal, hand_worked_values) {
  double v = 0.0;
  EXPECT_TRUE(parse_plain_decimal("1", v));
  EXPECT_EQ(v, 1.0);
  EXPECT_TRUE(parse_plain_decimal("0.958", v));  // 958 / 10^3
  EXPECT_EQ(v, 0.958);
  EXPECT_TRUE(parse_plain_decimal("00000001", v));  // eight bytes, leading zeros
  EXPECT_EQ(v, 1.0);
  EXPECT_TRUE(parse_plain_decimal("99999999", v));  // the largest eight-byte mantissa
  EXPECT_EQ(v, 99999999.0);
  EXPECT_TRUE(parse_plain_decimal("1.234567", v));  // six fraction digits in eight bytes
  EXPECT_EQ(v, 1.234567);
  EXPECT_TRUE(parse_plain_decimal("1234567.8", v));  // nine bytes: the byte-by-byte loop
  EXPECT_EQ(v, 1234567.8);
  for (const char* bad : {"", ".", ".5", "5.", "1.5.2", "1e3", "-1", "+1", " 1", "1 ", "1,5", "0x10", "１"})
    EXPECT_FALSE(parse_plain_decimal(bad, v)) << bad;
}

TEST(decimal, every_short_text_over_a_small_alphabet) {
  qscore::test::for_every_text(std::string_view("0159./:-e \x00\x80\xFF", 13), 5, [this](std::string_view text) {
    expect_parsed_as_from_chars(text);
    return !HasFatalFailure();
  });
}

TEST(decimal, random_texts_of_six_to_nine_bytes) {
  const std::string alphabet("0123456789012345678901234567890123456789.../:a", 46);
  qscore::detail::xoshiro256ss rng(20261130);
  std::string text;
  for (int n = 0; n < 300000; ++n) {
    text.assign(6 + rng.next() % 4, '0');
    for (char& c : text) c = alphabet[rng.next() % alphabet.size()];
    expect_parsed_as_from_chars(text);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
