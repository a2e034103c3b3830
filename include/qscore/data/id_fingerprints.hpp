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
// with the row-by-row check, limited to the ids whose fingerprint repeats
// (repeated_fingerprints), so a false match costs time, never a wrongly rejected row.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

#include "qscore/data/respondent_ids.hpp"

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

  // The fingerprint of an id hash: its bucket bits and the 48 stored bits (bits 48..51 are not
  // kept). Two rows with one id have one fingerprint.
  [[nodiscard]] static std::uint64_t fingerprint(std::uint64_t h) noexcept {
    return h & ~(std::uint64_t{0xF} << 48);
  }

  // Every fingerprint that occurs more than once, within one part or across parts, once each,
  // in ascending order: the only ids that can be repeats, and all that a second pass needs to
  // check (repeated_fingerprints). Buckets are independent, so `threads` threads take a run of
  // buckets each; their findings join in bucket order, the same for any thread count. (This
  // look runs after every segment is read, on its own: 2.4 % of a 10M run on one thread.)
  [[nodiscard]] static std::vector<std::uint64_t> repeated(const std::vector<id_fingerprints>& parts,
                                                           unsigned threads = 1) {
    std::vector<const id_fingerprints*> all;
    all.reserve(parts.size());
    for (const auto& part : parts) all.push_back(&part);
    return in_bucket_runs(threads, [&](std::size_t first, std::size_t last, std::vector<std::uint64_t>& out) {
      repeated_in(all, first, last, out);
      return true;
    }).value();
  }

  // How many of the part's ids fall in bucket b.
  [[nodiscard]] std::size_t count_in(std::size_t b) const noexcept {
    return starts_.empty() ? 0 : starts_[b + 1] - starts_[b];
  }

 private:
  friend class id_fingerprint_store;  // writes parts to its file and reads runs of buckets back

  // Runs `look(first, last, out)` over runs of buckets on `threads` threads and joins what they
  // append in bucket order: the same list for any thread count. No list when any look fails.
  template <class Look>
  [[nodiscard]] static std::optional<std::vector<std::uint64_t>> in_bucket_runs(unsigned threads, Look look) {
    threads = std::clamp(threads, 1U, 64U);
    std::vector<std::vector<std::uint64_t>> found(threads);
    std::vector<char> looked(threads, 0);
    auto run = [&](unsigned t) {
      looked[t] = look(bucket_count * t / threads, bucket_count * (t + 1) / threads, found[t]) ? 1 : 0;
    };
    std::vector<std::thread> helpers;
    for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(run, t);
    run(0);
    for (auto& helper : helpers) helper.join();
    std::vector<std::uint64_t> out;
    for (unsigned t = 0; t < threads; ++t) {
      if (looked[t] == 0) return std::nullopt;
      out.insert(out.end(), found[t].begin(), found[t].end());
    }
    return out;
  }

  // repeated() for buckets [first, last) of `parts`, appended to `out` in ascending order.
  static void repeated_in(const std::vector<const id_fingerprints*>& parts, std::size_t first, std::size_t last,
                          std::vector<std::uint64_t>& out) {
    constexpr std::uint64_t reported = std::uint64_t{1} << 63;  // set on a slot whose key repeats
    std::vector<std::uint64_t> table;  // one bucket's stored 48 bits, plus 1 (0 = empty slot)
    for (std::size_t b = first; b < last; ++b) {
      std::size_t count = 0;
      for (const auto* part : parts) count += part->count_in(b);
      if (count < 2) continue;
      // At most half full, so a probe ends soon; the stored bits are hash bits, so they index
      // the table evenly as they are.
      const std::size_t slots = std::bit_ceil(2 * count);
      const std::size_t mask = slots - 1;
      table.assign(slots, 0);
      const std::size_t first_of_bucket = out.size();
      for (const auto* part : parts) {
        if (part->starts_.empty()) continue;
        for (std::uint32_t i = part->starts_[b]; i < part->starts_[b + 1]; ++i) {
          const std::uint64_t key = ((std::uint64_t{part->high_[i]} << 32) | part->low_[i]) + 1;
          for (std::size_t s = key & mask;; s = (s + 1) & mask) {
            if ((table[s] & ~reported) == key) {
              if ((table[s] & reported) == 0) out.push_back((std::uint64_t{b} << (64 - bucket_bits)) | (key - 1));
              table[s] |= reported;
              break;
            }
            if (table[s] == 0) {
              table[s] = key;
              break;
            }
          }
        }
      }
      std::sort(out.begin() + static_cast<std::ptrdiff_t>(first_of_bucket), out.end());
    }
  }

  [[nodiscard]] static std::size_t bucket(std::uint64_t h) noexcept {
    return static_cast<std::size_t>(h >> (64 - bucket_bits));
  }

  std::vector<std::uint32_t> starts_;  // bucket b holds [starts_[b], starts_[b + 1]); empty: no ids
  std::vector<std::uint16_t> high_;    // hash bits 32..47
  std::vector<std::uint32_t> low_;     // hash bits 0..31
};

// The repeated fingerprints of a file (id_fingerprints::repeated), for a second reading that
// checks ids row by row: an id whose fingerprint is not among them was given once in the whole
// file, so it needs no checking and no place in a set. With a handful of duplicates in ten
// million rows, the second reading holds a handful of ids instead of all of them: one repeated
// id in the 10M bench pool took 5.0 s and 282 MB (peak RSS) with every id in the set, 2.8 s
// and 87 MB this way (bench/RESULTS.md).
class repeated_fingerprints {
 public:
  explicit repeated_fingerprints(const std::vector<std::uint64_t>& fingerprints) {
    // + 1: a fingerprint may be 0, which marks an empty slot of the set; none is all ones.
    for (const std::uint64_t f : fingerprints) set_.insert(f + 1);
  }
  // Whether the id with this hash may have been given more than once.
  [[nodiscard]] bool may_repeat(std::uint64_t h) const noexcept {
    return set_.contains(id_fingerprints::fingerprint(h) + 1);
  }
  [[nodiscard]] std::size_t size() const noexcept { return set_.size(); }

 private:
  respondent_id_set set_;
};

}  // namespace qscore
