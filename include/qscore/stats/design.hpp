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

#include <cmath>
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

// v(θ) as above. A stratum that holds rows of the estimate but only one row in all has no
// variance estimate: it adds nothing and is counted in lonely_strata. None when no stratum with
// two or more rows holds any row of the estimate.
[[nodiscard]] inline design_variance linearised_variance(std::span<const design_stratum> strata) {
  design_variance out;
  dd total;
  bool any = false;
  for (const design_stratum& stratum : strata) {
    std::int64_t n_h = 0;
    bool holds_estimate = false;
    for (const design_part& p : stratum.parts) {
      n_h += p.m->n;
      if (p.coefficient != 0.0 && p.m->n > 0) holds_estimate = true;
    }
    if (!holds_estimate) continue;
    if (n_h < 2) {
      ++out.lonely_strata;
      continue;
    }
    any = true;
    // Within parts.
    dd within;
    std::vector<double> part_mean(stratum.parts.size(), 0.0);
    dd weighted_mean_sum;  // Σ_p n_p m_p
    for (std::size_t i = 0; i < stratum.parts.size(); ++i) {
      const design_part& p = stratum.parts[i];
      if (p.m->n == 0 || p.coefficient == 0.0) continue;
      const dd k(p.coefficient);
      const dd centre(p.centre);
      dd ss;
      dd mean_z;
      if (p.c != nullptr) {
        ss = p.c->saa - dd(2.0) * centre * p.c->sab + centre * centre * p.c->sbb;
        mean_z = k * (p.c->mean_a - centre * p.c->mean_b);
      } else {
        ss = p.m->m2;
        mean_z = k * (p.m->mean - centre);
      }
      within += k * k * ss;
      part_mean[i] = mean_z.value();
      weighted_mean_sum += dd(static_cast<double>(p.m->n)) * mean_z;
    }
    // Between parts (zero when the stratum holds a single part).
    const dd z_bar = weighted_mean_sum / dd(static_cast<double>(n_h));
    dd between;
    for (std::size_t i = 0; i < stratum.parts.size(); ++i) {
      const design_part& p = stratum.parts[i];
      if (p.m->n == 0) continue;
      const dd diff = dd(part_mean[i]) - z_bar;
      between += dd(static_cast<double>(p.m->n)) * diff * diff;
    }
    if (stratum.parts.size() == 1) between = dd(0.0);
    const double n = static_cast<double>(n_h);
    double scale = n / (n - 1.0);
    if (stratum.population) scale *= 1.0 - n / *stratum.population;
    total += dd(scale) * (within + between);
  }
  if (any) out.variance = std::max(0.0, total.value());
  return out;
}

}  // namespace qscore::stats
