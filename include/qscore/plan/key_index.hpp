// key_index: a group, unit or stratum found by its text (an id, or a label), once per row.
//
// An open-addressing table of slots that hold each key's length and, for keys of up to 8 bytes,
// the key itself packed in a word (detail::pack_short_text; with the length it is the key), so
// that a look-up of a short key reads one slot and compares two numbers. Longer keys keep their
// 64-bit hash in the slot and are compared as text on a match. A std::unordered_map of strings
// took a bucket, a node and a string compare, on memory spread over the heap: 9 % of a
// one-thread run of 4M rows over 5,000 units not declared in the definition (the reader looks
// each row's unit up here; declared units it finds in a small table of its own).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qscore/detail/text_hash.hpp"

namespace qscore {

class key_index {
 public:
  // The first registration of a key wins.
  void add(std::string_view key, int index) {
    if (find(key)) return;
    if (2 * (keys_.size() + 1) > slots_.size()) rebuild(slots_.empty() ? 16 : 2 * slots_.size());
    keys_.emplace_back(key);
    values_.push_back(index);
    place(keys_.size() - 1);
  }

  [[nodiscard]] std::optional<int> find(std::string_view key) const noexcept {
    if (slots_.empty()) return std::nullopt;
    const std::uint64_t hash = detail::hash_text(key);
    const std::uint64_t tag = tag_of(key, hash);
    for (std::size_t s = hash & mask_;; s = (s + 1) & mask_) {
      const slot& candidate = slots_[s];
      if (candidate.entry == empty) return std::nullopt;
      if (candidate.tag == tag && candidate.size == key.size() &&
          (key.size() <= short_key_bytes || keys_[candidate.entry] == key))
        return values_[candidate.entry];
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }

 private:
  static constexpr std::size_t short_key_bytes = 8;
  static constexpr std::uint32_t empty = 0xFFFFFFFFU;
  struct slot {                   // 16 bytes: four to a cache line
    std::uint64_t tag = 0;        // a short key packed, or a long key's hash
    std::uint32_t size = 0;       // the key's length in bytes (cells are shorter than 4 GiB)
    std::uint32_t entry = empty;  // the key's place in keys_ and values_
  };

  static std::uint64_t tag_of(std::string_view key, std::uint64_t hash) noexcept {
    return key.size() <= short_key_bytes ? detail::pack_short_text(key) : hash;
  }
  // Puts keys_[entry] in the first free slot from its hash's (the table is at most half full).
  void place(std::size_t entry) {
    const std::string_view key = keys_[entry];
    const std::uint64_t hash = detail::hash_text(key);
    std::size_t s = hash & mask_;
    while (slots_[s].entry != empty) s = (s + 1) & mask_;
    slots_[s] = {tag_of(key, hash), static_cast<std::uint32_t>(key.size()), static_cast<std::uint32_t>(entry)};
  }
  void rebuild(std::size_t slot_count) {
    slots_.assign(slot_count, slot{});
    mask_ = slot_count - 1;
    for (std::size_t entry = 0; entry < keys_.size(); ++entry) place(entry);
  }

  std::vector<slot> slots_;  // a power of two of them, or none before the first key
  std::size_t mask_ = 0;
  std::vector<std::string> keys_;  // in the order they were added
  std::vector<int> values_;
};

}  // namespace qscore
