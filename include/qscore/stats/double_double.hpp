// Double-double arithmetic (about 106 significant bits): the number hi + lo with |lo| <= ulp(hi)/2.
// Used where mergeable statistics fold partial results together (moments, co-moments), so that
// the order in which chunks, threads or files are merged does not show in a double result, and
// so that second moments of data with a large mean keep every digit a double can carry.
//
// Algorithms: Knuth's TwoSum, the fma-based TwoProduct, and the "accurate" double-double sum,
// product and quotient of Hida, Li and Bailey (QD library), all in round-to-nearest.
#pragma once

#include <cmath>

namespace qscore::stats {

struct dd {
  double hi = 0.0;
  double lo = 0.0;

  constexpr dd() = default;
  constexpr dd(double value) : hi(value) {}  // NOLINT(google-explicit-constructor): a double is a dd
  constexpr dd(double high, double low) : hi(high), lo(low) {}

  [[nodiscard]] double value() const noexcept { return hi + lo; }
};

namespace dd_detail {

// s + e = a + b exactly.
inline dd two_sum(double a, double b) noexcept {
  const double s = a + b;
  const double bb = s - a;
  const double e = (a - (s - bb)) + (b - bb);
  return {s, e};
}

// s + e = a + b exactly, when |a| >= |b| (or a == 0).
inline dd quick_two_sum(double a, double b) noexcept {
  const double s = a + b;
  return {s, b - (s - a)};
}

// p + e = a * b exactly (barring overflow and underflow).
inline dd two_prod(double a, double b) noexcept {
  const double p = a * b;
  return {p, std::fma(a, b, -p)};
}

}  // namespace dd_detail

inline dd operator+(const dd& a, const dd& b) noexcept {
  const dd s = dd_detail::two_sum(a.hi, b.hi);
  const dd t = dd_detail::two_sum(a.lo, b.lo);
  dd r = dd_detail::quick_two_sum(s.hi, s.lo + t.hi);
  return dd_detail::quick_two_sum(r.hi, r.lo + t.lo);
}

inline dd operator-(const dd& a) noexcept { return {-a.hi, -a.lo}; }
inline dd operator-(const dd& a, const dd& b) noexcept { return a + (-b); }

inline dd operator*(const dd& a, const dd& b) noexcept {
  dd p = dd_detail::two_prod(a.hi, b.hi);
  p.lo += a.hi * b.lo + a.lo * b.hi;
  return dd_detail::quick_two_sum(p.hi, p.lo);
}

inline dd operator/(const dd& a, const dd& b) noexcept {
  // Long division: three quotient digits, each corrected against the exact remainder.
  const double q1 = a.hi / b.hi;
  dd r = a - b * dd(q1);
  const double q2 = r.hi / b.hi;
  r = r - b * dd(q2);
  const double q3 = r.hi / b.hi;
  const dd q = dd_detail::quick_two_sum(q1, q2);
  return q + dd(q3);
}

inline dd& operator+=(dd& a, const dd& b) noexcept { return a = a + b; }

// Exact product of two doubles as a dd.
inline dd exact_product(double a, double b) noexcept { return dd_detail::two_prod(a, b); }

}  // namespace qscore::stats
