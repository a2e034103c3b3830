// Mergeable moments: the state behind every mean, SD and standard error qscore reports.
//
// Boost.Accumulators cannot merge two accumulator sets, and its (lazy) variance divides by n and
// cancels badly when the mean is large next to the spread. Tallies merge across batches, threads
// and files, so they keep their own state here:
//
//   moments      n, W = Σw, the weighted mean and M2 = Σ w (y − mean)², plus min and max;
//   co_moments   n, the means of a and b and the centred sums Saa, Sab, Sbb of a pair of
//                variables per row (the design-based variance uses a = w·y, b = w);
//   moment_block the plain-double sums of one block of rows, taken about a shift.
//
// How the digits are kept. Within a block (a fixed run of rows, see tally.hpp), each value is
// taken as d = y − y0 where y0 is the block's first value, and Σw, Σw·d, Σw·d² are plain double
// sums: no cancellation of the mean against itself (NIST NumAcc4, values near 1e9 with SD 0.1,
// keeps its digits). At the end of a block the sums become a centred block state
// (mean_b = y0 + Σw·d / W_b, M2_b = Σw·d² − (Σw·d)² / W_b), which joins the running state by
// Chan, Golub and LeVeque's pairwise update, carried out in double-double:
//   W = Wa + Wb,  δ = mean_b − mean_a,  mean = mean_a + δ·Wb/W,  M2 = M2a + M2b + δ²·Wa·Wb/W.
// The same update merges whole tallies, so a merged tally equals a single pass far below what a
// double result shows (the update terms are formed in double, see merge()).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "qscore/stats/double_double.hpp"

namespace qscore::stats {

struct moments {
  std::int64_t n = 0;
  dd w;     // Σ w
  dd mean;  // Σ w y / Σ w (0 while W = 0)
  dd m2;    // Σ w (y − mean)²
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  // Chan et al.'s pairwise update.
  void merge(const moments& other) {
    if (other.n == 0) return;
    if (n == 0) {
      *this = other;
      return;
    }
    n += other.n;
    min = std::min(min, other.min);
    max = std::max(max, other.max);
    const dd total = w + other.w;
    if (other.w.hi == 0.0) {  // zero weights add rows but no mass
      m2 += other.m2;
      return;
    }
    if (w.hi == 0.0) {
      w = total;
      mean = other.mean;
      m2 += other.m2;
      return;
    }
    // δ is taken exactly (in double-double); the update terms δ·Wb/W and δ²·Wa·Wb/W are small
    // next to what they join and are formed in double: their rounding (1e-16 of the term) is far
    // below a double's resolution of the result.
    const double delta = (other.mean - mean).value();
    const double ratio = other.w.value() / total.value();
    mean += dd(delta * ratio);
    m2 += other.m2;
    m2 += dd(delta * delta * w.value() * ratio);
    w = total;
  }

  [[nodiscard]] double weight() const { return w.value(); }
  [[nodiscard]] std::optional<double> mean_value() const {
    if (n == 0 || !(w.hi > 0.0)) return std::nullopt;
    return mean.value();
  }
  // Sample variance with the n − 1 correction. With weights it is
  //   Σ w (y − ȳ)² / W · n / (n − 1),
  // which is the usual s² when every weight is 1 (frequency weights would use W − 1 instead).
  [[nodiscard]] std::optional<double> variance() const {
    if (n < 2 || !(w.hi > 0.0)) return std::nullopt;
    const dd v = m2 / w * dd(static_cast<double>(n)) / dd(static_cast<double>(n - 1));
    return std::max(0.0, v.value());
  }
  [[nodiscard]] std::optional<double> sd() const {
    const auto v = variance();
    if (!v) return std::nullopt;
    return std::sqrt(*v);
  }
};

// Centred sums of a pair of variables over rows (unweighted).
struct co_moments {
  std::int64_t n = 0;
  dd mean_a, mean_b;
  dd saa, sab, sbb;  // Σ (a − ā)², Σ (a − ā)(b − b̄), Σ (b − b̄)²

