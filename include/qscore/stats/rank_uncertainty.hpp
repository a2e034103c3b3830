// Rank uncertainty: is a unit distinguishable from its neighbour in the ranking, and which ranks
// could it plausibly hold?
//
// Adjacent pairs. Units a (ranked higher) and b are independent samples, so the difference of
// their totals has standard error se = sqrt(se_a² + se_b²); z = (T_a − T_b) / se, p = 2(1 − Φ(|z|)),
// and the totals differ at the 5% level when p < 0.05.
//
// Rank intervals by parametric bootstrap: in each of R replicates every unit's total is drawn as
// T_u + se_u · Z_u with Z_u standard normal, the draws are ranked (1 = highest), and the unit's
// rank interval is the 2.5% and 97.5% quantiles of its R ranks (inverse of the empirical
// distribution, R's quantile type 1). The random numbers come from xoshiro256** (Blackman and
// Vigna) seeded through splitmix64 and Marsaglia's polar method, all written out here, so a seed
// gives the same intervals on every platform and standard library (std::normal_distribution is
// not specified exactly and differs between them).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "qscore/detail/ordered_parallel.hpp"
#include "qscore/detail/xoshiro.hpp"

namespace qscore::stats {

// Standard normal variates from xoshiro256** by Marsaglia's polar method (uses only +, ×, ÷,
// log and sqrt, so the draws are the same everywhere).
class normal_variates {
 public:
  explicit normal_variates(std::uint64_t seed) : uniform_(seed) {}

  // Standard normal by Marsaglia's polar method (uses only +, ×, ÷, log and sqrt).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    while (true) {
      const double u = 2.0 * uniform_.uniform() - 1.0;
      const double v = 2.0 * uniform_.uniform() - 1.0;
      const double s = u * u + v * v;
      if (s >= 1.0 || s == 0.0) continue;
      const double factor = std::sqrt(-2.0 * std::log(s) / s);
      spare_ = v * factor;
      has_spare_ = true;
      return u * factor;
    }
  }

 private:
  qscore::detail::xoshiro256ss uniform_;  // qualified: stats::detail is another namespace
  double spare_ = 0.0;
  bool has_spare_ = false;
};

namespace detail {

// A key whose unsigned order is the descending order of x: the IEEE bits with the sign bit set
// for x >= 0 and all bits flipped for x < 0 ascend with x; flipping them all again descends.
// -0.0 is taken as +0.0 (x + 0.0), so the two tie as they compare equal. x must not be NaN.
[[nodiscard]] inline std::uint64_t descending_key(double x) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(x + 0.0);
  const std::uint64_t ascending = (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
  return ~ascending;
}

struct keyed_unit {
  std::uint64_t key = 0;
  std::uint32_t unit = 0;
};

// Sorts by key, stably (equal keys keep their order). From 512 entries on by radix, least
// significant digit first, 11 bits a pass; a pass whose digit is the same for every entry (the
// draws' high bits mostly are) is skipped. Fewer entries are merge-sorted: clearing the 2,048
// counters of each pass cost more than the sort (8 ms per report of 3 units, against < 1 ms).
// `scratch` is a buffer of the same size.
inline void stable_sort_by_key(std::vector<keyed_unit>& entries, std::vector<keyed_unit>& scratch) {
  if (entries.size() < 512) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const keyed_unit& a, const keyed_unit& b) { return a.key < b.key; });
    return;
  }
  constexpr unsigned digit_bits = 11;
  constexpr std::size_t buckets = std::size_t{1} << digit_bits;
  std::vector<std::size_t> start(buckets);
  for (unsigned shift = 0; shift < 64; shift += digit_bits) {
    std::fill(start.begin(), start.end(), 0);
    for (const keyed_unit& e : entries) ++start[(e.key >> shift) & (buckets - 1)];
    if (std::find(start.begin(), start.end(), entries.size()) != start.end()) continue;
    std::size_t next = 0;
    for (std::size_t& count : start) next += std::exchange(count, next);
    for (const keyed_unit& e : entries) scratch[start[(e.key >> shift) & (buckets - 1)]++] = e;
    entries.swap(scratch);
  }
}

}  // namespace detail

struct rank_interval {
  int low = 0;
  int high = 0;
};

