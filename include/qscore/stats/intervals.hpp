// Confidence intervals and normal-distribution helpers.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

namespace qscore::stats {

// z_{0.975} = qnorm(0.975): every interval qscore reports is a two-sided 95% interval.
inline constexpr double z95 = 1.959963984540054;

struct interval {
  double low = 0.0;
  double high = 0.0;
};

// Wald interval estimate ± z95 · se.
[[nodiscard]] inline interval normal_interval(double estimate, double se) {
  return {estimate - z95 * se, estimate + z95 * se};
}

// Wilson's score interval for a proportion x / n (Wilson 1927; what R's prop.test gives without
// continuity correction):
//   centre = (p̂ + z²/(2n)) / (1 + z²/n),  half = z / (1 + z²/n) · sqrt(p̂(1 − p̂)/n + z²/(4n²)).
[[nodiscard]] inline std::optional<interval> wilson_interval(std::int64_t x, std::int64_t n) {
  if (n <= 0) return std::nullopt;
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(x) / nn;
  const double z2 = z95 * z95;
  const double denominator = 1.0 + z2 / nn;
  const double centre = (p + z2 / (2.0 * nn)) / denominator;
  const double half = z95 / denominator * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
  return interval{std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

// Two-sided p-value of a standard normal statistic: 2 (1 − Φ(|z|)) = erfc(|z| / √2).
[[nodiscard]] inline double two_sided_p(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

}  // namespace qscore::stats
