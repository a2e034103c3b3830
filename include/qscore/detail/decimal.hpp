// Fast, exact parsing of the plain decimals that fill survey files ("1", "0.958", "12.5").
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace qscore::detail {

// Parses [digits][.digits] with at most 15 significant digits and 22 fraction digits, which
// std::from_chars would also accept. Both m and 10^k are then exact doubles and one IEEE
// division rounds m / 10^k correctly, so the result is bit-identical to std::from_chars.
// Anything else (signs, exponents, long mantissas) returns false: the caller falls back.
// (A bool and an out-parameter rather than std::optional<double>: this runs once per row, and
// copying the optional through the stack cost a store-forwarding stall, 12 % of a run in perf.)
inline bool parse_plain_decimal(std::string_view text, double& value) noexcept {
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
