// numeric_id_bitmap: the mapping of its bitmaps and the list of repeats. See the header.
#include "qscore/data/numeric_id_bitmap.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <charconv>

#include "qscore/data/id_fingerprints.hpp"
#include "qscore/data/respondent_ids.hpp"

namespace qscore {

numeric_id_bitmap::numeric_id_bitmap(std::size_t bytes) {
  const std::size_t words = std::min(bytes, max_bytes) / sizeof(std::uint64_t);
  if (words == 0) return;
  const std::size_t summary_words = (words + 63) / 64;
  const std::size_t mapped = (2 * words + summary_words) * sizeof(std::uint64_t);
  // Zero-filled memory whose pages are taken only when first written.
  void* at = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (at == MAP_FAILED) return;  // no room: every id is left to the fingerprints
  mapping_ = at;
  mapped_bytes_ = mapped;
  taken_ = static_cast<std::uint64_t*>(at);
  repeated_ = taken_ + words;
  summary_ = repeated_ + words;
  words_ = words;
  capacity_ = std::uint64_t{words} * 64;
}

numeric_id_bitmap::~numeric_id_bitmap() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapped_bytes_);
}

std::vector<std::uint64_t> numeric_id_bitmap::repeated_fingerprints() const {
  std::vector<std::uint64_t> out;
  if (!any_repeat_.load(std::memory_order_relaxed)) return out;
  const std::size_t summary_words = (words_ + 63) / 64;
  for (std::size_t s = 0; s < summary_words; ++s) {
    for (std::uint64_t words = summary_[s]; words != 0; words &= words - 1) {
      const std::uint64_t w = s * 64 + static_cast<std::uint64_t>(std::countr_zero(words));
      for (std::uint64_t bits = repeated_[w]; bits != 0; bits &= bits - 1) {
        const std::uint64_t number = w * 64 + static_cast<std::uint64_t>(std::countr_zero(bits));
        // The id is the number's canonical form: the very text the reader hashed.
        char text[24];
        const auto written = std::to_chars(text, text + sizeof text, number);
        const std::string_view id(text, static_cast<std::size_t>(written.ptr - text));
        out.push_back(id_fingerprints::fingerprint(respondent_id_set::hash(id)));
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());  // two ids, one fingerprint
  return out;
}

}  // namespace qscore
