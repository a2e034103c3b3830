// Exact, mergeable counts of values, and quantiles from them.
//
// `count_map` counts int64 keys (an open-addressing hash table, and a dense array of two bytes a
// key once the keys fill a narrow range: no allocation per value once a key has been seen).
// Counts are integers, so merging in any order gives the same counts; the quantiles are read
// from the keys in sorted order, so they do not depend on the order either.
//
// For ordinal data (answers to an item) the keys are the answer codes, and the quantiles are
// exact. For derived scores (a respondent's mean over items) the key is the score rounded to a
// grid of 1/score_grid points, and the quantiles are exact to that grid.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "qscore/stats/dense_counts.hpp"

namespace qscore::stats {

class count_map {
 public:
  // Adds `count` (> 0) to `key`.
  void add(std::int64_t key, std::int64_t count = 1) {
    if (!dense_.empty()) {
      const std::uint64_t at = offset(key, base_);
      if (at < dense_.size()) {
        size_ += dense_.add(static_cast<std::size_t>(at), count) ? 1 : 0;
        return;
      }
    }
    add_sparse(key, count);
  }

  // Adds 1 to each key of [first, last). With the keys counted densely, each add touches a
  // cache line of a table that a tally of many cells cannot keep in cache: dense_counts asks
  // for the lines of keys ahead early, so the misses overlap (the merging thread's adds were 3 %
  // of a run, nearly all of it waiting on those lines). The run of keys inside the dense range
  // is counted with the table's address, range and the count of new keys in registers: through
  // add(), every key read and wrote size_ in memory, one store-to-load chain from each add to
  // the next (6.5 % of a one-thread run, bench/RESULTS.md).
  // Keys of any integer type (a tally keeps its uncounted keys in 16 bits, cell_tally::listed_key).
  template <class Key>
  void add_each(const Key* first, const Key* last) {
    for (const Key* key = first; key != last;) {
      if (!dense_.empty()) {
        const std::int64_t base = base_;
        size_ += dense_.add_each(key, last, [base](Key k) { return offset(k, base); });
        if (key == last) return;
      }
      add(*key++);  // outside the dense range (or none yet): may densify or widen the table
    }
  }

  // Makes room for `keys` distinct keys in all, so that adding them does not grow the hash
  // table step by step (each step re-inserts every key). Once the keys are counted densely the
  // hash table holds only the few outside that range, and is left as it is.
  void reserve(std::size_t keys) {
    if (!dense_.empty()) return;
    std::size_t capacity = keys_.empty() ? 16 : keys_.size();
    while (keys * 4 > capacity * 3) capacity *= 2;
    if (capacity != keys_.size() && !densify(capacity)) rehash(capacity);
  }

  // Adds every count of `other`. Two dense tables over close ranges are added slot by slot (a
  // report pools each unit's and each group's cells: key by key, those merges were a third of
  // finalize at the end of a run, on one thread, bench/bench_report.cpp).
  void merge(const count_map& other) {
    if (other.size_ == 0) return;
    if (size_ == 0) {
      *this = other;
      return;
    }
    if (!other.dense_.empty() && dense_.empty()) {
      count_map sum = other;  // the dense one's copy, then this one's few keys into it
      sum.merge(*this);
      *this = std::move(sum);
      return;
    }
    if (!other.dense_.empty() && widen_dense_to(other.base_, other.dense_back())) {
      size_ += dense_.add_all(other.dense_, static_cast<std::size_t>(offset(other.base_, base_)));
      other.for_each_hashed([this](std::int64_t key, std::int64_t count) { add(key, count); });
      return;
    }
    reserve(size_ + other.size_);
    other.for_each([this](std::int64_t key, std::int64_t count) { add(key, count); });
  }

