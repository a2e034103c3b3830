// Hashing short texts (respondent ids, group and unit keys) a word at a time.
//
// The readers hash one id and look up two keys per row. FNV-1a goes byte by byte through a
// chain of dependent multiplications (about 4 cycles a byte); here a text of up to 8 bytes is
// one load pair and one mix, and longer texts take 8 bytes per step. The mix is the finaliser of
// MurmurHash3 (fmix64), which spreads every input bit over the whole word, so the 64-bit
// hashes still behave like random numbers (respondent_ids.hpp counts on that).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace qscore::detail {

// The bytes of a text of at most 8 bytes in one word; with the length, this identifies the
// text: 4..8 bytes are read as two overlapping 4-byte halves that cover every byte, 1..3 bytes
// as the first, middle and last byte.
[[nodiscard, gnu::always_inline]] inline std::uint64_t pack_short_text(std::string_view text) noexcept {
  const std::size_t n = text.size();
  const char* const p = text.data();
  if (n >= 4) {
    std::uint32_t first = 0, last = 0;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    return first | (std::uint64_t{last} << 32);
  }
  if (n == 0) return 0;
  return static_cast<unsigned char>(p[0]) | (std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8) |
         (std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16);
}

[[nodiscard]] inline std::uint64_t mix64(std::uint64_t h) noexcept {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 33;
  return h;
}

// A 64-bit hash of any text: the length and each 8-byte word (the last one packed as above)
// folded in by multiplication, then mixed.
[[nodiscard]] inline std::uint64_t hash_text(std::string_view text) noexcept {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (text.size() * 0xC2B2AE3D27D4EB4FULL);
  while (text.size() > 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data(), 8);
    h = (h ^ mix64(word)) * 0x9E3779B97F4A7C15ULL;
    text.remove_prefix(8);
  }
  return mix64(h ^ pack_short_text(text));
}

}  // namespace qscore::detail
