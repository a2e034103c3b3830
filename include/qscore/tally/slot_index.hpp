// slot_index: finds the entry for a stratum slot in a cell's list of strata, by hash once the
// list is long. A stratum column of villages or schools gives a cell hundreds of strata (about a
// thousand a cell for 200,000 rows over 20,000 strata), and scanning them for each row was an
// eighth of such a run. Below `scanned` entries a scan is faster, and no table is made: a tally
// of 20,000 units has 180,000 cells, so the index costs a cell one pointer until it is needed
// (a table held in place was 18 MB more peak memory there).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace qscore::detail {

class slot_index {
 public:
  static constexpr std::size_t scanned = 16;

  slot_index() = default;
  slot_index(const slot_index& other) : table_(copy(other.table_)) {}
  slot_index& operator=(const slot_index& other) {
    if (this != &other) table_ = copy(other.table_);
    return *this;
  }
  slot_index(slot_index&&) noexcept = default;
  slot_index& operator=(slot_index&&) noexcept = default;
  ~slot_index() = default;

  // The position in `entries` of the entry whose .stratum is `slot`, or entries.size() when
  // there is none, in which case the caller appends that entry next (the index counts it in).
  template <class Entries>
  std::size_t find_or_reserve(const Entries& entries, std::size_t slot) {
    if (entries.size() < scanned) {
      for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].stratum == slot) return i;
      return entries.size();
    }
    // Rebuilt when it does not cover every entry (entries added or removed without it; replacing
    // entries in place goes unnoticed) or is half full.
    if (!table_ || table_->covers != entries.size() || 2 * entries.size() >= table_->positions.size()) rebuild(entries);
    std::vector<std::uint32_t>& positions = table_->positions;
    std::size_t at = home(slot);
    for (; positions[at] != 0; at = (at + 1) & (positions.size() - 1))
      if (entries[positions[at] - 1].stratum == slot) return positions[at] - 1;
    positions[at] = static_cast<std::uint32_t>(entries.size() + 1);
    ++table_->covers;
    return entries.size();
  }

 private:
  // Open addressing with linear probing: an entry is a position + 1 (0 = empty), the size a
  // power of two, over twice the entries.
  struct table {
    std::vector<std::uint32_t> positions;
    std::size_t covers = 0;  // entries indexed: the first `covers` of the list
  };

  static std::unique_ptr<table> copy(const std::unique_ptr<table>& from) {
    return from ? std::make_unique<table>(*from) : nullptr;
  }

  [[nodiscard]] std::size_t home(std::size_t slot) const {
    const int bits = std::countr_zero(table_->positions.size());
    return static_cast<std::size_t>((static_cast<std::uint64_t>(slot) * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
  }

  template <class Entries>
  void rebuild(const Entries& entries) {
    if (!table_) table_ = std::make_unique<table>();
    std::vector<std::uint32_t>& positions = table_->positions;
    positions.assign(std::bit_ceil(4 * entries.size()), 0);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      std::size_t at = home(entries[i].stratum);
      while (positions[at] != 0) at = (at + 1) & (positions.size() - 1);
      positions[at] = static_cast<std::uint32_t>(i + 1);
    }
    table_->covers = entries.size();
  }

  std::unique_ptr<table> table_;
};

}  // namespace qscore::detail