  // The keys at the 0-based order statistics `ranks` (ascending, each below the total count),
  // in one walk up the keys: what quantiles need, without listing every key as sorted() does.
  [[nodiscard]] std::vector<std::int64_t> keys_at_ranks(const std::vector<std::int64_t>& ranks) const {
    std::vector<std::int64_t> out;
    out.reserve(ranks.size());
    std::int64_t seen = 0;
    const auto visit = [&](std::int64_t key, std::int64_t count) {
      seen += count;
      while (out.size() < ranks.size() && ranks[out.size()] < seen) out.push_back(key);
      return out.size() < ranks.size();
    };
    for_each_ascending(visit);
    return out;
  }

  // The sum of all counts.
  [[nodiscard]] std::int64_t total() const {
    std::int64_t n = 0;
    for_each([&n](std::int64_t, std::int64_t count) { n += count; });
    return n;
  }

  // Distinct keys counted.
  [[nodiscard]] std::size_t size() const { return size_; }
  // Whether the keys are counted in a dense array (see add_sparse); for tests.
  [[nodiscard]] bool dense() const { return !dense_.empty(); }

  // (key, count) pairs by ascending key.
  [[nodiscard]] std::vector<std::pair<std::int64_t, std::int64_t>> sorted() const {
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    out.reserve(size_);
    for_each_ascending([&out](std::int64_t key, std::int64_t count) {
      out.emplace_back(key, count);
      return true;
    });
    return out;
  }

 private:
  static constexpr std::int64_t empty_key = std::numeric_limits<std::int64_t>::min();

  // key - from, in unsigned arithmetic: a key below `from` or far above it gives a large offset
  // instead of a signed overflow, so one compare with a size tells whether it lies in range.
  [[nodiscard]] static std::uint64_t offset(std::int64_t key, std::int64_t from) noexcept {
    return static_cast<std::uint64_t>(key) - static_cast<std::uint64_t>(from);
  }

  // Calls f(key, count) for every key counted: the dense ones by ascending key, then the hashed.
  template <class F>
  void for_each(F f) const {
    for (std::size_t i = 0; i < dense_.size(); ++i)
      if (dense_[i] != 0) f(base_ + static_cast<std::int64_t>(i), dense_[i]);
    for_each_hashed(f);
  }

  // Calls visit(key, count) for every key counted, by ascending key, until it returns false.
  // The dense keys come in order: only the hashed ones are sorted (sorting all of them, cell by
  // cell, was 6 % of the merging thread's time at the end of a run). They lie outside the dense
  // range: those below it come first, those above it last.
  template <class Visit>
  void for_each_ascending(Visit visit) const {
    std::vector<std::pair<std::int64_t, std::int64_t>> hashed;
    hashed.reserve(hash_size_);
    for_each_hashed([&hashed](std::int64_t key, std::int64_t count) { hashed.emplace_back(key, count); });
    std::sort(hashed.begin(), hashed.end());
    std::size_t h = 0;
    for (; h < hashed.size() && (dense_.empty() || hashed[h].first < base_); ++h)
      if (!visit(hashed[h].first, hashed[h].second)) return;
    for (std::size_t i = 0; i < dense_.size(); ++i)
      if (dense_[i] != 0 && !visit(base_ + static_cast<std::int64_t>(i), dense_[i])) return;
    for (; h < hashed.size(); ++h)
      if (!visit(hashed[h].first, hashed[h].second)) return;
  }

  template <class F>
  void for_each_hashed(F f) const {
    for (std::size_t s = 0; s < keys_.size(); ++s)
      if (keys_[s] != empty_key) f(keys_[s], counts_[s]);
  }

  [[nodiscard]] std::int64_t dense_back() const { return base_ + static_cast<std::int64_t>(dense_.size()) - 1; }

