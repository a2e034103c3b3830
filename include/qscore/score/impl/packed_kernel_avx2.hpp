// The integer kernel 32 rows at a time, with AVX2 byte shuffles (x86-64 only; chosen at run
// time, so the library still runs on any x86-64 and builds everywhere).
//
// The scalar integer kernel (scorer.hpp) does a table load and a 64-bit add per answer: about
// 2 GB/s of codes. When the plan's byte planes exist (packed_points::planes: every row's sums
// fit 16 bits), an item's table is five 16-entry byte tables, and one `vpshufb` looks up 32
// rows' codes in one of them. Per item and 32 rows: a load, five shuffles, four unpacks to
// 16-bit lanes and five adds (four shuffles, two unpacks and four adds when the weights add in
// bytes). The sums are the same integers as the scalar kernel's, and each score is the same
// division of them, so the scores are the same bits.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>

#include "qscore/data/response_batch.hpp"
#include "qscore/detail/avx2.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore::detail {

inline constexpr Eigen::Index avx2_kernel_rows = 32;

#if QSCORE_HAS_AVX2
// Rows [first, first + 32 * blocks) of every item score column, from plan.packed.planes. The
// caller checks avx2_available() and plan.packed.has_planes().
template <bool ByteWeights, class ScoreBatch>
[[gnu::target("avx2")]] void score_blocks_packed_avx2(const scoring_plan& plan, const response_batch& batch,
                                                      Eigen::Index first, Eigen::Index blocks, ScoreBatch& out) {
  const auto k = static_cast<Eigen::Index>(plan.item_count());
  const auto item_columns = static_cast<Eigen::Index>(plan.item_score_columns());
  const Eigen::Index stride = batch.codes.rows();  // column-major: item j's codes are a column
  static_assert(packed_points::plane_bytes == sizeof(__m256i));
  constexpr std::size_t item_bytes = packed_points::plane_count * packed_points::plane_bytes;
  alignas(32) std::int16_t points[avx2_kernel_rows];
  alignas(32) std::uint16_t weights[avx2_kernel_rows];
  alignas(32) std::uint8_t counts[avx2_kernel_rows];
  for (Eigen::Index s = 0; s < item_columns; ++s) {
    const std::uint8_t* const column_planes = plan.packed.planes.data() + static_cast<std::size_t>(s * k) * item_bytes;
    for (Eigen::Index block = 0; block < blocks; ++block) {
      const Eigen::Index row = first + block * avx2_kernel_rows;
      // Unpacking interleaves within 128-bit lanes: the "low" sums hold rows 0-7 and 16-23,
      // the "high" ones rows 8-15 and 24-31.
      __m256i points_low = _mm256_setzero_si256(), points_high = _mm256_setzero_si256();
      __m256i weights_low = _mm256_setzero_si256(), weights_high = _mm256_setzero_si256();
      __m256i answered = _mm256_setzero_si256();
      const answer_code* codes_of_item = batch.codes.data() + row;
      const std::uint8_t* item = column_planes;
      for (Eigen::Index j = 0; j < k; ++j, codes_of_item += stride, item += item_bytes) {
        const __m256i codes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes_of_item));
        const auto* const tables = reinterpret_cast<const __m256i*>(item);  // plane_bytes apart
        const __m256i p_low = _mm256_shuffle_epi8(_mm256_loadu_si256(tables), codes);
        const __m256i p_high = _mm256_shuffle_epi8(_mm256_loadu_si256(tables + 1), codes);
        const __m256i w_low = _mm256_shuffle_epi8(_mm256_loadu_si256(tables + 2), codes);
        points_low = _mm256_add_epi16(points_low, _mm256_unpacklo_epi8(p_low, p_high));
        points_high = _mm256_add_epi16(points_high, _mm256_unpackhi_epi8(p_low, p_high));
        if constexpr (ByteWeights) {
          weights_low = _mm256_add_epi8(weights_low, w_low);  // all 32 rows; widened below
        } else {
          const __m256i w_high = _mm256_shuffle_epi8(_mm256_loadu_si256(tables + 3), codes);
          weights_low = _mm256_add_epi16(weights_low, _mm256_unpacklo_epi8(w_low, w_high));
          weights_high = _mm256_add_epi16(weights_high, _mm256_unpackhi_epi8(w_low, w_high));
        }
        answered = _mm256_add_epi8(answered, _mm256_shuffle_epi8(_mm256_loadu_si256(tables + 4), codes));
      }
      if constexpr (ByteWeights) {  // to 16-bit lanes in the order of the point sums
        const __m256i bytes = weights_low;
        weights_low = _mm256_unpacklo_epi8(bytes, _mm256_setzero_si256());
        weights_high = _mm256_unpackhi_epi8(bytes, _mm256_setzero_si256());
      }
      // Back to row order: rows 0-15, then 16-31.
      _mm256_store_si256(reinterpret_cast<__m256i*>(points), _mm256_permute2x128_si256(points_low, points_high, 0x20));
      _mm256_store_si256(reinterpret_cast<__m256i*>(points + 16), _mm256_permute2x128_si256(points_low, points_high, 0x31));
      _mm256_store_si256(reinterpret_cast<__m256i*>(weights), _mm256_permute2x128_si256(weights_low, weights_high, 0x20));
      _mm256_store_si256(reinterpret_cast<__m256i*>(weights + 16), _mm256_permute2x128_si256(weights_low, weights_high, 0x31));
      _mm256_store_si256(reinterpret_cast<__m256i*>(counts), answered);
      // As the scalar kernel: points / weight when some weight was answered, else 0 and no
      // score. Four rows a division (the compiler divided one at a time: more than half the
      // kernel's time); max(weight, 1) divides by the weight itself wherever it counts.
      double* const score_out = &out.score(row, s);
      bool* const has_out = &out.has_score(row, s);
      const __m128i zero = _mm_setzero_si128(), one = _mm_set1_epi32(1);
      for (Eigen::Index i = 0; i < avx2_kernel_rows; i += 4) {
        const __m128i points4 = _mm_cvtepi16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(points + i)));
        const __m128i weights4 = _mm_cvtepu16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(weights + i)));
        const __m256d quotient =
            _mm256_div_pd(_mm256_cvtepi32_pd(points4), _mm256_cvtepi32_pd(_mm_max_epi32(weights4, one)));
        const __m256d answered_some = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_cmpgt_epi32(weights4, zero)));
        _mm256_storeu_pd(score_out + i, _mm256_and_pd(quotient, answered_some));  // +0.0 where none
      }
      for (Eigen::Index i = 0; i < avx2_kernel_rows; ++i) has_out[i] = weights[i] != 0;
      if (s == 0)
        for (Eigen::Index i = 0; i < avx2_kernel_rows; ++i) out.answered(row + i) = counts[i];
    }
  }
}
#endif

}  // namespace qscore::detail
