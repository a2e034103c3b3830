// The CSV fast path's answer cells 32 at a time, with AVX-512 (x86-64 only; chosen at run time,
// so the library runs on any x86-64 and builds everywhere).
//
// Survey answers are mostly one byte ("3") or blank: a run of them reads "3,1,,4,2,". The word
// loop of csv_reader's fast path takes four such cells per 8-byte word, and only while none of
// the four is blank; every blank (3 % of the bench pool's cells) sends it cell by cell for a
// while. Here one 64-byte load covers a whole run of up to 32 cells: the delimiters' bit mask
// says where each cell starts (the first byte, and the byte after each delimiter) and that no
// cell holds two bytes; `vpcompressb` gathers the cells' first bytes (a blank cell's is its
// delimiter) and `vpermi2b` looks them up in the item's table of the 128 ASCII bytes, where the
// delimiter reads as a blank. The codes are those the word loop and the general path give. They
// go to a row-major stage, one masked store a run (staged_codes.hpp moves them into the batch).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "qscore/plan/scoring_plan.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QSCORE_HAS_WIDE_CELLS 1
// The instructions the wide code is compiled for: every function with this target, and the
// run-time check below, name the same set.
#define QSCORE_WIDE_CELLS_TARGET "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,bmi2"
#include <immintrin.h>
#else
#define QSCORE_HAS_WIDE_CELLS 0
#endif

namespace qscore::detail {

// The most cells one call decodes: at most two bytes a cell fit the 64 bytes it loads.
inline constexpr std::size_t wide_cells_max = 32;

// Whether this processor has the instructions of QSCORE_WIDE_CELLS_TARGET (asked once).
[[nodiscard]] inline bool wide_cells_available() noexcept {
#if QSCORE_HAS_WIDE_CELLS
  static const bool available = __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512bw") != 0 &&
                                __builtin_cpu_supports("avx512vl") != 0 && __builtin_cpu_supports("avx512vbmi") != 0 &&
                                __builtin_cpu_supports("avx512vbmi2") != 0 && __builtin_cpu_supports("bmi2") != 0;
  return available;
#else
  return false;
#endif
}

// What decode_wide_cells returns when it decodes nothing (the caller decodes the cells another
// way), and when a one-byte cell is no code of its item (the row leaves the fast path).
inline constexpr std::ptrdiff_t wide_cells_none = 0, wide_cells_invalid = -1;

#if QSCORE_HAS_WIDE_CELLS
// Decodes `cells` (1 .. wide_cells_max) consecutive cells at p, each one byte or blank and each
// followed by `delimiter`, when all of them are such cells and their last delimiter lies before
// `line_bytes`; stores cell i's code at out[i] and returns the bytes the cells took,
// the delimiter after the last one included. `table` is the items' shared table of the bytes
// 0..127 (the delimiter's entry the blank code). 64 bytes from p must be readable. Anything
// else (a longer cell, too few delimiters in reach, a byte of 128 or more) decodes nothing,
// changes nothing and returns wide_cells_none. A number, not a struct: returned through memory,
// a struct was stored and loaded again on every call.
[[gnu::target(QSCORE_WIDE_CELLS_TARGET)]] inline std::ptrdiff_t decode_wide_cells(
    const char* p, std::size_t cells, std::size_t line_bytes, char delimiter, const answer_code* table,
    answer_code* out) noexcept {
  const __m512i bytes = _mm512_loadu_si512(p);
  const std::uint64_t delimiters = _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8(delimiter));
  if (static_cast<std::size_t>(std::popcount(delimiters)) < cells) return wide_cells_none;
  // The cells-th delimiter ends the run; the cells lie before it.
  const auto last = static_cast<std::size_t>(std::countr_zero(_pdep_u64(std::uint64_t{1} << (cells - 1), delimiters)));
  if (last >= line_bytes) return wide_cells_none;
  const std::uint64_t inside = (std::uint64_t{1} << last) - 1;
  const std::uint64_t filled = ~delimiters & inside;
  if ((filled & (filled >> 1)) != 0) return wide_cells_none;  // two bytes in a row: a longer cell
  const std::uint64_t starts = ((delimiters & inside) << 1) | 1;
  const __m512i first_bytes = _mm512_maskz_compress_epi8(starts, bytes);
  const std::uint64_t used = (std::uint64_t{1} << cells) - 1;
  if ((_mm512_movepi8_mask(first_bytes) & used) != 0) return wide_cells_none;  // a byte of 128 or more
  const __m512i low = _mm512_loadu_si512(table), high = _mm512_loadu_si512(table + 64);
  const __m512i codes = _mm512_permutex2var_epi8(low, first_bytes, high);
  if ((_mm512_cmpeq_epi8_mask(codes, _mm512_set1_epi8(static_cast<char>(code_decoder::invalid))) & used) != 0)
    return wide_cells_invalid;
  _mm512_mask_storeu_epi8(out, used, codes);
  return static_cast<std::ptrdiff_t>(last + 1);
}
#endif

#if QSCORE_HAS_WIDE_CELLS
// The first '\n' in [p, p + size), or nullptr: 64 bytes a step while 64 remain, then memchr.
// A record of the bench pool is 80 bytes: two compares instead of a call to the library.
[[gnu::target(QSCORE_WIDE_CELLS_TARGET)]] inline const char* find_newline_wide(const char* p, std::size_t size) noexcept {
  const __m512i newlines = _mm512_set1_epi8('\n');
  for (; size >= 64; p += 64, size -= 64)
    if (const std::uint64_t at = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p), newlines); at != 0)
      return p + std::countr_zero(at);
  return static_cast<const char*>(std::memchr(p, '\n', size));
}
#endif

}  // namespace qscore::detail
