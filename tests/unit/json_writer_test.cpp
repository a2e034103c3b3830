// detail::json_text_writer against nlohmann's own dump, byte for byte: the same calls made on a
// json_value_builder give a value whose dump(indent, ' ', false, replace) is the reference. The
// values are the edge cases of each kind: strings (escapes, control bytes, DEL, well-formed
// multi-byte UTF-8 at the edges of table 3-7, and ill-formed sequences of each kind), doubles
// (zeros, signs, exponents either side of the fixed range, the extremes, NaN and infinities),
// integers at their limits, empty and nested containers; at every layout and at a depth. And
// detail::valid_utf8 (detail/utf8.hpp), which decides what the writer copies as it is.
#include "qscore/io/json_writer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace {

using qscore::detail::json_text_writer;
using qscore::detail::json_value_builder;
using qscore::detail::valid_utf8;

const std::vector<std::string>& strings() {
  static const std::vector<std::string> all = {
      "",
      "plain",
      "quote \" backslash \\ slash /",
      "\b\f\n\r\t",
      std::string("nul \0 inside", 12),
      "\x01\x1f\x7f",
      "满意 比较满意 不满意",                       // three-byte sequences
      "\xc2\x80 \xdf\xbf",                          // the two-byte range's ends
      "\xe0\xa0\x80 \xed\x9f\xbf \xee\x80\x80",     // after the overlongs, before the surrogates
      "\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf",          // U+10000 and U+10FFFF
      "bad \xff byte",
      "\xc0\x80",                                   // an overlong NUL
      "\xe0\x80\x80",                               // an overlong three-byte form
      "\xed\xa0\x80",                               // a surrogate
      "\xf4\x90\x80\x80",                           // above U+10FFFF
      "\xf5\x80\x80\x80",
      "cut \xe6\xbb",                               // a sequence cut short at the end
      "\xe6\xbb x",                                 // ... and before an ASCII byte
      "\x80 lone continuation",
  };
  return all;
}

const std::vector<double>& doubles() {
  static const std::vector<double> all = {
      0.0, -0.0, 1.0, -1.0, 0.1, 92.4558756824774, 1e-4, 1e-5, 123456789012345.0, 1e15, 1e16, 1e21, 1e22,
      -2.5e-300, std::numeric_limits<double>::max(), std::numeric_limits<double>::min(),
      std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::quiet_NaN(),
      std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
  };
  return all;
}

// One document through any writer: an object of every kind of value, with nested and empty
// containers.
template <class Json>
void document(Json& j) {
  j.begin_object(8);
  j.key("strings");
  j.begin_array();
  for (const auto& s : strings()) j.value(s);
  j.end_array();
  j.key("doubles");
  j.begin_array();
  for (const double d : doubles()) j.value(d);
  j.end_array();
  j.member("int64_min", std::numeric_limits<std::int64_t>::min());
  j.member("int64_max", std::numeric_limits<std::int64_t>::max());
  j.member("int", -7);
  j.member("size", std::size_t{18446744073709551615ULL});
  j.member("true", true);
  j.member("false", false);
  j.member("null", nullptr);
  j.member("none", std::optional<double>{});
  j.member("some", std::optional<int>{3});
  for (const auto& s : strings()) j.member(s, 1);  // strings as keys too
  j.key("empty_object");
  j.begin_object();
  j.end_object();
  j.key("empty_array");
  j.begin_array();
  j.end_array();
  j.key("nested");
  j.begin_array();
  j.begin_array();
  j.begin_object();
  j.member("a", std::optional<bool>{false});
  j.end_object();
  j.begin_array();
  j.end_array();
  j.end_array();
  j.value(0.5);
  j.end_array();
  j.end_object();
}

TEST(json_text_writer, writes_what_nlohmann_dumps_at_every_layout) {
  json_value_builder builder;
  document(builder);
  const nlohmann::ordered_json value = builder.take();
  ASSERT_EQ(value["strings"].size(), strings().size());  // the builder kept every value
  for (const int indent : {-1, 0, 1, 2, 4}) {
    std::string text;
    json_text_writer writer(text, indent);
    document(writer);
    EXPECT_EQ(text, value.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace))
        << "indent " << indent;
  }
}

TEST(json_text_writer, a_value_at_a_depth_is_indented_as_inside_its_document) {
  // The same value as the third element of an array inside an object: depth 2. Written on its
  // own at depth 2, it must be the bytes nlohmann writes for it inside the whole document.
  json_value_builder inner_builder;
  document(inner_builder);
  nlohmann::ordered_json outer = nlohmann::ordered_json::object();
  outer["list"] = nlohmann::ordered_json::array({1, 2, inner_builder.take()});
  for (const int indent : {-1, 0, 2, 4}) {
    const std::string whole = outer.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    std::string text;
    json_text_writer writer(text, indent, 2);
    document(writer);
    // The inner value is what follows the second element's separator, up to the brackets that
    // close the array and the object.
    const std::string close = indent < 0 ? "]}" : "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "]\n}";
    ASSERT_GE(whole.size(), text.size() + close.size());
    EXPECT_EQ(whole.substr(whole.size() - close.size() - text.size(), text.size()), text) << "indent " << indent;
  }
}

TEST(valid_utf8, accepts_the_sequences_of_table_3_7_and_nothing_else) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("满意"));
  EXPECT_TRUE(valid_utf8("\xf4\x8f\xbf\xbf"));
  EXPECT_TRUE(valid_utf8("\xed\x9f\xbf"));
  EXPECT_FALSE(valid_utf8("\xc1\xbf"));      // overlong
  EXPECT_FALSE(valid_utf8("\xe0\x9f\xbf"));  // overlong
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(valid_utf8("\xf0\x8f\xbf\xbf"));  // overlong
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xe6\xbb"));      // cut short
  EXPECT_FALSE(valid_utf8("\xe6\x3b\xa1"));  // an ASCII byte inside
  EXPECT_FALSE(valid_utf8("\xbb"));          // a lone continuation byte
}

}  // namespace
