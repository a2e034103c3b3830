// Respondent ids written as plain numbers ("1", "20417"), checked for repeats with one bit each:
// the common case of survey files, and the cheap one.
//
// score_file's duplicate-id check records every id's 6-byte fingerprint and looks for repeats
// once the file is read (id_fingerprints.hpp). On the 10M bench pool, whose ids are 1 to 10^7,
// that was 0.4 s of CPU in a 2.3 s run: hashing, bucketing, writing the fingerprints past the
// memory budget to a file and reading them back. An id that is a number in canonical form
// (digits only, no leading zero unless it is "0") is instead marked in a bitmap indexed by that
// number, shared by the threads (atomic bit sets): 10^7 ids touch 1.25 MB. Two different ids in
// canonical form are different numbers, and an id has one form, so a bit set twice is an id
// given twice: no false match. Other ids (prefixed, zero-padded, beyond the bitmap) keep the
// fingerprint path; the two never meet, since the same id always takes the same path.
//
// Each reading thread claims through its own claimer, which gathers a word of the bitmap before
// it updates the shared one. A number marked twice is marked in a second bitmap; at the end,
// repeated_fingerprints() gives the fingerprints of those ids, and score_file's second reading
// checks them row by row with the fingerprints' own repeats. Which row marked first does not
// matter: the second reading decides, in file order, which rows are the repeats.
//
// The bitmaps are anonymous memory mapped without being touched: only pages holding a marked
// number count (ids 1 to 10^7 take 1.25 MB whatever the capacity).
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "qscore/detail/swar_digits.hpp"

namespace qscore {

class numeric_id_bitmap {
 public:
  static constexpr std::uint64_t none = ~std::uint64_t{0};
  // The most a bitmap takes (numbers below 2^33, ten digits): a larger one would only make the
  // look for repeats at the end read more of the summary.
  static constexpr std::size_t max_bytes = std::size_t{1} << 30;

  // Room for the numbers 0 .. 8 * min(bytes, max_bytes) - 1 (whole 64-bit words). No room
  // (0 bytes, or memory that cannot be mapped): every id is left to the fingerprints.
  explicit numeric_id_bitmap(std::size_t bytes);
  ~numeric_id_bitmap();
  numeric_id_bitmap(const numeric_id_bitmap&) = delete;
  numeric_id_bitmap& operator=(const numeric_id_bitmap&) = delete;

  [[nodiscard]] std::uint64_t capacity() const noexcept { return capacity_; }

  // The number a (trimmed) id stands for when it is one in canonical form below capacity(),
  // else `none`.
  [[nodiscard]] std::uint64_t number_of(std::string_view id) const noexcept {
    // 18 digits cannot overflow 64 bits; a capacity that large is never mapped.
    if (id.empty() || id.size() > 18 || (id[0] == '0' && id.size() > 1)) return none;
    if (std::endian::native == std::endian::little && id.size() <= 8) {  // a word at a time
      const std::uint64_t values = detail::swar::digit_values(detail::swar::load_short(id.data(), id.size()));
      if ((detail::swar::not_digits(values) & detail::swar::first_bytes(id.size())) != 0) return none;
      const std::uint64_t number = detail::swar::digits_number(values, id.size());
      return number < capacity_ ? number : none;
    }
    std::uint64_t number = 0;
    for (const char c : id) {
      const auto digit = static_cast<unsigned>(static_cast<unsigned char>(c) - '0');
      if (digit > 9) return none;
      number = number * 10 + digit;
    }
    return number < capacity_ ? number : none;
  }

  // One thread's claims, gathered a word at a time and published to the shared bitmap when the
  // next claim falls in another word, at flush() and when it is destroyed. Sequential ids, the
  // usual case, then update a shared word once per 64 ids: an atomic update per id was 5 % of a
  // 10M run. Several claimers may work on one bitmap at once.
  class claimer {
   public:
    explicit claimer(numeric_id_bitmap& bits) noexcept : bits_(&bits) {}
    ~claimer() { flush(); }
    claimer(const claimer&) = delete;
    claimer& operator=(const claimer&) = delete;

    // Marks `number` (< capacity()) as given; given before (by anyone), it is marked repeated.
    void claim(std::uint64_t number) noexcept {
      const std::uint64_t word = number >> 6;
      const std::uint64_t bit = std::uint64_t{1} << (number & 63);
      if (word != word_) {
        flush();
        word_ = word;
      }
      repeats_ |= taken_ & bit;
      taken_ |= bit;
    }

    void flush() noexcept {
      if (taken_ != 0) bits_->publish(word_, taken_, repeats_);
      taken_ = repeats_ = 0;
    }

   private:
    numeric_id_bitmap* bits_;
    std::uint64_t word_ = 0;
    std::uint64_t taken_ = 0;    // this word's numbers claimed since the last flush
    std::uint64_t repeats_ = 0;  // of those, the ones claimed twice
  };

  // id_fingerprints::fingerprint of each id whose number was claimed more than once, ascending.
  // Call once every claimer is flushed.
  [[nodiscard]] std::vector<std::uint64_t> repeated_fingerprints() const;

 private:
  // Adds a claimer's `taken` numbers of word `word`; those given before, and `repeats`, are
  // marked repeated. Atomic updates: any number of threads may publish at once.
  void publish(std::uint64_t word, std::uint64_t taken, std::uint64_t repeats) noexcept {
    const std::uint64_t before = std::atomic_ref<std::uint64_t>(taken_[word]).fetch_or(taken, std::memory_order_relaxed);
    repeats |= before & taken;
    if (repeats == 0) return;
    std::atomic_ref<std::uint64_t>(repeated_[word]).fetch_or(repeats, std::memory_order_relaxed);
    std::atomic_ref<std::uint64_t>(summary_[word >> 6]).fetch_or(std::uint64_t{1} << (word & 63), std::memory_order_relaxed);
    any_repeat_.store(true, std::memory_order_relaxed);
  }

  // One mapping, three bitmaps: taken_ and repeated_ (a bit per number), and summary_ (a bit per
  // word of repeated_ that is not 0, so that the end reads only those words).
  std::uint64_t* taken_ = nullptr;
  std::uint64_t* repeated_ = nullptr;
  std::uint64_t* summary_ = nullptr;
  std::size_t words_ = 0;  // of taken_ and of repeated_
  std::uint64_t capacity_ = 0;
  void* mapping_ = nullptr;
  std::size_t mapped_bytes_ = 0;
  std::atomic<bool> any_repeat_ = false;  // else the summary need not be read at all
};

}  // namespace qscore
