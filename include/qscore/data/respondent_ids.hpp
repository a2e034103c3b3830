// The respondent ids seen so far, kept as 64-bit hashes: how a reader finds the second row that
// gives an id (R208) without keeping the ids themselves.
//
// A hash set of 8-byte slots with linear probing that doubles at 3/4 full, so it holds between
// 8 / 0.75 ~ 11 and 21 bytes per id (a 10-million-row file: about 128 MiB at most; doubling
// briefly holds the old table too). Ids are compared by hash alone: two different ids whose
// hashes collide would be taken for one. With a 64-bit hash the odds that any two of N distinct
// ids collide are about N^2 / 2^65: 3e-6 for 10 million ids, 3e-4 for 100 million.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "qscore/detail/text_hash.hpp"

namespace qscore {

class respondent_id_set {
 public:
  // detail::hash_text: ids of up to 8 bytes of one length never collide (the final mix is a
  // bijection), longer ones like random 64-bit numbers. Never 0 (0 marks an empty slot).
  [[nodiscard]] static std::uint64_t hash(std::string_view id) noexcept {
    const std::uint64_t h = detail::hash_text(id);
    return h == 0 ? 1 : h;
  }

  [[nodiscard]] bool contains(std::uint64_t h) const noexcept {
    if (slots_.empty()) return false;
    for (std::size_t s = h & mask_;; s = (s + 1) & mask_) {
      if (slots_[s] == h) return true;
      if (slots_[s] == 0) return false;
    }
  }

  // Adds `h`; false when it was there already.
  bool insert(std::uint64_t h) {
    if (4 * (count_ + 1) > 3 * slots_.size()) grow();
    for (std::size_t s = h & mask_;; s = (s + 1) & mask_) {
      if (slots_[s] == h) return false;
      if (slots_[s] == 0) {
        slots_[s] = h;
        ++count_;
        return true;
      }
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  [[nodiscard]] std::size_t bytes() const noexcept { return slots_.size() * sizeof(std::uint64_t); }

 private:
  void grow() {
    std::vector<std::uint64_t> old(std::max<std::size_t>(64, 2 * slots_.size()), 0);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const std::uint64_t h : old) {
      if (h == 0) continue;
      std::size_t s = h & mask_;
      while (slots_[s] != 0) s = (s + 1) & mask_;
      slots_[s] = h;
    }
  }

  std::vector<std::uint64_t> slots_;  // 0 = empty; a power of two in size
  std::size_t mask_ = 0;
  std::size_t count_ = 0;
};

}  // namespace qscore
