// Design-based variance of weighted means and of linear combinations of them, by Taylor
// linearisation in a stratified sample (each respondent its own sampling unit), as R's survey
// package computes it (svymean, svyby; Binder 1983, Woodruff 1971).
//
// An estimate θ = Σ_g c_g · ȳ_g, where ȳ_g = Σ_{i∈g} w_i y_i / Σ_{i∈g} w_i is the weighted mean
// of domain g (a respondent group in a unit, say), is linearised as
//   z_i = (c_g / W_g) · w_i · (y_i − ȳ_g)          for i in domain g (0 outside every domain),
// and its variance estimated from the strata h with n_h respondents and population N_h:
//   v(θ) = Σ_h (1 − f_h) · n_h / (n_h − 1) · Σ_{i∈h} (z_i − z̄_h)²,   f_h = n_h / N_h (0 without fpc).
// A stratum holds the rows of one or more domain "parts" (the rows of domain g in stratum h;
// parts of other domains in the same stratum have coefficient 0 and only count in n_h and z̄_h).
// From the tally's centred state the stratum's sum of squares is
//   Σ_{i∈h} (z_i − z̄_h)² = Σ_p k_p² (Saa − 2 ȳ Sab + ȳ² Sbb)_p  +  Σ_p n_p (m_p − z̄_h)²
// with k_p = c_g / W_g, a = w·y and b = w per row (the co_moments of the part), the part's mean
// linearised value m_p = k_p (ā_p − ȳ_g b̄_p) and z̄_h = Σ_p n_p m_p / n_h. Without sampling weights
// (every w = 1) Saa is the part's M2 and Sab = Sbb = 0. Everything is centred, so nothing cancels
// but the between-part term, which vanishes when strata are the domains themselves.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "qscore/stats/moments.hpp"

namespace qscore::stats {

// The rows of one domain within one stratum.
struct design_part {
  double coefficient = 0.0;         // k_p = c_g / W_g; 0 for rows outside the estimate's domains
  double centre = 0.0;              // ȳ_g, the domain's weighted mean
  const moments* m = nullptr;       // weighted moments of y over the part's rows
  const co_moments* c = nullptr;    // co-moments of (w·y, w); null when every weight is 1
};

struct design_stratum {
  std::vector<design_part> parts;
  std::optional<double> population;  // N_h for the finite population correction
};

struct design_variance {
  std::optional<double> variance;  // none when no stratum with two or more rows holds the estimate
  int lonely_strata = 0;           // strata holding the estimate with a single row: no variance
                                   // estimate, so they add nothing (R survey: lonely.psu "certainty")
};

// The same strata laid out one after another: stratum h holds parts[ends[h - 1], ends[h]) (from
// 0 for h = 0) and has population populations[h]. A report takes hundreds of standard errors a
// unit; with a vector of parts per stratum each took an allocation per stratum, a tenth of a
// report's time over 2,000 strata. Cleared and refilled, one of these allocates nothing once it
// has grown.
struct design_strata {
  std::vector<design_part> parts;
  std::vector<std::size_t> ends;
  std::vector<std::optional<double>> populations;

  void clear() {
    parts.clear();
    ends.clear();
    populations.clear();
  }
  // Starts a stratum; the parts added next belong to it.
  void add_stratum(std::optional<double> population) {
    ends.push_back(parts.size());
    populations.push_back(population);
  }
  void add_part(const design_part& part) {
    parts.push_back(part);
    ends.back() = parts.size();
  }
  [[nodiscard]] std::size_t size() const { return ends.size(); }
  [[nodiscard]] std::span<const design_part> stratum(std::size_t h) const {
    const std::size_t first = h == 0 ? 0 : ends[h - 1];
    return {parts.data() + first, ends[h] - first};
  }
};

namespace detail {

// v(θ) summed stratum by stratum (see linearised_variance).
class variance_sum {
 public:
  void add(std::span<const design_part> parts, const std::optional<double>& population) {
    std::int64_t n_h = 0;
    bool holds_estimate = false;
    for (const design_part& p : parts) {
      n_h += p.m->n;
      if (p.coefficient != 0.0 && p.m->n > 0) holds_estimate = true;
    }
    if (!holds_estimate) return;
    if (n_h < 2) {
      ++out_.lonely_strata;
      return;
    }
    any_ = true;
    // Within parts.
    dd within;
    dd weighted_mean_sum;  // Σ_p n_p m_p
    for (const design_part& p : parts) {
      if (p.m->n == 0 || p.coefficient == 0.0) continue;
      const dd k(p.coefficient);
      const dd centre(p.centre);
      dd ss;
      if (p.c != nullptr) ss = p.c->saa - dd(2.0) * centre * p.c->sab + centre * centre * p.c->sbb;
      else ss = p.m->m2;
      within += k * k * ss;
      weighted_mean_sum += dd(static_cast<double>(p.m->n)) * part_mean(p);
    }
    // Between parts (zero when the stratum holds a single part).
    const dd z_bar = weighted_mean_sum / dd(static_cast<double>(n_h));
    dd between;
    if (parts.size() > 1)
      for (const design_part& p : parts) {
        if (p.m->n == 0) continue;
        // m_p rounded to a double, as it is weighed against z̄_h.
        const dd diff = dd(p.coefficient == 0.0 ? 0.0 : part_mean(p).value()) - z_bar;
        between += dd(static_cast<double>(p.m->n)) * diff * diff;
      }
    const double n = static_cast<double>(n_h);
    double scale = n / (n - 1.0);
    if (population) scale *= 1.0 - n / *population;
    total_ += dd(scale) * (within + between);
  }

  [[nodiscard]] design_variance result() const {
    design_variance out = out_;
    if (any_) out.variance = std::max(0.0, total_.value());
    return out;
  }

 private:
  // m_p, the part's mean linearised value.
  static dd part_mean(const design_part& p) {
    const dd k(p.coefficient);
    const dd centre(p.centre);
    if (p.c != nullptr) return k * (p.c->mean_a - centre * p.c->mean_b);
    return k * (p.m->mean - centre);
  }

  design_variance out_;
  dd total_;
  bool any_ = false;
};

}  // namespace detail

// v(θ) as above. A stratum that holds rows of the estimate but only one row in all has no
// variance estimate: it adds nothing and is counted in lonely_strata. None when no stratum with
// two or more rows holds any row of the estimate.
[[nodiscard]] inline design_variance linearised_variance(std::span<const design_stratum> strata) {
  detail::variance_sum sum;
  for (const design_stratum& stratum : strata) sum.add(stratum.parts, stratum.population);
  return sum.result();
}

[[nodiscard]] inline design_variance linearised_variance(const design_strata& strata) {
  detail::variance_sum sum;
  for (std::size_t h = 0; h < strata.size(); ++h) sum.add(strata.stratum(h), strata.populations[h]);
  return sum.result();
}

}  // namespace qscore::stats
