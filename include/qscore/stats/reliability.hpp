// Internal consistency of a scale from exact item-pair code counts: Cronbach's alpha (raw and
// standardised), item-rest correlations and alpha if an item is dropped, as R's psych::alpha
// computes them.
//
// With k items and their covariance matrix C (from the respondents counted, see below):
//   raw alpha          α = k/(k − 1) · (1 − tr C / Σ_ab C_ab)
//   standardised alpha α_std = k/(k − 1) · (1 − k / Σ_ab R_ab),  R = the correlations C_ab / √(C_aa C_bb)
//   item-rest r        r_i = (Σ_b C_ib − C_ii) / √(C_ii · Σ_{a,b≠i} C_ab)
//                      (the item against the sum of the other items: psych's r.drop)
//   alpha if dropped   α and α_std of C without row and column i (k ≥ 3)
// Missing answers: listwise, C is the covariance over respondents who answered all k items
// (psych: use = "complete.obs"); pairwise, C_ab is the covariance over respondents who answered
// both a and b, with the means of a and b taken over those respondents too (R's
// cov(use = "pairwise"), psych's default). C_aa is then the variance over everyone who answered a.
//
// The counts are integers and the moments are computed from them in double-double, two-pass
// (means first, then centred products), so the result does not depend on how the tally was cut.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "qscore/stats/double_double.hpp"

namespace qscore::stats {

struct item_reliability {
  std::int64_t n = 0;                           // respondents who answered the item (among those counted)
  std::optional<double> item_rest_r;            // corrected item-total correlation
  std::optional<double> alpha_if_dropped;       // raw alpha of the other items
  std::optional<double> alpha_std_if_dropped;   // standardised alpha of the other items
};

struct scale_reliability {
  std::optional<double> alpha;       // raw
  std::optional<double> alpha_std;   // standardised
  std::optional<double> average_r;   // mean inter-item correlation
  std::vector<item_reliability> items;
};

namespace detail {

inline std::optional<double> finite(double x) {
  if (!std::isfinite(x)) return std::nullopt;
  return x;
}

// psych's alpha.1 on the items `keep` of C (and of R).
inline void alpha_of(const std::vector<std::vector<double>>& c, const std::vector<std::vector<double>>& r,
                     const std::vector<std::size_t>& keep, std::optional<double>& raw,
                     std::optional<double>& standardised, std::optional<double>* average = nullptr) {
  const double k = static_cast<double>(keep.size());
  if (keep.size() < 2) return;
  dd trace, total, total_r;
  for (const std::size_t a : keep) {
    trace += dd(c[a][a]);
    for (const std::size_t b : keep) {
      total += dd(c[a][b]);
      total_r += dd(r[a][b]);
    }
  }
  raw = finite((1.0 - trace.value() / total.value()) * (k / (k - 1.0)));
  standardised = finite((1.0 - k / total_r.value()) * (k / (k - 1.0)));
  if (average != nullptr) *average = finite((total_r.value() - k) / (k * (k - 1.0)));
}

}  // namespace detail

// `counts` holds, for a ≤ b < k and codes c, d < rows, counts[((a·k + b)·rows + c)·rows + d]: the
// respondents who gave code c on item a and code d on item b (the tally's reliability table).
// `points[a][c]` is what code c of item a is worth, or none when it is not an answer (blank,
// "don't know").
[[nodiscard]] inline scale_reliability reliability_from_pairs(
    std::size_t k, std::size_t rows, const std::int64_t* counts,
    const std::vector<std::vector<std::optional<double>>>& points) {
  scale_reliability out;
  out.items.resize(k);
  if (k == 0) return out;
  std::vector<std::vector<double>> c(k, std::vector<double>(k, std::nan("")));
  bool complete = true;
  for (std::size_t a = 0; a < k; ++a) {
    for (std::size_t b = a; b < k; ++b) {
      const std::int64_t* table = counts + (a * k + b) * rows * rows;
      // Pass 1: n and the means over respondents who answered both.
      std::int64_t n = 0;
      dd sum_a, sum_b;
      for (std::size_t x = 0; x < rows; ++x) {
        if (!points[a][x]) continue;
        for (std::size_t y = 0; y < rows; ++y) {
          const std::int64_t count = table[x * rows + y];
          if (count == 0 || !points[b][y]) continue;
          n += count;
          sum_a += dd(static_cast<double>(count)) * dd(*points[a][x]);
          sum_b += dd(static_cast<double>(count)) * dd(*points[b][y]);
        }
      }
      if (a == b) out.items[a].n = n;
      if (n < 2) {
        complete = false;
        continue;
      }
      const dd mean_a = sum_a / dd(static_cast<double>(n));
      const dd mean_b = sum_b / dd(static_cast<double>(n));
      // Pass 2: centred cross products.
      dd cross;
      for (std::size_t x = 0; x < rows; ++x) {
        if (!points[a][x]) continue;
        const dd da = dd(*points[a][x]) - mean_a;
        for (std::size_t y = 0; y < rows; ++y) {
          const std::int64_t count = table[x * rows + y];
          if (count == 0 || !points[b][y]) continue;
          cross += dd(static_cast<double>(count)) * da * (dd(*points[b][y]) - mean_b);
        }
      }
      c[a][b] = c[b][a] = (cross / dd(static_cast<double>(n - 1))).value();
    }
  }
  if (!complete || k < 2) return out;
  std::vector<std::vector<double>> r(k, std::vector<double>(k, 0.0));
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = 0; b < k; ++b) r[a][b] = c[a][b] / std::sqrt(c[a][a] * c[b][b]);
  // cov2cor sets the diagonal to exactly 1.
  for (std::size_t a = 0; a < k; ++a) r[a][a] = 1.0;

  std::vector<std::size_t> all(k);
  for (std::size_t a = 0; a < k; ++a) all[a] = a;
  detail::alpha_of(c, r, all, out.alpha, out.alpha_std, &out.average_r);
  for (std::size_t i = 0; i < k; ++i) {
    std::vector<std::size_t> rest;
    for (std::size_t a = 0; a < k; ++a)
      if (a != i) rest.push_back(a);
    if (k >= 3) detail::alpha_of(c, r, rest, out.items[i].alpha_if_dropped, out.items[i].alpha_std_if_dropped);
    dd rest_total, item_rest;
    for (const std::size_t a : rest) {
      item_rest += dd(c[i][a]);
      for (const std::size_t b : rest) rest_total += dd(c[a][b]);
    }
    out.items[i].item_rest_r = detail::finite(item_rest.value() / std::sqrt(c[i][i] * rest_total.value()));
  }
  return out;
}

}  // namespace qscore::stats
