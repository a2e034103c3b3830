// The answer counts of one batch (how many valid ballots of each cell gave each code on each
// item), taken once the batch's rows are known and then added to the tally's counts.
//
// The tally keeps a unit's counts as int64 per (item, code), all its groups together (the report
// shows them per unit): 1.2 KB a unit for the bench pool. The batch's valid rows come grouped by
// cell (detail::cell_rows, which the tally builds anyway for its sums): the cells numbered 0, 1,
// 2, ... in order of first appearance, each cell's rows in row order. The counts are taken one
// of three ways (count()):
//   - cell by cell with byte compares (up to 16 codes, on x86-64): see count_by_cell();
//   - item by item into a table of the batch's cells in 32-bit slots (4 KB for 198 cells of 5
//     codes), so that the increments stay in L1; added into the tally once per batch;
//   - straight into the cells, for a batch spread over about as many cells as rows (thousands
//     of units), where a table would be mostly zeros to clear and add up; or, for a unit whose
//     counts the tally has not made yet, kept as rows of codes (pending_answer_rows).
// Counts are integers: every way gives the same counts. The first way leaves its counts pending
// in 16-bit lanes per cell (pending_answer_counts), added to the int64 counts only when a cell's
// lanes could overflow or the tally closes its block (tally::close_block).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "qscore/data/response_batch.hpp"
#include "qscore/detail/avx2.hpp"
#include "qscore/tally/cell_rows.hpp"

namespace qscore::detail {

// One cell's answer counts taken by count_by_cell and not yet added to its int64 counts: per block
// of 16 items and code c >= 1, sixteen 16-bit lanes (one per item of the block); the blanks are
// what the rows leave. A batch adds its 8-bit counts here with two widening adds per block and
// code, where adding them to the int64 counts took 16 scalar adds, and a load and a store each,
// per block and code: with about 19 rows a cell in a batch of the bench pool, that was a third of
// the answer counts' time (3 % of a run).
struct pending_answer_counts {
  std::vector<std::uint16_t> lanes;  // [block][code - 1][lane]; empty until a cell is first counted
  std::uint32_t rows = 0;            // rows in the lanes
  static constexpr std::uint32_t max_rows = 65535;  // no lane can wrap

  // Adds the lanes to counts[item * code_rows + code] (blank, code 0: the rows less the item's
  // answers) and empties them.
  void fold_into(std::int64_t* counts, std::size_t items, std::size_t code_rows) {
    if (rows == 0) return;
    const std::size_t codes = code_rows - 1;
    for (std::size_t item = 0; item < items; ++item) {
      const std::size_t block = item / 16, lane = item % 16;
      std::int64_t answered = 0;
      for (std::size_t code = 1; code < code_rows; ++code) {
        const std::uint16_t n = lanes[(block * codes + code - 1) * 16 + lane];
        counts[item * code_rows + code] += n;
        answered += n;
      }
      counts[item * code_rows] += static_cast<std::int64_t>(rows) - answered;
    }
    clear();
  }
  [[nodiscard]] bool empty() const noexcept { return rows == 0; }
  // Drops the counts without adding them anywhere, keeping the lanes' storage.
  void clear() {
    std::fill(lanes.begin(), lanes.end(), std::uint16_t{0});
    rows = 0;
  }
};

// The codes of valid ballots whose answers are not yet counted, one row per ballot: its codes
// on every item. A tally of thousands of units sees a few rows of each unit per segment, and
// counting them took every unit's int64 counts in each segment's tally (when the counts were
// kept per group as well, 10.8 KB a unit for the bench pool, 54 MB at 5,000 units), zero-filled
// page by page, then read again at the merge, where the rows themselves are 30 bytes each. So a
// unit keeps its rows until they would take half the room of its counts, or until flush();
// merge moves them on uncounted, as it does the score keys. Counts are integers: when a row is
// counted does not change them.
struct pending_answer_rows {
  std::vector<std::uint8_t> codes;  // per row, its codes on items 0 .. K - 1
  std::size_t rows = 0;

