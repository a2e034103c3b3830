// AVX2 where the processor has it: the paths that use it (the scoring kernel, the answer
// counts) are compiled with [[gnu::target("avx2")]] and chosen at run time, so the library
// builds for and runs on any x86 (and builds everywhere else, without them).
#pragma once

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define QSCORE_HAS_AVX2 1  // AVX2 code can be compiled here
#include <immintrin.h>
#else
#define QSCORE_HAS_AVX2 0
#endif

namespace qscore::detail {

// Whether this processor runs AVX2 code (asked once).
[[nodiscard]] inline bool avx2_available() noexcept {
#if QSCORE_HAS_AVX2
  static const bool available = __builtin_cpu_supports("avx2") != 0;
  return available;
#else
  return false;
#endif
}

}  // namespace qscore::detail
