// Fast, exact parsing of the plain decimals that fill survey files ("1", "0.958", "12.5").
#pragma once

#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <system_error>

namespace qscore::detail {

// Up to eight bytes: all at once (SWAR), for the weights of survey files ("1", "0.958",
// "1.0137"). The loop below took about 100 instructions a weight, 4 % of a scoring run; this
// takes about 40. Same grammar and the same mantissa and fraction length, so the same double.
inline bool parse_short_decimal(const char* p, std::size_t n, double& value) noexcept {
  static constexpr double powers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7};
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  // The n bytes, the first one lowest, the rest 0: two overlapping loads (the bytes both hold
  // are equal, so OR-ing them changes nothing), never a byte outside the text.
  std::uint64_t word = 0;
  if (n >= 4) {
    std::uint32_t first = 0, last = 0;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    word = first | (std::uint64_t{last} << (8 * (n - 4)));
  } else {
    word = static_cast<unsigned char>(p[0]) | (std::uint64_t{static_cast<unsigned char>(p[n / 2])} << (8 * (n / 2))) |
           (std::uint64_t{static_cast<unsigned char>(p[n - 1])} << (8 * (n - 1)));
  }
  const std::uint64_t used_highs = highs >> (8 * (8 - n));  // the high bit of each of the n bytes
  // A digit byte XOR '0' is its value 0..9, and only digit bytes give 0..9. A byte x is 10 or
  // more when (x & 0x7F) + 0x76 sets its high bit, or x had it: no carry leaves a byte.
  const std::uint64_t values = word ^ (ones * '0');
  const std::uint64_t not_digit = (((values & ~highs) + ones * 0x76) | values) & used_highs;
  const std::uint64_t dot_bytes = word ^ (ones * '.');
  const std::uint64_t dot = ~(((dot_bytes & ~highs) + ~highs) | dot_bytes) & used_highs;  // the '.' bytes
  if ((not_digit & ~dot) != 0 || (dot & (dot - 1)) != 0) return false;  // another byte, or two dots
  std::uint64_t digits = values;
  int fraction = 0;
  std::size_t count = n;
  if (dot != 0) {
    const auto at = static_cast<std::size_t>(std::countr_zero(dot) / 8);
    if (at == 0 || at + 1 == n) return false;  // "." first or last
    const std::uint64_t before = (std::uint64_t{1} << (8 * at)) - 1;
    digits = (values & before) | ((values >> 8) & ~before);  // the digits after the dot move down
    fraction = static_cast<int>(n - 1 - at);
    count = n - 1;
  }
  // Leading zero digits up to eight, then three multiply steps from eight digits to one number
  // (as in simdjson and fast_float): pairs, then quadruples, then the whole.
  digits <<= 8 * (8 - count);
  digits = digits * 10 + (digits >> 8);
  constexpr std::uint64_t mask = 0x000000FF000000FFULL;
  constexpr std::uint64_t mul1 = 100 + (1000000ULL << 32), mul2 = 1 + (10000ULL << 32);
  const auto mantissa = static_cast<std::uint32_t>((((digits & mask) * mul1) + (((digits >> 16) & mask) * mul2)) >> 32);
  value = static_cast<double>(mantissa) / powers[fraction];
  return true;
}

// Parses [digits][.digits] with at most 15 significant digits and 22 fraction digits, which
// std::from_chars would also accept. Both m and 10^k are then exact doubles and one IEEE
// division rounds m / 10^k correctly, so the result is bit-identical to std::from_chars.
// Anything else (signs, exponents, long mantissas) returns false: the caller falls back.
// (A bool and an out-parameter rather than std::optional<double>: this runs once per row, and
// copying the optional through the stack cost a store-forwarding stall, 12 % of a run in perf.)
inline bool parse_plain_decimal(std::string_view text, double& value) noexcept {
  if (std::endian::native == std::endian::little && text.size() - 1 < 8)  // 1..8 bytes
    return parse_short_decimal(text.data(), text.size(), value);
  static constexpr double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  std::uint64_t mantissa = 0;
  int digits = 0, fraction = 0;
  bool point = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      if (mantissa != 0) ++digits;
      if (point) ++fraction;
      if (digits > 15 || fraction > 22) return false;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  value = static_cast<double>(mantissa) / powers[fraction];
  return true;
}

// Any decimal std::from_chars accepts, exactly; the plain ones take the fast path.
inline bool parse_decimal(std::string_view text, double& value) noexcept {
  if (parse_plain_decimal(text, value)) return true;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size();
}

inline std::optional<double> parse_decimal(std::string_view text) noexcept {
  double value = 0.0;
  if (!parse_decimal(text, value)) return std::nullopt;
  return value;
}

}  // namespace qscore::detail