  [[nodiscard]] std::size_t size() const noexcept { return rows; }
  [[nodiscard]] bool empty() const noexcept { return rows == 0; }
  // Bytes the rows hold: what decides when they are counted instead.
  [[nodiscard]] std::size_t bytes() const noexcept { return codes.size(); }
  // Adds the rows to counts[item * code_rows + code].
  void count_into(std::int64_t* counts, std::size_t items, std::size_t code_rows) const {
    const std::uint8_t* row = codes.data();
    for (std::size_t r = 0; r < rows; ++r, row += items)
      for (std::size_t j = 0; j < items; ++j) ++counts[j * code_rows + row[j]];
  }
  void append(const pending_answer_rows& other) {
    codes.insert(codes.end(), other.codes.begin(), other.codes.end());
    rows += other.rows;
  }
  // Drops the rows, keeping the storage.
  void clear() noexcept {
    codes.clear();
    rows = 0;
  }
};

#if QSCORE_HAS_AVX2
// count_by_cell's compares for two blocks of 16 items at once (AVX2): rows [from, to) of one
// cell, whose vectors for blocks `block` and `block + 1` lie side by side (`blocks` vectors a
// row), one 32-byte compare and subtract per row and code where SSE2 took two. Adds the counts
// to the cell's 16-bit lanes of both blocks, laid out as count_by_cell's.
[[gnu::target("avx2")]] inline void count_block_pair_avx2(const std::uint8_t* vectors, std::size_t blocks,
                                                           std::size_t block, std::size_t from, std::size_t to,
                                                           std::size_t code_rows, std::uint16_t* lanes) {
  const std::size_t codes = code_rows - 1;
  const std::size_t row_bytes = blocks * 16;
  const std::uint8_t* const first = vectors + from * row_bytes + block * 16;
  const std::size_t rows = to - from;
  std::uint16_t* const low_lanes = lanes + block * codes * 16;  // [block][code - 1][16 lanes]
  std::uint16_t* const high_lanes = low_lanes + codes * 16;
  const __m256i zero = _mm256_setzero_si256();
  for (std::size_t code = 1; code < code_rows; ++code) {
    const __m256i wanted = _mm256_set1_epi8(static_cast<char>(code));
    __m256i tally = _mm256_setzero_si256();
    for (std::size_t k = 0; k < rows; ++k) {
      const __m256i row = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(first + k * row_bytes));
      tally = _mm256_sub_epi8(tally, _mm256_cmpeq_epi8(row, wanted));  // -(-1) per match
    }
    // Widened per 128-bit half: the low half is block `block`, the high half the next.
    const __m256i low = _mm256_unpacklo_epi8(tally, zero), high = _mm256_unpackhi_epi8(tally, zero);
    auto* const a = reinterpret_cast<__m128i*>(low_lanes + (code - 1) * 16);
    auto* const b = reinterpret_cast<__m128i*>(high_lanes + (code - 1) * 16);
    _mm_storeu_si128(a, _mm_add_epi16(_mm_loadu_si128(a), _mm256_castsi256_si128(low)));
    _mm_storeu_si128(a + 1, _mm_add_epi16(_mm_loadu_si128(a + 1), _mm256_castsi256_si128(high)));
    _mm_storeu_si128(b, _mm_add_epi16(_mm_loadu_si128(b), _mm256_extracti128_si256(low, 1)));
    _mm_storeu_si128(b + 1, _mm_add_epi16(_mm_loadu_si128(b + 1), _mm256_extracti128_si256(high, 1)));
  }
}
#endif

class batch_option_counts {
 public:
  // Takes two blocks of 16 items a step with AVX2 where the processor has it (the default);
  // off, or on a processor without it, one block a step with SSE2. The counts are the same.
  void use_avx2(bool on) noexcept { avx2_ = on && avx2_available(); }

  // Where a tally cell's answer counts go: its unit's int64 counts (by item, then code; the
  // cells of one unit share them) and the cell's pending 16-bit counts (the caller adds them to
  // the int64 counts with fold_into before reading those). For a batch spread thin (see
  // count()) the counts may be null: the cell's rows then go, uncounted, to `rows`, which the
  // caller counts later.
  struct cell_counts {
    std::int64_t* counts = nullptr;
    pending_answer_counts* pending = nullptr;
    pending_answer_rows* rows = nullptr;
  };

