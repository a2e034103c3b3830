// A small direct-mapped cache of values parsed from short texts, for the weights of a survey
// file: every row carries one ("0.958"), but a file holds few distinct ones (the bench pool:
// about 400 in 10 million rows; post-stratification weights: one per cell). Parsing one took
// 85 instructions and a division, 7 % of a one-thread run (bench/RESULTS.md); a hit is a
// multiply, a load and a compare. A text is its own key (the whole text, packed in a word), so
// a hit gives exactly the value the parser gave for that text: the cache changes no number.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "qscore/detail/swar_digits.hpp"

namespace qscore::detail {

class short_text_cache {
 public:
  // parse(text, value) for `text`, from the cache when this text was parsed before. Only
  // successful parses are kept: a text that fails goes to `parse` every time (its row leaves
  // the fast path anyway). Texts of 1 to 8 bytes without a NUL byte are cached; the packed word
  // (bytes past the text are 0) then tells the text apart from every other such text.
  template <class Parse>
  bool parse(std::string_view text, double& value, Parse parse) {
    const std::size_t n = text.size();
    if (std::endian::native != std::endian::little || n - 1 >= 8) return parse(text, value);
    const std::uint64_t word = swar::load_short(text.data(), n);
    if ((swar::zero_bytes(word) & swar::first_bytes(n)) != 0) return parse(text, value);
    entry& e = entries_[static_cast<std::size_t>((word * 0x9E3779B97F4A7C15ULL) >> (64 - slot_bits))];
    if (e.word == word) {
      value = e.value;
      return true;
    }
    if (!parse(text, value)) return false;
    e.word = word;
    e.value = value;
    return true;
  }

 private:
  static constexpr int slot_bits = 11;  // 2,048 slots of 16 bytes: 32 KB
  struct entry {
    std::uint64_t word = 0;  // 0: empty (a cached text's first byte is not 0)
    double value = 0.0;
  };
  std::array<entry, std::size_t{1} << slot_bits> entries_{};
};

}  // namespace qscore::detail
