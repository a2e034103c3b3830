// Exact, mergeable counts of values, and quantiles from them.
//
// `count_map` counts int64 keys (an open-addressing hash table: no allocation per value once a
// key has been seen). Counts are integers, so merging in any order gives the same counts; the
// quantiles are read from the keys in sorted order, so they do not depend on the order either.
//
// For ordinal data (answers to an item) the keys are the answer codes, and the quantiles are
// exact. For derived scores (a respondent's mean over items) the key is the score rounded to a
// grid of 1/score_grid points, and the quantiles are exact to that grid.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace qscore::stats {

class count_map {
 public:
  void add(std::int64_t key, std::int64_t count = 1) {
    if ((size_ + 1) * 4 > keys_.size() * 3) grow();
    std::size_t slot = hash(key);
    while (true) {
      if (keys_[slot] == key) {
        counts_[slot] += count;
        return;
      }
      if (keys_[slot] == empty_key) {
        keys_[slot] = key;
        counts_[slot] = count;
        ++size_;
        return;
      }
      slot = (slot + 1) & mask_;
    }
  }

  // Makes room for `keys` distinct keys in all, so that adding them does not grow the table
  // step by step (each step re-inserts every key).
  void reserve(std::size_t keys) {
    std::size_t capacity = keys_.empty() ? 16 : keys_.size();
    while (keys * 4 > capacity * 3) capacity *= 2;
    if (capacity != keys_.size()) rehash(capacity);
  }

  void merge(const count_map& other) {
    reserve(size_ + other.size_);
    for (std::size_t s = 0; s < other.keys_.size(); ++s)
      if (other.keys_[s] != empty_key) add(other.keys_[s], other.counts_[s]);
  }

  [[nodiscard]] std::size_t size() const { return size_; }

  // (key, count) pairs by ascending key.
  [[nodiscard]] std::vector<std::pair<std::int64_t, std::int64_t>> sorted() const {
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    out.reserve(size_);
    for (std::size_t s = 0; s < keys_.size(); ++s)
      if (keys_[s] != empty_key) out.emplace_back(keys_[s], counts_[s]);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  static constexpr std::int64_t empty_key = std::numeric_limits<std::int64_t>::min();

  [[nodiscard]] std::size_t hash(std::int64_t key) const {
    const std::uint64_t h = static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ULL;
    return static_cast<std::size_t>(h >> 32) & mask_;
  }

  void grow() { rehash(keys_.empty() ? 16 : 2 * keys_.size()); }

  void rehash(std::size_t capacity) {
    std::vector<std::int64_t> old_keys = std::move(keys_);
    std::vector<std::int64_t> old_counts = std::move(counts_);
    keys_.assign(capacity, empty_key);
    counts_.assign(capacity, 0);
    mask_ = capacity - 1;
    size_ = 0;
    for (std::size_t s = 0; s < old_keys.size(); ++s)
      if (old_keys[s] != empty_key) add(old_keys[s], old_counts[s]);
  }

  std::vector<std::int64_t> keys_;
  std::vector<std::int64_t> counts_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
};

// Scores are counted on a grid of 1/score_grid points (0.01: the resolution reports publish).
inline constexpr double score_grid = 100.0;
[[nodiscard]] inline std::int64_t grid_key(double score) { return std::llround(score * score_grid); }
[[nodiscard]] inline double grid_value(std::int64_t key) { return static_cast<double>(key) / score_grid; }

// The p-quantile of a sample given as (value, count) pairs sorted by value, by R's default
// definition (quantile type 7, Hyndman and Fan 1996): with n values x_(1) <= ... <= x_(n),
// h = (n − 1) p, Q(p) = (1 − (h − ⌊h⌋)) x_(⌊h⌋+1) + (h − ⌊h⌋) x_(⌊h⌋+2), evaluated as R does.
[[nodiscard]] inline std::optional<double> quantile_type7(
    const std::vector<std::pair<double, std::int64_t>>& sorted_counts, double p) {
  std::int64_t n = 0;
  for (const auto& [value, count] : sorted_counts) n += count;
  if (n == 0) return std::nullopt;
  const double h = static_cast<double>(n - 1) * p;
  const auto lo = static_cast<std::int64_t>(std::floor(h));
  const double frac = h - static_cast<double>(lo);
  // The values at 0-based order statistics lo and lo + 1.
  auto at = [&](std::int64_t index) {
    std::int64_t seen = 0;
    for (const auto& [value, count] : sorted_counts) {
      seen += count;
      if (index < seen) return value;
    }
    return sorted_counts.back().first;
  };
  const double x_lo = at(lo);
  if (frac == 0.0) return x_lo;
  const double x_hi = at(std::min(lo + 1, n - 1));
  if (x_hi == x_lo) return x_lo;
  return (1.0 - frac) * x_lo + frac * x_hi;
}

}  // namespace qscore::stats