  // Counts the codes of `items` items (codes 0 .. code_rows - 1) of the rows `valid` groups by
  // cell, and adds them to each cell's counts, or to its pending counts: true when some were
  // left there. `where(cell, spread)` gives a cell's cell_counts, for each of valid.cells();
  // `spread`: the batch has nearly a cell per row, and the cell may keep its rows instead
  // (null counts). Otherwise its counts must not be null.
  template <class Where>
  bool count(const response_batch& batch, std::size_t items, std::size_t code_rows, const cell_rows& valid,
             Where&& where) {
    const std::span<const std::uint32_t> grouped = valid.grouped();
    const std::uint32_t* const rows = grouped.data();
    const bool spread = valid.cells().size() * code_rows > grouped.size();
    cells_.clear();
    for (const std::uint32_t cell : valid.cells()) {
      const std::span<const std::uint32_t> its = valid.rows(cell);
      const auto first = static_cast<std::size_t>(its.data() - rows);
      cells_.push_back({where(cell, spread), first, first + its.size()});
    }
    // Locals, not members: the int64 counts written below may alias any std::size_t member,
    // which would then be read again at every step.
    const std::size_t cells = cells_.size(), per_item = cells * code_rows;
    const batch_cell* const cell_list = cells_.data();
    if (spread) {
      // Nearly a cell per row (thousands of units): a table would be mostly zeros to clear and
      // add up, so each count goes straight to its cell. Cell by cell, each row's items in turn:
      // a unit's counts (items x code_rows x 8 bytes, 1.2 KB for the bench pool) are then read
      // once a batch, in order, while the batch's codes (a few hundred KB) stay in cache. Item
      // by item, the counts of thousands of units were read again for every item, from the
      // last-level cache or memory: 9 % of a one-thread run of 4M rows over 5,000 units, 7 % now.
      const std::ptrdiff_t stride = batch.codes.outerStride();  // a row's item j + 1 code: stride codes on
      const answer_code* const codes = batch.codes.data();
      for (std::size_t c = 0; c < cells; ++c) {
        std::int64_t* const counts = cell_list[c].to.counts;
        if (counts == nullptr) continue;
        for (std::size_t k = cell_list[c].first; k < cell_list[c].last; ++k) {
          const answer_code* code = codes + rows[k];
          for (std::size_t j = 0; j < items; ++j, code += stride) ++counts[j * code_rows + *code];
        }
      }
      // The cells without counts keep their rows' codes.
      for (std::size_t c = 0; c < cells; ++c) {
        pending_answer_rows* const kept = cell_list[c].to.rows;
        if (cell_list[c].to.counts != nullptr) continue;
        for (std::size_t k = cell_list[c].first; k < cell_list[c].last; ++k) {
          ++kept->rows;
          for (std::size_t j = 0; j < items; ++j)
            kept->codes.push_back(batch.codes(static_cast<Eigen::Index>(rows[k]), static_cast<Eigen::Index>(j)));
        }
      }
      return false;
    }
    if (by_cell_supported(code_rows)) {
      count_by_cell(batch, items, code_rows, grouped);
      return true;
    }
    counts_.assign(items * per_item, 0);
    // Two items per pass over the rows: each cell's slot is computed once for both.
    std::size_t item = 0;
    for (; item + 1 < items; item += 2) {
      const answer_code* const first = batch.codes.col(static_cast<Eigen::Index>(item)).data();
      const answer_code* const second = batch.codes.col(static_cast<Eigen::Index>(item + 1)).data();
      std::uint32_t* const first_counts = counts_.data() + item * per_item;
      std::uint32_t* const second_counts = first_counts + per_item;
      for (std::size_t c = 0; c < cells; ++c) {
        std::uint32_t* const a = first_counts + c * code_rows;
        std::uint32_t* const b = second_counts + c * code_rows;
        for (std::size_t k = cell_list[c].first; k < cell_list[c].last; ++k) {
          ++a[first[rows[k]]];
          ++b[second[rows[k]]];
        }
      }
    }
    if (item < items) {
      const answer_code* const column = batch.codes.col(static_cast<Eigen::Index>(item)).data();
      std::uint32_t* const counts = counts_.data() + item * per_item;
      for (std::size_t c = 0; c < cells; ++c) {
        std::uint32_t* const a = counts + c * code_rows;
        for (std::size_t k = cell_list[c].first; k < cell_list[c].last; ++k) ++a[column[rows[k]]];
      }
    }
    for (std::size_t c = 0; c < cells; ++c) {
      std::int64_t* const into = cell_list[c].to.counts;
      const std::uint32_t* from = counts_.data() + c * code_rows;
      for (std::size_t j = 0; j < items; ++j, from += per_item)
        for (std::size_t code = 0; code < code_rows; ++code) into[j * code_rows + code] += from[code];
    }
    return false;
  }

