// A streaming UTF-8 validator for the CSV reader (private to src/data/). The reader checks every
// byte it reads, chunk by chunk, so a sequence may be split across two reads: the state carries
// what is still owed. It also notes NUL bytes, which the reader rejects row by row (R209).
//
// Invalid UTF-8 is a file-level problem (F106), not a row problem: a file exported in another
// encoding (Chinese Excel's "CSV" is GBK/GB18030) is wrong on every line that has non-ASCII
// text, and many GBK byte pairs are also valid UTF-8, so guessing per cell would silently
// score mojibake. Nothing is decoded unless the user names the encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "wide_cells.hpp"  // QSCORE_HAS_WIDE_CELLS, QSCORE_WIDE_CELLS_TARGET, wide_cells_available()

namespace qscore::detail {

struct utf8_state {
  int need = 0;                 // continuation bytes still owed by the open sequence
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the next continuation byte
  std::uint64_t start = 0;      // file offset of the open sequence's lead byte
};

#if QSCORE_HAS_WIDE_CELLS
// How many bytes from p on, in steps of 128 and short of n, are plain ASCII (AVX-512: two 64-byte
// loads a step, where SSE2 took 32 bytes); sets `nul` when one of them is a NUL byte.
[[gnu::target(QSCORE_WIDE_CELLS_TARGET)]] inline std::size_t ascii_prefix_wide(const unsigned char* p, std::size_t n,
                                                                              bool& nul) noexcept {
  std::size_t i = 0;
  std::uint64_t zeros = 0;
  for (; i + 128 <= n; i += 128) {
    const __m512i a = _mm512_loadu_si512(p + i), b = _mm512_loadu_si512(p + i + 64);
    if (_mm512_movepi8_mask(_mm512_or_si512(a, b)) != 0) break;  // a byte >= 0x80
    const __m512i low = _mm512_min_epu8(a, b);                  // zero where a or b is
    zeros |= _mm512_testn_epi8_mask(low, low);
  }
  if (zeros != 0) nul = true;
  return i;
}
#endif

// check_utf8's body; Wide adds the AVX-512 step, and is only compiled into check_utf8_wide.
template <bool Wide>
[[gnu::always_inline]] inline std::uint64_t check_utf8_body(const unsigned char* p, std::size_t n, std::uint64_t offset,
                                                             utf8_state& s, bool& nul) {
  constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  std::size_t i = 0;
  while (i < n) {
    if (s.need == 0) {
#if QSCORE_HAS_WIDE_CELLS
      if constexpr (Wide) i += ascii_prefix_wide(p + i, n - i, nul);
#endif
      // Plain ASCII 32 bytes at a time (SSE2, in every x86-64), then eight at a time: almost
      // every byte of a survey file.
#if defined(__SSE2__)
      const __m128i zero = _mm_setzero_si128();
      while (i + 32 <= n) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 16));
        if (_mm_movemask_epi8(_mm_or_si128(a, b)) != 0) break;  // a byte >= 0x80
        if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(a, zero), _mm_cmpeq_epi8(b, zero))) != 0) nul = true;
        i += 32;
      }
#endif
      while (i + 8 <= n) {
        std::uint64_t word = 0;
        std::memcpy(&word, p + i, 8);
        if ((word & high_bits) != 0) break;
        if (((word - ones) & ~word & high_bits) != 0) nul = true;  // a zero byte in the word
        i += 8;
      }
      if (i == n) break;
      const unsigned char c = p[i];
      if (c < 0x80) {
        if (c == 0) nul = true;
        ++i;
        continue;
      }
      s.start = offset + i;
      s.lo = 0x80;
      s.hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) s.need = 1;
      else if (c == 0xE0) { s.need = 2; s.lo = 0xA0; }
      else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) s.need = 2;
      else if (c == 0xED) { s.need = 2; s.hi = 0x9F; }  // no UTF-16 surrogates
      else if (c == 0xF0) { s.need = 3; s.lo = 0x90; }
      else if (c >= 0xF1 && c <= 0xF3) s.need = 3;
      else if (c == 0xF4) { s.need = 3; s.hi = 0x8F; }  // nothing above U+10FFFF
      else return s.start;  // 80..C1 (stray continuation, overlong lead) or F5..FF
      ++i;
      continue;
    }
    const unsigned char c = p[i];
    if (c < s.lo || c > s.hi) return s.start;
    s.lo = 0x80;
    s.hi = 0xBF;
    --s.need;
    ++i;
  }
  return UINT64_MAX;
}

// Checks p[0, n), whose first byte is at file offset `offset`. Returns the file offset of the
// first invalid sequence's first byte, or UINT64_MAX when all is well. Sets `nul` when a NUL
// byte is seen.
inline std::uint64_t check_utf8(const unsigned char* p, std::size_t n, std::uint64_t offset, utf8_state& s,
                                bool& nul) {
  return check_utf8_body<false>(p, n, offset, s, nul);
}

#if QSCORE_HAS_WIDE_CELLS
// The same, 128 bytes a step through plain ASCII; only where wide_cells_available(). The body
// is compiled a second time for AVX-512 so that the step inlines: a call for each stretch of
// ASCII between two Chinese characters would cost more than it saves.
[[gnu::target(QSCORE_WIDE_CELLS_TARGET)]] inline std::uint64_t check_utf8_wide(const unsigned char* p, std::size_t n,
                                                                               std::uint64_t offset, utf8_state& s,
                                                                               bool& nul) {
  return check_utf8_body<true>(p, n, offset, s, nul);
}
#endif

}  // namespace qscore::detail
