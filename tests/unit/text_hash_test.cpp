// detail/text_hash.hpp: the packed form of a short text identifies it (with its length), and
// texts of up to 8 bytes of one length never share a hash.
#include "qscore/detail/text_hash.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

using qscore::detail::hash_text;
using qscore::detail::pack_short_text;

// Every text of length 0..3 over these bytes, and the 4..8-byte texts made of two of them.
std::vector<std::string> short_texts() {
  const std::string alphabet = {'a', 'b', '1', '\0', '\xFF'};
  std::vector<std::string> out = {""};
  for (std::size_t length = 1; length <= 3; ++length) {
    const std::size_t before = out.size();
    for (std::size_t i = 0; i < before; ++i)
      if (out[i].size() == length - 1)
        for (const char c : alphabet) out.push_back(out[i] + c);
  }
  for (std::size_t length = 4; length <= 8; ++length)
    for (std::size_t a = 0; a < length; ++a)
      for (const char c : alphabet) {
        std::string text(length, 'x');
        text[a] = c;
        out.push_back(text);
      }
  return out;
}

TEST(text_hash, packed_text_and_length_identify_a_short_text) {
  // The packed word covers every byte: first/middle/last for 1..3 bytes, two overlapping
  // 4-byte halves for 4..8. So no two different texts of one length share it.
  std::set<std::pair<std::size_t, std::uint64_t>> seen;
  const auto texts = short_texts();
  for (const auto& text : texts) EXPECT_TRUE(seen.insert({text.size(), pack_short_text(text)}).second) << text.size();
  EXPECT_EQ(seen.size(), texts.size());
}

TEST(text_hash, short_texts_of_one_length_never_collide) {
  // fmix64 is a bijection, so distinct packed words of one length give distinct hashes: all
  // 65,536 two-byte texts. Across lengths there is no such guarantee; for these texts none
  // collide either.
  std::unordered_set<std::uint64_t> hashes;
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b) hashes.insert(hash_text(std::string{static_cast<char>(a), static_cast<char>(b)}));
  EXPECT_EQ(hashes.size(), 65536U);
  std::unordered_set<std::uint64_t> across;
  const auto texts = short_texts();
  for (const auto& text : texts) across.insert(hash_text(text));
  EXPECT_EQ(across.size(), texts.size());
}

TEST(text_hash, long_texts_differ_in_any_byte_and_in_length) {
  const std::string base = "respondent-000000000042";  // 23 bytes: two words and a 7-byte tail
  std::unordered_set<std::uint64_t> hashes = {hash_text(base)};
  for (std::size_t i = 0; i < base.size(); ++i) {
    std::string changed = base;
    changed[i] = static_cast<char>(changed[i] ^ 1);
    EXPECT_TRUE(hashes.insert(hash_text(changed)).second) << "byte " << i;
  }
  EXPECT_TRUE(hashes.insert(hash_text(base + '\0')).second);  // one more (zero) byte
  EXPECT_TRUE(hashes.insert(hash_text(base.substr(0, 16))).second);  // exactly two words
  // A million typical ids: no two alike (a repeat among 10^6 random 64-bit hashes has odds 3e-8).
  std::unordered_set<std::uint64_t> ids;
  for (int i = 0; i < 1'000'000; ++i) ids.insert(hash_text("R" + std::to_string(i)));
  EXPECT_EQ(ids.size(), 1'000'000U);
}

}  // namespace
