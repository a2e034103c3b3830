// Respondent ids recorded now and checked for duplicates afterwards: how score_file learns that a
// file has no duplicate ids (the common case) without a row-by-row hash set.
//
// A row-by-row check (respondent_id_set) costs a random access into a table of 11–21 bytes per
// id, which outgrows the cache, plus the page faults of its doublings: about 0.35 s of CPU per
// million rows, more than scoring them. Here each part of a file keeps its ids' hashes as
// 60-bit fingerprints, sorted by their top 12 bits into 4,096 buckets (the bucket holds those
// bits; 48 more are stored, in 6 bytes). Once every part is in, the fingerprints of one bucket,
// from all parts, go into a small table that stays in cache: 6 bytes per id, touched twice,
// in order.
//
// A match is a suspicion, not a proof: two different ids share a 60-bit fingerprint with odds
// of about N^2 / 2^61 (4e-5 for 10^7 ids). score_file answers a match by reading the file again
// with the row-by-row check, so a false match costs time, never a wrongly rejected row.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qscore {

class id_fingerprints {
 public:
  static constexpr unsigned bucket_bits = 12;
  static constexpr std::size_t bucket_count = std::size_t{1} << bucket_bits;

  id_fingerprints() = default;

  // The fingerprints of `hashes` (respondent_id_set::hash values, any order).
  explicit id_fingerprints(const std::vector<std::uint64_t>& hashes) {
    if (hashes.empty()) return;
    starts_.assign(bucket_count + 1, 0);
    for (const std::uint64_t h : hashes) ++starts_[bucket(h) + 1];
    for (std::size_t b = 0; b < bucket_count; ++b) starts_[b + 1] += starts_[b];
    std::vector<std::uint32_t> next(starts_.begin(), starts_.end() - 1);
    high_.resize(hashes.size());
    low_.resize(hashes.size());
    for (const std::uint64_t h : hashes) {
      const std::uint32_t at = next[bucket(h)]++;
      high_[at] = static_cast<std::uint16_t>(h >> 32);
      low_[at] = static_cast<std::uint32_t>(h);
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return low_.size(); }
  [[nodiscard]] std::size_t bytes() const noexcept {
    return starts_.size() * sizeof(std::uint32_t) + high_.size() * sizeof(std::uint16_t) +
           low_.size() * sizeof(std::uint32_t);
  }

  // Whether any fingerprint occurs twice, within one part or across parts.
  [[nodiscard]] static bool any_repeated(const std::vector<id_fingerprints>& parts) {
    std::vector<std::uint64_t> table;  // one bucket's stored 48 bits, plus 1 (0 = empty slot)
    for (std::size_t b = 0; b < bucket_count; ++b) {
      std::size_t count = 0;
      for (const auto& part : parts)
        if (!part.starts_.empty()) count += part.starts_[b + 1] - part.starts_[b];
      if (count < 2) continue;
      // At most half full, so a probe ends soon; the stored bits are hash bits, so they index
      // the table evenly as they are.
      const std::size_t slots = std::bit_ceil(2 * count);
      const std::size_t mask = slots - 1;
      table.assign(slots, 0);
      for (const auto& part : parts) {
        if (part.starts_.empty()) continue;
        for (std::uint32_t i = part.starts_[b]; i < part.starts_[b + 1]; ++i) {
          const std::uint64_t key = ((std::uint64_t{part.high_[i]} << 32) | part.low_[i]) + 1;
          for (std::size_t s = key & mask;; s = (s + 1) & mask) {
            if (table[s] == key) return true;
            if (table[s] == 0) {
              table[s] = key;
              break;
            }
          }
        }
      }
    }
    return false;
  }

 private:
  [[nodiscard]] static std::size_t bucket(std::uint64_t h) noexcept {
    return static_cast<std::size_t>(h >> (64 - bucket_bits));
  }

  std::vector<std::uint32_t> starts_;  // bucket b holds [starts_[b], starts_[b + 1]); empty: no ids
  std::vector<std::uint16_t> high_;    // hash bits 32..47
  std::vector<std::uint32_t> low_;     // hash bits 0..31
};

}  // namespace qscore
