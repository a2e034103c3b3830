// key_index against std::map: every key of lengths 0 to 20 built from a small alphabet (so that
// keys differ in one byte at any position, short keys in the packed word and long ones past
// their first 8 bytes), registered twice with different values (the first must win), then
// looked up along with keys never added.
#include "qscore/plan/key_index.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace {

std::string random_key(std::mt19937& random, std::size_t length) {
  std::string key(length, 'a');
  for (char& c : key) c = "ab\0\xe6"[random() % 4];  // a NUL and a byte above 127 as well
  return key;
}

TEST(key_index, finds_what_a_map_finds_and_keeps_the_first_registration) {
  std::mt19937 random(7);
  qscore::key_index index;
  std::map<std::string, int> reference;
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < 6000; ++i) {
      const std::string key = random_key(random, static_cast<std::size_t>(i % 21));
      const int value = round * 100000 + i;
      index.add(key, value);
      reference.emplace(key, value);  // emplace keeps the first, as add must
    }
  EXPECT_EQ(index.size(), reference.size());
  EXPECT_GT(reference.size(), 5000U);  // enough keys for the table to grow many times
  for (const auto& [key, value] : reference) EXPECT_EQ(index.find(key), value) << "key of " << key.size() << " bytes";
  std::size_t absent = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string key = random_key(random, static_cast<std::size_t>(i % 23));
    const auto found = reference.find(key);
    if (found == reference.end()) {
      ++absent;
      EXPECT_FALSE(index.find(key).has_value()) << "key of " << key.size() << " bytes";
    } else {
      EXPECT_EQ(index.find(key), found->second);
    }
  }
  EXPECT_GT(absent, 1000U);
}

TEST(key_index, an_empty_index_finds_nothing) {
  const qscore::key_index index;
  EXPECT_FALSE(index.find("").has_value());
  EXPECT_FALSE(index.find("u01").has_value());
  qscore::key_index with_empty_key;
  with_empty_key.add("", 3);
  EXPECT_EQ(with_empty_key.find(""), 3);
  EXPECT_FALSE(with_empty_key.find("a").has_value());
}

}  // namespace
