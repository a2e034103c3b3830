// The CSV fast path's answer codes, written row by row and moved into the batch 64 rows at a
// time (x86-64 with AVX-512 only, with the wide cells of wide_cells.hpp).
//
// A batch keeps its codes item by item (column-major: the scoring kernel reads an item's codes
// for many rows at once), but a CSV row gives one code of every item. Written straight into the
// batch, a row of the bench pool's 30 items was 30 one-byte stores to 30 places, each through
// the stack: storing every row's codes a second time that way cost 8 % more CPU in a one-thread
// run (bench/RESULTS.md, seventeenth round). Here a row's run of codes is one masked vector
// store into a small row-major stage, and the stage goes into the batch 16 rows × 64 items at a
// time, transposed in registers (four rounds of byte, word, doubleword and quadword
// interleaves within each 128-bit lane), one 16-byte store per item and 16 rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "qscore/plan/scoring_plan.hpp"
#include "wide_cells.hpp"

namespace qscore::detail {

// Rows a stage holds before it is moved into the batch.
inline constexpr std::size_t staged_rows_max = 64;

#if QSCORE_HAS_WIDE_CELLS
// GCC 12 takes the "undefined" pass-through operand inside its own AVX-512 intrinsics (the
// interleaves, the lane extracts) for an uninitialised value (GCC bug 105593, fixed in 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// Moves `rows` (1 .. staged_rows_max) staged rows into a column-major batch: the stage holds row
// r's code of item j at stage[r * stage_stride + j] (stage_stride a multiple of 64, and
// staged_rows_max rows readable whatever `rows` is); the batch takes it at
// column0[j * column_stride + r]. Only the `rows` × `items` codes are written.
[[gnu::target(QSCORE_WIDE_CELLS_TARGET)]] inline void move_staged_codes(const answer_code* stage,
                                                                        std::size_t stage_stride,
                                                                        std::size_t rows, std::size_t items,
                                                                        answer_code* column0,
                                                                        std::size_t column_stride) noexcept {
  for (std::size_t first = 0; first < rows; first += 16) {
    const std::size_t count = rows - first < 16 ? rows - first : 16;
    const auto keep = static_cast<__mmask16>((1U << count) - 1U);
    for (std::size_t group = 0; group < items; group += 64) {
      // a[k], lane L: row first + k, items group + 16 L .. + 15.
      __m512i a[16], b[16];
      for (std::size_t k = 0; k < 16; ++k)
        a[k] = _mm512_loadu_si512(stage + (first + k) * stage_stride + group);
      // Bytes of rows 2i, 2i + 1 side by side: b[2i] items 0-7, b[2i + 1] items 8-15.
      for (std::size_t i = 0; i < 8; ++i) {
        b[2 * i] = _mm512_unpacklo_epi8(a[2 * i], a[2 * i + 1]);
        b[2 * i + 1] = _mm512_unpackhi_epi8(a[2 * i], a[2 * i + 1]);
      }
      // Rows 4i .. 4i + 3: a[4i + q] items 4q .. 4q + 3.
      for (std::size_t i = 0; i < 4; ++i) {
        a[4 * i] = _mm512_unpacklo_epi16(b[4 * i], b[4 * i + 2]);
        a[4 * i + 1] = _mm512_unpackhi_epi16(b[4 * i], b[4 * i + 2]);
        a[4 * i + 2] = _mm512_unpacklo_epi16(b[4 * i + 1], b[4 * i + 3]);
        a[4 * i + 3] = _mm512_unpackhi_epi16(b[4 * i + 1], b[4 * i + 3]);
      }
      // Rows 8i .. 8i + 7: b[8i + 2q] items 4q, 4q + 1; b[8i + 2q + 1] items 4q + 2, 4q + 3.
      for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t q = 0; q < 4; ++q) {
          b[8 * i + 2 * q] = _mm512_unpacklo_epi32(a[8 * i + q], a[8 * i + 4 + q]);
          b[8 * i + 2 * q + 1] = _mm512_unpackhi_epi32(a[8 * i + q], a[8 * i + 4 + q]);
        }
      // All 16 rows: a[x] item x (of the lane's 16).
      for (std::size_t n = 0; n < 8; ++n) {
        a[2 * n] = _mm512_unpacklo_epi64(b[n], b[8 + n]);
        a[2 * n + 1] = _mm512_unpackhi_epi64(b[n], b[8 + n]);
      }
      // Item group + 16 L + x: lane L of a[x], 16 rows, into its column.
      answer_code* const at = column0 + first;
      for (std::size_t x = 0; x < 16; ++x) {
        const std::size_t item = group + x;
        if (item < items) _mm_mask_storeu_epi8(at + item * column_stride, keep, _mm512_castsi512_si128(a[x]));
        if (item + 16 < items)
          _mm_mask_storeu_epi8(at + (item + 16) * column_stride, keep, _mm512_extracti32x4_epi32(a[x], 1));
        if (item + 32 < items)
          _mm_mask_storeu_epi8(at + (item + 32) * column_stride, keep, _mm512_extracti32x4_epi32(a[x], 2));
        if (item + 48 < items)
          _mm_mask_storeu_epi8(at + (item + 48) * column_stride, keep, _mm512_extracti32x4_epi32(a[x], 3));
      }
    }
  }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

}  // namespace qscore::detail
