// detail::short_text_cache: a cached text gives back exactly what the parser gave for it, a text
// that resembles it (a prefix, the same bytes with a NUL, a longer text) is parsed on its own,
// and failures are never remembered.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "qscore/detail/decimal.hpp"
#include "qscore/detail/short_text_cache.hpp"

namespace {

using qscore::detail::short_text_cache;

// The parser under the cache, counting its calls.
struct counting_parser {
  int calls = 0;
  bool operator()(std::string_view text, double& value) {
    ++calls;
    return qscore::detail::parse_decimal(text, value);
  }
};

double parsed(short_text_cache& cache, counting_parser& parser, std::string_view text) {
  double value = -1.0;
  EXPECT_TRUE(cache.parse(text, value, [&](std::string_view t, double& v) { return parser(t, v); })) << text;
  return value;
}

TEST(short_text_cache, a_text_is_parsed_once_and_then_read_back) {
  short_text_cache cache;
  counting_parser parser;
  EXPECT_EQ(parsed(cache, parser, "0.958"), 0.958);
  EXPECT_EQ(parsed(cache, parser, "0.958"), 0.958);
  EXPECT_EQ(parsed(cache, parser, "0.958"), 0.958);
  EXPECT_EQ(parser.calls, 1);
}

TEST(short_text_cache, texts_that_share_bytes_are_told_apart) {
  short_text_cache cache;
  counting_parser parser;
  // "1", "10", "1.0", "1.00" and "0.1": prefixes and the same digits; each parsed once.
  const std::vector<std::pair<std::string, double>> texts = {
      {"1", 1.0}, {"10", 10.0}, {"1.0", 1.0}, {"1.00", 1.0}, {"0.1", 0.1}, {"12345678", 12345678.0}};
  for (int round = 0; round < 3; ++round)
    for (const auto& [text, value] : texts) EXPECT_EQ(parsed(cache, parser, text), value) << text;
  EXPECT_EQ(parser.calls, static_cast<int>(texts.size()));
}

TEST(short_text_cache, long_texts_and_texts_with_a_nul_are_always_parsed) {
  short_text_cache cache;
  int calls = 0;
  const auto parse = [&](std::string_view text, double& value) {
    ++calls;
    value = static_cast<double>(text.size());  // tells "1" (1 byte) from "1\0" (2 bytes)
    return true;
  };
  double value = 0.0;
  const std::string with_nul("1\0", 2);
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(cache.parse("1", value, parse));
    EXPECT_EQ(value, 1.0);
    ASSERT_TRUE(cache.parse(with_nul, value, parse));  // packs to the same word as "1"
    EXPECT_EQ(value, 2.0);
    ASSERT_TRUE(cache.parse("123456789", value, parse));  // nine bytes: not cached
    EXPECT_EQ(value, 9.0);
  }
  // "1" twice would be one call had it been cached; it was: 1 + 2 (NUL) + 2 (long) calls.
  EXPECT_EQ(calls, 5);
}

TEST(short_text_cache, failures_are_not_remembered) {
  short_text_cache cache;
  int calls = 0;
  bool succeed = false;
  const auto parse = [&](std::string_view, double& value) {
    ++calls;
    value = 7.0;
    return succeed;
  };
  double value = 0.0;
  EXPECT_FALSE(cache.parse("abc", value, parse));
  EXPECT_FALSE(cache.parse("abc", value, parse));
  succeed = true;
  EXPECT_TRUE(cache.parse("abc", value, parse));
  EXPECT_EQ(value, 7.0);
  EXPECT_EQ(calls, 3);
}

TEST(short_text_cache, many_texts_sharing_slots_each_keep_their_own_value) {
  // 20,000 weights "0.000" .. "19.999" (more texts than slots): every answer, first or
  // repeated, equals a fresh parse of the text.
  short_text_cache cache;
  counting_parser parser;
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < 20000; ++i) {
      const std::string text = std::to_string(i / 1000) + "." + std::to_string(1000 + i % 1000).substr(1);
      double expected = 0.0;
      ASSERT_TRUE(qscore::detail::parse_decimal(text, expected));
      ASSERT_EQ(parsed(cache, parser, text), expected) << text;
    }
}

}  // namespace
