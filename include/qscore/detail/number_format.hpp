// Locale-independent number formatting for the writers (std::to_chars: never affected by the
// global locale, always '.' as the decimal point).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace qscore::detail {

// Shortest form that reads back as the same double ("0.1", "72.1", "1e-07"). NaN and infinities
// are written as "nan", "inf", "-inf" (reports never hold them).
[[nodiscard]] inline std::string format_shortest(double value) {
  if (value == 0.0) value = 0.0;  // no "-0"
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc{} ? std::string(buffer, end) : std::string("nan");
}

// Fixed-point with `decimals` digits after the point ("72.10"); rounding is to nearest, ties to
// even on the binary value, as printf does. A result that rounds to zero is written without a
// minus sign.
[[nodiscard]] inline std::string format_fixed(double value, int decimals) {
  if (decimals < 0) decimals = 0;
  if (decimals > 17) decimals = 17;
  if (!std::isfinite(value)) return format_shortest(value);
  char buffer[400];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) return format_shortest(value);
  std::string out(buffer, end);
  if (out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

[[nodiscard]] inline std::string format_integer(std::int64_t value) { return std::to_string(value); }

}  // namespace qscore::detail