// Rank intervals for units with totals `total` and standard errors `se` (a missing SE counts as
// 0: the unit's total is taken as known). Returns one interval per unit, in input order. The
// replicates are ranked on up to `threads` threads; the intervals are the same for any count.
[[nodiscard]] inline std::vector<rank_interval> bootstrap_rank_intervals(
    const std::vector<double>& total, const std::vector<std::optional<double>>& se, int replicates,
    std::uint64_t seed, unsigned threads = 1) {
  const std::size_t units = total.size();
  std::vector<rank_interval> out(units);
  if (units == 0 || replicates <= 0) return out;
  threads = std::max(1U, threads);
  normal_variates rng(seed);
  // ranks[r * units + u] = unit u's rank in replicate r: R x units ranks of 4 bytes. (A table of
  // how often each unit held each rank took units^2 x 8 bytes: 200 MB for 5,000 units, 3.2 GB
  // for 20,000.) A replicate's ranks are one row, written by the one thread that sorted its
  // draws, so threads never write the same cache line; the quantiles below gather each unit's
  // ranks 16 units at a time.
  const auto r_count = static_cast<std::size_t>(replicates);
  // Not zero-filled: each row is a permutation of 1 .. units, so every entry is written.
  const auto ranks = std::make_unique_for_overwrite<std::uint32_t[]>(r_count * units);
  // The draws are made on this thread, replicate by replicate and unit by unit from one stream,
  // so every thread count ranks the same numbers; each replicate's draws are then sorted in
  // descending order (a stable radix sort of order-preserving keys, detail::descending_key, so
  // exact ties, only possible with zero SEs, stay in input order) on any thread, a wave of
  // replicates at a time. A stable comparison sort of unit indices by draw took 0.50 s of a
  // 5,000-unit run and a sort of (draw, unit) pairs 0.45 s, most of it in the sort.
  const std::size_t wave = std::min(r_count, std::size_t{16} * threads);
  std::vector<std::uint64_t> keys(wave * units);
  for (std::size_t first = 0; first < r_count; first += wave) {
    const std::size_t count = std::min(wave, r_count - first);
    for (std::size_t k = 0; k < count; ++k)
      for (std::size_t u = 0; u < units; ++u)
        keys[k * units + u] = detail::descending_key(total[u] + se[u].value_or(0.0) * rng.normal());
    qscore::detail::parallel_for(count, threads, [&](std::size_t k) {
      // Kept per thread: from 8,192 units the pair is above malloc's mmap threshold, and a fresh
      // pair per replicate would be mapped, faulted in and unmapped every time.
      thread_local std::vector<detail::keyed_unit> drawn, scratch;
      drawn.resize(units);
      scratch.resize(units);
      for (std::size_t u = 0; u < units; ++u) drawn[u] = {keys[k * units + u], static_cast<std::uint32_t>(u)};
      detail::stable_sort_by_key(drawn, scratch);
      std::uint32_t* const row = ranks.get() + (first + k) * units;
      for (std::size_t position = 0; position < units; ++position)
        row[drawn[position].unit] = static_cast<std::uint32_t>(position + 1);
    });
  }
  // Type 1 quantile: the k-th smallest of the unit's R ranks, k = ⌈p · R⌉ (at least 1), i.e. the
  // smallest rank whose cumulative count reaches k.
  const auto kth_of = [&](double p) {
    const auto needed = static_cast<std::int64_t>(std::ceil(p * static_cast<double>(replicates) - 1e-9));
    return std::min(static_cast<std::size_t>(std::max<std::int64_t>(needed, 1)), r_count);
  };
  const std::size_t low_k = kth_of(0.025), high_k = kth_of(0.975);
  // Units 16 at a time (a cache line of each row): their ranks gathered replicate by replicate.
  // A unit's ranks mostly lie in a narrow band, so the k-th smallest is read off a count of
  // each rank from the lowest to the highest (two nth_element calls over the R ranks took a
  // quarter of the time of 1,000 replicates of 5,000 units); a wide band is selected.
  constexpr std::size_t block = 16;
  qscore::detail::parallel_for((units + block - 1) / block, threads, [&](std::size_t b) {
    const std::size_t first_unit = b * block, block_units = std::min(block, units - first_unit);
    thread_local std::vector<std::uint32_t> unit_ranks, rank_counts;
    unit_ranks.resize(block_units * r_count);
    for (std::size_t r = 0; r < r_count; ++r)
      for (std::size_t i = 0; i < block_units; ++i) unit_ranks[i * r_count + r] = ranks[r * units + first_unit + i];
    for (std::size_t i = 0; i < block_units; ++i) {
      const auto begin = unit_ranks.begin() + static_cast<std::ptrdiff_t>(i * r_count);
      const auto end = begin + static_cast<std::ptrdiff_t>(r_count);
      const auto [lowest, highest] = std::minmax_element(begin, end);
      const std::size_t band = *highest - *lowest + 1;
      if (band <= 4 * r_count) {
        rank_counts.assign(band, 0);
        for (auto r = begin; r != end; ++r) ++rank_counts[*r - *lowest];
        std::size_t seen = 0, rank = 0;
        const auto kth = [&](std::size_t k) {  // k >= the last k asked for
          while (seen + rank_counts[rank] < k) seen += rank_counts[rank++];
          return static_cast<int>(*lowest + rank);
        };
        const int low_rank = kth(low_k);
        out[first_unit + i] = {low_rank, kth(high_k)};
        continue;
      }
      const auto low = begin + static_cast<std::ptrdiff_t>(low_k - 1);
      const auto high = begin + static_cast<std::ptrdiff_t>(high_k - 1);
      std::nth_element(begin, low, end);
      const auto low_rank = static_cast<int>(*low);
      // high_k >= low_k: the high_k-th smallest is `low` itself or lies after it.
      if (high != low) std::nth_element(low + 1, high, end);
      out[first_unit + i] = {low_rank, static_cast<int>(*high)};
    }
  });
  return out;
}

}  // namespace qscore::stats
