// A sum carried in two doubles (about 106 significant bits), so that adding millions of
// respondent scores loses nothing a double result could show, and partial sums from chunks,
// threads or files merge to the same double whatever the grouping.
#pragma once

namespace qscore {

class compensated_sum {
 public:
  void add(double x) noexcept { add_pair(x, 0.0); }
  void add(const compensated_sum& other) noexcept { add_pair(other.hi_, other.lo_); }
  // Adds a * b exactly: the product's rounding error, taken with a fused multiply-add, joins as
  // the low part.
  void add_product(double a, double b) noexcept {
    const double product = a * b;
    add_pair(product, __builtin_fma(a, b, -product));
  }

  [[nodiscard]] double value() const noexcept { return hi_ + lo_; }
  [[nodiscard]] double high() const noexcept { return hi_; }
  [[nodiscard]] double low() const noexcept { return lo_; }

  // value() / divisor with the remainder taken into account: exact sums of n identical values
  // divide back to that value.
  [[nodiscard]] double divided_by(double divisor) const noexcept {
    const double q = hi_ / divisor;
    // hi - q*divisor, exactly, with a fused multiply-add; then the low part joins it.
    const double remainder = __builtin_fma(-q, divisor, hi_) + lo_;
    return q + remainder / divisor;
  }

  // value() / divisor.value() without rounding either sum to a double first. A sum of sampling
  // weights such as 10^6 × 0.7 needs more bits than a double holds; dividing x·W (exact) by W
  // rounded to a double gives x·(1 + δ), a bit off x. Here the remainder
  // (hi + lo) − q·(divisor.hi + divisor.lo) is taken in full, so x·W / W is x.
  [[nodiscard]] double divided_by(const compensated_sum& divisor) const noexcept {
    const double q = hi_ / divisor.hi_;
    const double qd = q * divisor.hi_;
    const double qd_error = __builtin_fma(q, divisor.hi_, -qd);  // q·divisor.hi = qd + qd_error
    const double remainder = (hi_ - qd) - qd_error + lo_ - q * divisor.lo_;
    return q + remainder / divisor.hi_;
  }

 private:
  // Knuth's TwoSum of (hi_, lo_) + (x_hi, x_lo), renormalised (Dekker/Shewchuk double-double).
  void add_pair(double x_hi, double x_lo) noexcept {
    const double s = hi_ + x_hi;
    const double bb = s - hi_;
    const double err = (hi_ - (s - bb)) + (x_hi - bb);
    const double lo = err + lo_ + x_lo;
    hi_ = s + lo;
    lo_ = lo - (hi_ - s);
  }

  double hi_ = 0.0;
  double lo_ = 0.0;
};

}  // namespace qscore
