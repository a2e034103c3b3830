// The dense part of a count_map: counts of a run of consecutive keys, two bytes a slot.
//
// Respondent scores on the 0.01-point grid fill about 10,001 slots in each cell of a tally. In
// eight-byte counts that was 80 KB a cell, 16 MB for the bench pool's 198 cells, and on the
// 2-core VM every fresh page costs a fault of about 20 µs: the merging thread's tables were
// over a third of a run's page faults (bench/RESULTS.md, seventeenth round). Two bytes a slot
// is a quarter of the pages, and of the cache lines each add touches. A slot that passes 65,535
// keeps the rest, in units of 65,536, in a second array of eight-byte counts, made for the whole
// table the first time any slot overflows (a cell with that many respondents on one score is
// large anyway): the counts stay exact whatever they reach.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace qscore::stats {

class dense_counts {
 public:
  dense_counts() = default;
  explicit dense_counts(std::size_t slots) : low_(slots, 0) {}

  [[nodiscard]] std::size_t size() const { return low_.size(); }
  [[nodiscard]] bool empty() const { return low_.empty(); }
  // Whether some slot has passed 65,535 (the upper parts are kept).
  [[nodiscard]] bool wide() const { return !high_.empty(); }

  // Slot i's count.
  [[nodiscard]] std::int64_t operator[](std::size_t i) const {
    return high_.empty() ? std::int64_t{low_[i]} : std::int64_t{low_[i]} + high_[i] * slot_range;
  }

  // Adds `count` (> 0) to slot i; true when the slot was 0 before.
  bool add(std::size_t i, std::int64_t count) {
    const bool was_zero = (*this)[i] == 0;
    const std::uint64_t sum = std::uint64_t{low_[i]} + static_cast<std::uint64_t>(count);
    low_[i] = static_cast<std::uint16_t>(sum);
    if (sum >= slot_range) carry(i, static_cast<std::int64_t>(sum / slot_range));
    return was_zero;
  }

  // Adds 1 to each slot offset(*key) of the keys from `key` on, while the offset is below
  // size(), and returns how many of those slots were 0 before; `key` is left at the first key
  // not added. `offset` maps a key to its slot (size() or more: outside). The counting loop of
  // count_map::add_each, here so that it sees the slots' type. The slot `prefetch_distance`
  // keys ahead is asked for early: a tally of many cells cannot keep their tables in cache, and
  // the misses then overlap. When a slot overflows, the table turns wide and the loop goes on
  // in its wide form.
  template <class Key, class Offset>
  std::size_t add_each(const Key*& key, const Key* last, Offset offset) {
    return wide() ? add_each_as<true>(key, last, offset) : add_each_as<false>(key, last, offset);
  }

  // Adds every slot of `other` to the slots from `at` on (at + other.size() <= size()); returns
  // how many of those slots were 0 before and are not now.
  std::size_t add_all(const dense_counts& other, std::size_t at) {
    std::size_t fresh = 0, i = 0;
    const std::size_t n = other.size();
    if (!wide() && !other.wide()) {
      // Both narrow: slot by slot in registers, until a sum passes 65,535.
      std::uint16_t* const into = low_.data() + at;
      const std::uint16_t* const from = other.low_.data();
      for (; i < n; ++i) {
        const std::uint32_t sum = std::uint32_t{into[i]} + from[i];
        if (sum >= slot_range) break;
        fresh += static_cast<std::size_t>(into[i] == 0 && from[i] != 0);
        into[i] = static_cast<std::uint16_t>(sum);
      }
    }
    for (; i < n; ++i)
      if (const std::int64_t count = other[i]; count != 0) fresh += static_cast<std::size_t>(add(at + i, count));
    return fresh;
  }

 private:
  static constexpr std::int64_t slot_range = 65536;

  // Puts `high` units of 65,536 into slot i's upper part (making the upper parts when new).
  [[gnu::noinline]] void carry(std::size_t i, std::int64_t high) {
    if (high_.empty()) high_.assign(low_.size(), 0);
    high_[i] += high;
  }

  template <bool Wide, class Key, class Offset>
  std::size_t add_each_as(const Key*& key, const Key* last, Offset offset) {
    constexpr std::ptrdiff_t prefetch_distance = 16;
    std::uint16_t* const slots = low_.data();
    const std::uint64_t slot_count = low_.size();
    std::size_t fresh = 0;
    for (; key != last; ++key) {
      if (last - key > prefetch_distance) {
        const std::uint64_t ahead = offset(key[prefetch_distance]);
        if (ahead < slot_count) __builtin_prefetch(slots + ahead, 1);
      }
      const std::uint64_t at = offset(*key);
      if (at >= slot_count) break;
      const std::uint16_t before = slots[at];
      if constexpr (Wide)
        fresh += static_cast<std::size_t>(before == 0 && high_[at] == 0);
      else
        fresh += static_cast<std::size_t>(before == 0);
      slots[at] = static_cast<std::uint16_t>(before + 1);
      if (before == slot_range - 1) {
        carry(at, 1);
        if constexpr (!Wide) {  // the table has just turned wide: on in that form
          ++key;
          return fresh + add_each_as<true>(key, last, offset);
        }
      }
    }
    return fresh;
  }

  std::vector<std::uint16_t> low_;   // each count modulo 65,536
  std::vector<std::int64_t> high_;   // each count / 65,536; empty until a slot passes 65,535
};

}  // namespace qscore::stats
