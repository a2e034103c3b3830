// Short numbers read a 64-bit word at a time (SWAR: SIMD within a register), for the values
// every row of a survey file carries: weights ("0.958", detail/decimal.hpp) and numeric
// respondent ids ("20417", data/numeric_id_bitmap.hpp). Byte k of a word is the text's k-th
// byte (little-endian loads); callers check std::endian::native first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace qscore::detail::swar {

inline constexpr std::uint64_t ones = 0x0101010101010101ULL;   // 1 in every byte
inline constexpr std::uint64_t highs = 0x8080808080808080ULL;  // the high bit of every byte

// The n bytes of p (1 <= n <= 8), the first one lowest, the rest 0: two overlapping loads (the
// bytes both hold are equal, so OR-ing them changes nothing), never a byte outside the text.
[[nodiscard]] inline std::uint64_t load_short(const char* p, std::size_t n) noexcept {
  if (n >= 4) {
    std::uint32_t first = 0, last = 0;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    return first | (std::uint64_t{last} << (8 * (n - 4)));
  }
  return static_cast<unsigned char>(p[0]) | (std::uint64_t{static_cast<unsigned char>(p[n / 2])} << (8 * (n / 2))) |
         (std::uint64_t{static_cast<unsigned char>(p[n - 1])} << (8 * (n - 1)));
}

// The high bit of each of the first n bytes (1 <= n <= 8).
[[nodiscard]] constexpr std::uint64_t first_bytes(std::size_t n) noexcept { return highs >> (8 * (8 - n)); }

// The high bit of each byte of v that is 0 (exact: no carry crosses a byte).
[[nodiscard]] constexpr std::uint64_t zero_bytes(std::uint64_t v) noexcept {
  return ~(((v & ~highs) + ~highs) | v) & highs;
}

// A word's bytes XOR '0': digits become their values 0..9, and only digits do.
[[nodiscard]] constexpr std::uint64_t digit_values(std::uint64_t word) noexcept { return word ^ (ones * '0'); }

// The high bit of each byte of digit_values(...) that is not a digit's, i.e. is 10 or more:
// (x & 0x7F) + 0x76 sets the high bit, or x had it.
[[nodiscard]] constexpr std::uint64_t not_digits(std::uint64_t values) noexcept {
  return (((values & ~highs) + ones * 0x76) | values) & highs;
}

// The number written by the digit values in the first `count` bytes of `values` (1 <= count
// <= 8, each 0..9, the first the most significant; other bytes ignored): zero digits in front
// up to eight, then three multiply steps (as in simdjson and fast_float): pairs, quadruples,
// the whole.
[[nodiscard]] constexpr std::uint32_t digits_number(std::uint64_t values, std::size_t count) noexcept {
  std::uint64_t digits = values << (8 * (8 - count));
  digits = digits * 10 + (digits >> 8);
  constexpr std::uint64_t mask = 0x000000FF000000FFULL;
  constexpr std::uint64_t mul1 = 100 + (1000000ULL << 32), mul2 = 1 + (10000ULL << 32);
  return static_cast<std::uint32_t>((((digits & mask) * mul1) + (((digits >> 16) & mask) * mul2)) >> 32);
}

}  // namespace qscore::detail::swar