 private:
  // Counting cell by cell with byte compares (SSE2, part of every x86-64): the batch's codes,
  // stored item by item, are first turned into one 16-byte vector per row and 16 items
  // (a 16 x 16 byte transpose), stored in the order of the rows grouped by cell; for each cell,
  // each block of 16 items and each code c > 0, one compare and one subtract per row add that
  // row's answers "c" to sixteen 8-bit counters at once (blank is what the other codes leave).
  // That is 2 x 4 compares a row for the bench pool (30 items, codes 0..4) where the table
  // path did 30 increments, each a load and a store that the next may have to wait for. The
  // vectors are written in cell order (the transpose stores each row's where its cell's rows
  // go), so the compares read them one after another. perf, 10M pool rows, -j1: the counts
  // went from 1,669 to 1,000 samples (12.7 % to 7.8 % of the run).
#if defined(__SSE2__)
  // Up to 16 codes: a row then takes at most 15 compares per 16 items, no more than the table
  // path's 16 increments; with more codes the table path is the cheaper.
  static constexpr bool by_cell_supported(std::size_t code_rows) { return code_rows <= 16; }

  // The codes of rows [row, row + 16) for items [item, item + 16) (missing items read as blank),
  // one vector per row: row row + i's goes to out[slot[i] * stride].
  static void transpose_block(const response_batch& batch, std::size_t items, std::size_t item,
                              Eigen::Index row, __m128i* out, const std::size_t* slot, std::size_t stride) {
    __m128i a[16];
    for (std::size_t j = 0; j < 16; ++j)
      a[j] = item + j < items ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(
                                    batch.codes.col(static_cast<Eigen::Index>(item + j)).data() + row))
                              : _mm_setzero_si128();
    __m128i b[16], c[16];
    for (std::size_t i = 0; i < 8; ++i) {  // byte pairs (items 2i, 2i + 1): rows 0-7, 8-15
      b[i] = _mm_unpacklo_epi8(a[2 * i], a[2 * i + 1]);
      b[i + 8] = _mm_unpackhi_epi8(a[2 * i], a[2 * i + 1]);
    }
    for (std::size_t h = 0; h < 2; ++h)  // item quads: rows 0-3, 4-7 (h = 0) or 8-11, 12-15
      for (std::size_t i = 0; i < 4; ++i) {
        c[8 * h + i] = _mm_unpacklo_epi16(b[8 * h + 2 * i], b[8 * h + 2 * i + 1]);
        c[8 * h + i + 4] = _mm_unpackhi_epi16(b[8 * h + 2 * i], b[8 * h + 2 * i + 1]);
      }
    for (std::size_t q = 0; q < 4; ++q) {  // c[4q .. 4q + 3]: rows 4q .. 4q + 3, item quads 0-3
      const __m128i d0 = _mm_unpacklo_epi32(c[4 * q], c[4 * q + 1]);
      const __m128i d1 = _mm_unpackhi_epi32(c[4 * q], c[4 * q + 1]);
      const __m128i d2 = _mm_unpacklo_epi32(c[4 * q + 2], c[4 * q + 3]);
      const __m128i d3 = _mm_unpackhi_epi32(c[4 * q + 2], c[4 * q + 3]);
      out[slot[4 * q + 0] * stride] = _mm_unpacklo_epi64(d0, d2);
      out[slot[4 * q + 1] * stride] = _mm_unpackhi_epi64(d0, d2);
      out[slot[4 * q + 2] * stride] = _mm_unpacklo_epi64(d1, d3);
      out[slot[4 * q + 3] * stride] = _mm_unpackhi_epi64(d1, d3);
    }
  }

  void count_by_cell(const response_batch& batch, std::size_t items, std::size_t code_rows,
                     std::span<const std::uint32_t> grouped) {
    const std::size_t cells = cells_.size(), counted = grouped.size();
    const std::size_t blocks = (items + 15) / 16;
    const auto batch_rows = static_cast<std::size_t>(batch.rows());
    // Where each batch row's vectors go: its place among the rows grouped by cell, so that a
    // cell's rows are then read one after another; a row not counted goes to a spare slot past
    // them.
    slot_of_row_.assign(batch_rows, counted);
    for (std::size_t k = 0; k < counted; ++k) slot_of_row_[grouped[k]] = k;
    // Every row's codes as `blocks` vectors (the rows past the last multiple of 16 one by one).
    row_vectors_.resize((counted + 1) * blocks);
    auto* const vectors = reinterpret_cast<__m128i*>(row_vectors_.data());  // __m128i may alias
    const std::size_t whole = batch_rows / 16 * 16;
    for (std::size_t block = 0; block < blocks; ++block) {
      for (std::size_t row = 0; row < whole; row += 16)
        transpose_block(batch, items, block * 16, static_cast<Eigen::Index>(row), vectors + block,
                        slot_of_row_.data() + row, blocks);
      for (std::size_t row = whole; row < batch_rows; ++row) {
        alignas(16) answer_code lanes[16] = {};
        for (std::size_t j = 0; j < 16 && block * 16 + j < items; ++j)
          lanes[j] = batch.codes(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(block * 16 + j));
        vectors[slot_of_row_[row] * blocks + block] = _mm_load_si128(reinterpret_cast<const __m128i*>(lanes));
      }
    }
    const std::size_t codes = code_rows - 1;
    const __m128i zero = _mm_setzero_si128();
    for (std::size_t c = 0; c < cells; ++c) {
      pending_answer_counts& pending = *cells_[c].to.pending;
      if (pending.lanes.empty()) pending.lanes.assign(blocks * codes * 16, 0);
      const std::size_t first = cells_[c].first, last = cells_[c].last;
      // Eight-bit counters: at most 255 rows per pass, each pass then added to the 16-bit lanes.
      for (std::size_t from = first; from < last; from += 255) {
        const std::size_t to = std::min(last, from + 255);
        if (pending.rows + (to - from) > pending_answer_counts::max_rows)
          pending.fold_into(cells_[c].to.counts, items, code_rows);
        std::size_t block = 0;
#if QSCORE_HAS_AVX2
        if (avx2_)
          for (; block + 1 < blocks; block += 2)
            count_block_pair_avx2(reinterpret_cast<const std::uint8_t*>(row_vectors_.data()), blocks, block, from, to,
                                  code_rows, pending.lanes.data());
#endif
        auto* lanes = reinterpret_cast<__m128i*>(pending.lanes.data()) + block * codes * 2;  // __m128i may alias
        for (; block < blocks; ++block) {
          for (std::size_t code = 1; code < code_rows; ++code, lanes += 2) {
            const __m128i wanted = _mm_set1_epi8(static_cast<char>(code));
            __m128i tally = _mm_setzero_si128();
            for (std::size_t k = from; k < to; ++k) {
              const __m128i row = vectors[k * blocks + block];
              tally = _mm_sub_epi8(tally, _mm_cmpeq_epi8(row, wanted));  // -(-1) per match
            }
            _mm_storeu_si128(lanes, _mm_add_epi16(_mm_loadu_si128(lanes), _mm_unpacklo_epi8(tally, zero)));
            _mm_storeu_si128(lanes + 1, _mm_add_epi16(_mm_loadu_si128(lanes + 1), _mm_unpackhi_epi8(tally, zero)));
          }
        }
        pending.rows += static_cast<std::uint32_t>(to - from);
      }
    }
  }
  struct alignas(16) code_vector {
    std::uint8_t lane[16];
  };
  std::vector<code_vector> row_vectors_;  // per batch row and block of 16 items: its codes
  std::vector<std::size_t> slot_of_row_;  // per batch row: where its vectors go
#else
  static constexpr bool by_cell_supported(std::size_t) { return false; }
  void count_by_cell(const response_batch&, std::size_t, std::size_t, std::span<const std::uint32_t>) {}
#endif

  bool avx2_ = avx2_available();
  // A cell of the batch: where its counts go, and its rows' place among the grouped rows.
  struct batch_cell {
    cell_counts to;
    std::size_t first = 0, last = 0;
  };
  std::vector<batch_cell> cells_;         // the batch's cells, by number
  std::vector<std::uint32_t> counts_;     // [item][cell number][code]
};

}  // namespace qscore::detail