  // Makes the dense range cover [low, high] as well as what it covers now, moving the hashed
  // keys that fall inside into it; false, changing nothing, when the range would grow past
  // twice the slots of both (keys that far apart are better hashed).
  bool widen_dense_to(std::int64_t low, std::int64_t high) {
    const std::int64_t new_low = std::min(low, base_), new_high = std::max(high, dense_back());
    if (new_low == base_ && new_high == dense_back()) return true;
    const std::uint64_t span = offset(new_high, new_low) + 1;
    if (span == 0 || span > 2 * (dense_.size() + offset(high, low) + 1)) return false;
    dense_counts counts(static_cast<std::size_t>(span));
    counts.add_all(dense_, static_cast<std::size_t>(offset(base_, new_low)));
    std::vector<std::pair<std::int64_t, std::int64_t>> outside;
    for_each_hashed([&](std::int64_t key, std::int64_t count) {
      const std::uint64_t at = offset(key, new_low);
      if (at < span)
        counts.add(static_cast<std::size_t>(at), count);
      else
        outside.emplace_back(key, count);
    });
    dense_ = std::move(counts);
    base_ = new_low;
    // The keys still outside go back into the (no fuller) hash table.
    std::fill(keys_.begin(), keys_.end(), empty_key);
    std::fill(counts_.begin(), counts_.end(), 0);
    size_ -= outside.size();
    hash_size_ = 0;
    for (const auto& [key, count] : outside) add_sparse(key, count);
    return true;
  }

  // A key outside the dense range (or any key before there is one): into the hash table. When
  // the table has to grow and its keys lie close together (respondent scores on a 0.01 grid
  // fill most of their range), they move to a dense array instead: an add is then an array
  // increment, not a probe through a table several times larger than the cache. Profiled:
  // counting 10 million scores into 198 cells' tables was 3.6 % of a run, all of it on the
  // thread that merges the parts.
  void add_sparse(std::int64_t key, std::int64_t count) {
    if ((hash_size_ + 1) * 4 > keys_.size() * 3) {
      const std::size_t capacity = keys_.empty() ? 16 : 2 * keys_.size();
      if (densify(capacity)) {
        add(key, count);
        return;
      }
      rehash(capacity);
    }
    std::size_t slot = hash(key);
    while (true) {
      if (keys_[slot] == key) {
        counts_[slot] += count;
        return;
      }
      if (keys_[slot] == empty_key) {
        keys_[slot] = key;
        counts_[slot] = count;
        ++hash_size_;
        ++size_;
        return;
      }
      slot = (slot + 1) & mask_;
    }
  }

  // Moves every key to one dense array over the range of all keys, when that array (2 bytes a
  // key in the range) is no larger than the hash table would grow to (16 bytes a slot of
  // `capacity`); false, changing nothing, when it is.
  bool densify(std::size_t capacity) {
    if (hash_size_ == 0) return false;
    std::int64_t low = std::numeric_limits<std::int64_t>::max(), high = empty_key;
    for (const std::int64_t key : keys_) {
      if (key == empty_key) continue;
      low = std::min(low, key);
      high = std::max(high, key);
    }
    if (!dense_.empty()) {
      low = std::min(low, base_);
      high = std::max(high, base_ + static_cast<std::int64_t>(dense_.size()) - 1);
    }
    const std::uint64_t span = offset(high, low) + 1;
    if (span == 0 || span > 8 * static_cast<std::uint64_t>(capacity)) return false;
    dense_counts counts(static_cast<std::size_t>(span));
    if (!dense_.empty()) counts.add_all(dense_, static_cast<std::size_t>(offset(base_, low)));
    for (std::size_t s = 0; s < keys_.size(); ++s)
      if (keys_[s] != empty_key) counts.add(static_cast<std::size_t>(offset(keys_[s], low)), counts_[s]);
    dense_ = std::move(counts);
    base_ = low;
    keys_.clear();
    counts_.clear();
    mask_ = 0;
    hash_size_ = 0;
    return true;
  }

  [[nodiscard]] std::size_t hash(std::int64_t key) const {
    const std::uint64_t h = static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ULL;
    return static_cast<std::size_t>(h >> 32) & mask_;
  }

