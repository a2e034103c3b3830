// detail::small_vector: the tally cell's per-column arrays, one element inline, more on the heap.
#include "qscore/detail/small_vector.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using qscore::detail::small_vector;

// Strings longer than the small-string buffer own heap memory: a leaked, doubly destroyed or
// shallow-copied element shows under AddressSanitizer, and a wrong value in the checks.
std::string long_text(int i) { return "element number " + std::to_string(i) + " of a small_vector under test"; }

std::vector<std::string> contents(const small_vector<std::string, 1>& v) { return {v.begin(), v.end()}; }

TEST(small_vector, keeps_one_element_inline_and_moves_to_the_heap_beyond_it) {
  small_vector<std::string, 1> v;
  EXPECT_TRUE(v.empty());
  EXPECT_TRUE(v.is_inline());
  EXPECT_EQ(v.capacity(), 1U);
  v.push_back(long_text(0));
  EXPECT_TRUE(v.is_inline());
  EXPECT_EQ(v.size(), 1U);
  // The inline element lies inside the object itself.
  const auto* object = reinterpret_cast<const char*>(&v);
  const auto* element = reinterpret_cast<const char*>(v.data());
  EXPECT_GE(element, object);
  EXPECT_LT(element, object + sizeof(v));
  v.emplace_back(long_text(1));
  v.push_back(long_text(2));
  EXPECT_FALSE(v.is_inline());
  EXPECT_GE(v.capacity(), 3U);
  EXPECT_EQ(contents(v), (std::vector<std::string>{long_text(0), long_text(1), long_text(2)}));
  EXPECT_EQ(v.front(), long_text(0));
  EXPECT_EQ(v.back(), long_text(2));
}

TEST(small_vector, bookkeeping_takes_eight_bytes_beyond_the_inline_element) {
  struct block {
    double values[14];
  };
  EXPECT_EQ(sizeof(small_vector<block, 1>), sizeof(block) + 8);
  EXPECT_EQ(sizeof(small_vector<double, 1>), 16U);  // the heap pointer shares the element's room
}

TEST(small_vector, copies_are_deep_and_independent) {
  for (const int n : {0, 1, 4}) {
    small_vector<std::string, 1> original;
    for (int i = 0; i < n; ++i) original.push_back(long_text(i));
    small_vector<std::string, 1> copy(original);
    EXPECT_EQ(copy, original);
    if (n > 0) {
      copy[0] = "changed";
      EXPECT_EQ(original[0], long_text(0));
      EXPECT_NE(copy.data(), original.data());
    }
    small_vector<std::string, 1> assigned{"a", "b", "c"};
    assigned = original;
    EXPECT_EQ(contents(assigned), contents(original));
    const auto& same = assigned;
    assigned = same;  // self-assignment keeps the elements
    EXPECT_EQ(contents(assigned), contents(original));
  }
}

TEST(small_vector, moves_leave_the_source_empty_inline_or_on_the_heap) {
  small_vector<std::string, 1> one;
  one.push_back(long_text(7));
  small_vector<std::string, 1> moved_one(std::move(one));
  EXPECT_EQ(contents(moved_one), std::vector<std::string>{long_text(7)});
  EXPECT_TRUE(moved_one.is_inline());
  EXPECT_TRUE(one.empty());  // NOLINT(bugprone-use-after-move): moved-from is specified empty

  small_vector<std::string, 1> three{long_text(1), long_text(2), long_text(3)};
  const std::string* heap = three.data();
  small_vector<std::string, 1> moved_three;
  moved_three.push_back("replaced");
  moved_three = std::move(three);
  EXPECT_EQ(moved_three.data(), heap);  // the heap block changes hands, not its elements
  EXPECT_EQ(contents(moved_three), (std::vector<std::string>{long_text(1), long_text(2), long_text(3)}));
  EXPECT_TRUE(three.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(three.is_inline());
  three.push_back("usable again");  // a moved-from vector takes new elements
  EXPECT_EQ(three.size(), 1U);

  // Moves of vectors inside a growing std::vector (a tally's units and cells move so).
  std::vector<small_vector<std::string, 1>> outer;
  for (int i = 0; i < 20; ++i) {
    small_vector<std::string, 1> v;
    for (int k = 0; k <= i % 3; ++k) v.push_back(long_text(i * 10 + k));
    outer.push_back(std::move(v));
  }
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(outer[static_cast<std::size_t>(i)].size(), static_cast<std::size_t>(i % 3 + 1));
    EXPECT_EQ(outer[static_cast<std::size_t>(i)].back(), long_text(i * 10 + i % 3));
  }
}

TEST(small_vector, resize_assign_and_clear_as_std_vector) {
  small_vector<double, 1> v;
  v.resize(3);
  EXPECT_EQ(v.size(), 3U);
  for (const double x : v) EXPECT_EQ(x, 0.0);  // value-initialised
  v[1] = 2.5;
  v.resize(1);
  EXPECT_EQ(v.size(), 1U);
  v.resize(2);
  EXPECT_EQ(v[1], 0.0);
  v.assign(4, 1.5);
  EXPECT_EQ(v.size(), 4U);
  for (const double x : v) EXPECT_EQ(x, 1.5);
  const std::size_t capacity = v.capacity();
  v.clear();
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.capacity(), capacity);  // clear keeps the block, as a tally's reset expects
  v.reserve(1000);
  EXPECT_GE(v.capacity(), 1000U);
}

}  // namespace