  void merge(const co_moments& other) {
    if (other.n == 0) return;
    if (n == 0) {
      *this = other;
      return;
    }
    const std::int64_t total = n + other.n;
    const double da = (other.mean_a - mean_a).value();
    const double db = (other.mean_b - mean_b).value();
    const double ratio = static_cast<double>(other.n) / static_cast<double>(total);
    const double cross = static_cast<double>(n) * ratio;  // na · nb / n
    mean_a += dd(da * ratio);
    mean_b += dd(db * ratio);
    saa += other.saa;
    saa += dd(da * da * cross);
    sab += other.sab;
    sab += dd(da * db * cross);
    sbb += other.sbb;
    sbb += dd(db * db * cross);
    n = total;
  }
};

// The plain-double sums of one block of rows, about the block's first values.
struct moment_block {
  std::int64_t n = 0;
  double y0 = 0.0, a0 = 0.0, b0 = 0.0;   // shifts: the block's first y, w·y and w
  double sw = 0.0, swd = 0.0, swdd = 0.0;  // Σw, Σw·d, Σw·d² with d = y − y0
  double sda = 0.0, sdb = 0.0, sdaa = 0.0, sdab = 0.0, sdbb = 0.0;  // about (a0, b0)
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  // Adds one row. `pairs`: also keep the (w·y, w) co-moments (only needed with sampling weights).
  void add(double y, double w, bool pairs) {
    if (n == 0) {
      y0 = y;
      a0 = w * y;
      b0 = w;
    }
    ++n;
    min = std::min(min, y);
    max = std::max(max, y);
    const double d = y - y0;
    const double wd = w * d;
    sw += w;
    swd += wd;
    swdd += wd * d;
    if (pairs) {
      const double da = w * y - a0;
      const double db = w - b0;
      sda += da;
      sdb += db;
      sdaa += da * da;
      sdab += da * db;
      sdbb += db * db;
    }
  }

  // Joins the block to the running state and empties the block.
  void fold_into(moments& m, co_moments* c) {
    if (n == 0) return;
    moments b;
    b.n = n;
    b.w = dd(sw);
    b.min = min;
    b.max = max;
    if (sw > 0.0) {
      // y0 + Σw·d / W exactly as a pair: the quotient is a small correction to y0.
      b.mean = dd_detail::two_sum(y0, swd / sw);
      b.m2 = dd(std::max(0.0, swdd - swd * (swd / sw)));
    } else {
      b.mean = dd(y0);
    }
    m.merge(b);
    if (c != nullptr) {
      co_moments p;
      p.n = n;
      const double count = static_cast<double>(n);
      p.mean_a = dd_detail::two_sum(a0, sda / count);
      p.mean_b = dd_detail::two_sum(b0, sdb / count);
      p.saa = dd(std::max(0.0, sdaa - sda * (sda / count)));
      p.sab = dd(sdab - sda * (sdb / count));
      p.sbb = dd(std::max(0.0, sdbb - sdb * (sdb / count)));
      c->merge(p);
    }
    *this = moment_block{};
  }
};

// One stream of values with weights, folded every `block` values: what a tally does per cell.
// Used by tests (NIST StRD) and by programs that want the tally's numbers for a plain sequence.
class moment_stream {
 public:
  explicit moment_stream(std::int64_t block = 1024, bool pairs = false) : block_(block), pairs_(pairs) {}
  void add(double y, double w = 1.0) {
    pending_.add(y, w, pairs_);
    if (pending_.n == block_) flush();
  }
  void flush() { pending_.fold_into(m_, pairs_ ? &c_ : nullptr); }
  [[nodiscard]] const moments& state() {
    flush();
    return m_;
  }
  [[nodiscard]] const co_moments& pairs() {
    flush();
    return c_;
  }

 private:
  std::int64_t block_;
  bool pairs_;
  moment_block pending_;
  moments m_;
  co_moments c_;
};

}  // namespace qscore::stats