  void rehash(std::size_t capacity) {
    std::vector<std::int64_t> old_keys = std::move(keys_);
    std::vector<std::int64_t> old_counts = std::move(counts_);
    keys_.assign(capacity, empty_key);
    counts_.assign(capacity, 0);
    mask_ = capacity - 1;
    size_ -= hash_size_;
    hash_size_ = 0;
    for (std::size_t s = 0; s < old_keys.size(); ++s)
      if (old_keys[s] != empty_key) add_sparse(old_keys[s], old_counts[s]);
  }

  // Keys in [base_, base_ + dense_.size()) are counted in dense_ (0: not seen); the rest in the
  // open-addressing table keys_/counts_.
  std::int64_t base_ = 0;
  dense_counts dense_;
  std::vector<std::int64_t> keys_;
  std::vector<std::int64_t> counts_;
  std::size_t size_ = 0;       // distinct keys, both stores
  std::size_t hash_size_ = 0;  // distinct keys in the hash table
  std::size_t mask_ = 0;
};

// Scores are counted on a grid of 1/score_grid points (0.01: the resolution reports publish).
inline constexpr double score_grid = 100.0;
// The grid key of a score: score × score_grid rounded half away from zero, as std::llround does,
// but without the library call for the scores that occur (once per valid ballot, the call was
// 1 % of a run's instructions and this is a third of that): below 2^52 in magnitude, the
// truncated value and the remainder are exact, so the remainder decides the rounding exactly.
[[nodiscard]] inline std::int64_t grid_key(double score) {
  const double scaled = score * score_grid;
  if (!(std::fabs(scaled) < 0x1p52)) return std::llround(scaled);  // whole already, or NaN / huge
  const auto toward_zero = static_cast<std::int64_t>(scaled);
  const double remainder = scaled - static_cast<double>(toward_zero);
  return toward_zero + (remainder >= 0.5 ? 1 : 0) - (remainder <= -0.5 ? 1 : 0);
}
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

// quantile_type7 of the counted keys, each key read as value_of(key) (increasing in the key),
// for each p of `ps`: the same numbers as quantile_type7 on the (value_of(key), count) pairs,
// found by one walk up the keys instead of a list of them all.
template <class ValueOf>
[[nodiscard]] std::vector<std::optional<double>> quantiles_type7(const count_map& counts,
                                                                 const std::vector<double>& ps,
                                                                 ValueOf value_of) {
  std::vector<std::optional<double>> out(ps.size());
  const std::int64_t n = counts.total();
  if (n == 0) return out;
  // Each p needs the order statistics lo and lo + 1 (or n − 1): listed, sorted, looked up once.
  std::vector<std::int64_t> ranks;
  std::vector<double> fracs;
  for (const double p : ps) {
    const double h = static_cast<double>(n - 1) * p;
    const auto lo = static_cast<std::int64_t>(std::floor(h));
    fracs.push_back(h - static_cast<double>(lo));
    ranks.push_back(lo);
    ranks.push_back(std::min(lo + 1, n - 1));
  }
  std::vector<std::int64_t> wanted = ranks;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  const std::vector<std::int64_t> keys = counts.keys_at_ranks(wanted);
  const auto value_at = [&](std::int64_t rank) {
    const auto at = std::lower_bound(wanted.begin(), wanted.end(), rank) - wanted.begin();
    return value_of(keys[static_cast<std::size_t>(at)]);
  };
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const double x_lo = value_at(ranks[2 * i]);
    const double frac = fracs[i];
    if (frac == 0.0) {
      out[i] = x_lo;
      continue;
    }
    const double x_hi = value_at(ranks[2 * i + 1]);
    out[i] = x_hi == x_lo ? x_lo : (1.0 - frac) * x_lo + frac * x_hi;
  }
  return out;
}

}  // namespace qscore::stats
