// Whole-number points and weights, packed for the scorer's integer kernel.
//
// Most definitions give whole points (100 / 80 / 0, or 1..5) and whole item weights. Then a
// respondent's weighted point sum Σ w·p, weight sum Σ w·a and answered count Σ a are integers,
// and the three can travel in one 64-bit word:
//
//   bits  0..15  answered items              (column 0 only; K < 2^16)
//   bits 16..39  Σ w·a, the weight of the answered items   (< 2^24)
//   bits 40..63  Σ w·p, signed                             (|.| < 2^23)
//
// Adding the words of a row's K answers adds all three at once: the low fields never carry into
// the next, because the bounds are checked here for the largest possible row. The sums are the
// exact integers the double kernel's products would hold (every partial sum of whole numbers
// below 2^53 is exact in a double), so both kernels give bit-identical scores; the integer one
// does a table load and an add per answer instead of two lookups, two stores and two
// multiply-adds.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <vector>

namespace qscore {

struct packed_points {
  static constexpr int weight_shift = 16;
  static constexpr int points_shift = 40;
  static constexpr std::uint64_t count_mask = (std::uint64_t{1} << weight_shift) - 1;
  static constexpr std::uint64_t weight_mask = (std::uint64_t{1} << (points_shift - weight_shift)) - 1;

  // words[(s * K + j) * code_rows + c]: what code c on item j adds to score column s. Empty when
  // some point or weight is not a whole number, or a sum could overflow its field: the scorer
  // then takes the double kernel.
  std::vector<std::uint64_t> words;

  // The same table as byte planes for a 32-row SIMD kernel (score/impl/packed_kernel_avx2.hpp),
  // when every row's sums also fit 16-bit lanes: |Σ w·p| < 2^15, Σ w·a < 2^16, K < 256 (the
  // answered count in 8 bits), and at most 16 codes (one byte-shuffle table an item). For item
  // j of score column s, 32-byte planes at planes[((s * K + j) * plane_count + f) * 32]: the
  // low and high bytes of w·p, of w·a, and the answered count (column 0; zero elsewhere), each
  // 16 code entries written twice (a shuffle looks up within each 16-byte lane). Empty else.
  // When every row's Σ w·a is below 2^8 too (items weighing 1 to 3, say), the kernel adds the
  // weights in 8-bit lanes and the high weight plane is zero.
  static constexpr std::size_t plane_count = 5, plane_bytes = 32, max_plane_codes = 16;
  std::vector<std::uint8_t> planes;
  bool byte_weights = false;

  [[nodiscard]] bool usable() const { return !words.empty(); }
  [[nodiscard]] bool has_planes() const { return !planes.empty(); }

  [[nodiscard]] static std::int64_t points_of(std::uint64_t word) {
    return static_cast<std::int64_t>(word) >> points_shift;  // arithmetic: the field is signed
  }
  [[nodiscard]] static std::int64_t weight_of(std::uint64_t word) {
    return static_cast<std::int64_t>((word >> weight_shift) & weight_mask);
  }
  [[nodiscard]] static std::int64_t count_of(std::uint64_t word) {
    return static_cast<std::int64_t>(word & count_mask);
  }
};

namespace detail {

// The byte planes of packed_points::planes, from words whose sums are known to fit 16 bits.
[[nodiscard]] inline std::vector<std::uint8_t> byte_planes(const std::vector<std::uint64_t>& words, Eigen::Index k,
                                                           Eigen::Index s_count, Eigen::Index code_rows) {
  constexpr std::size_t plane_bytes = packed_points::plane_bytes;
  constexpr std::size_t lane_bytes = packed_points::max_plane_codes;
  std::vector<std::uint8_t> planes(static_cast<std::size_t>(s_count * k) * packed_points::plane_count * plane_bytes, 0);
  for (Eigen::Index s = 0; s < s_count; ++s) {
    for (Eigen::Index j = 0; j < k; ++j) {
      std::uint8_t* const item = planes.data() + static_cast<std::size_t>(s * k + j) * packed_points::plane_count * plane_bytes;
      for (Eigen::Index c = 0; c < code_rows; ++c) {
        const std::uint64_t word = words[static_cast<std::size_t>((s * k + j) * code_rows + c)];
        // Two's complement 16-bit for the points: lanes add modulo 2^16, and the row's sum fits.
        const auto points = static_cast<std::uint16_t>(packed_points::points_of(word));
        const auto weight = static_cast<std::uint16_t>(packed_points::weight_of(word));
        const std::uint8_t values[packed_points::plane_count] = {
            static_cast<std::uint8_t>(points & 0xFF), static_cast<std::uint8_t>(points >> 8),
            static_cast<std::uint8_t>(weight & 0xFF), static_cast<std::uint8_t>(weight >> 8),
            static_cast<std::uint8_t>(packed_points::count_of(word))};
        for (std::size_t f = 0; f < packed_points::plane_count; ++f) {
          item[f * plane_bytes + static_cast<std::size_t>(c)] = values[f];
          item[f * plane_bytes + lane_bytes + static_cast<std::size_t>(c)] = values[f];
        }
      }
    }
  }
  return planes;
}

}  // namespace detail

// Packs points_lut (code_rows x K), answered_lut (code_rows x K) and weights (K x S); returns an
// unusable table when the integer kernel would not be exact.
[[nodiscard]] inline packed_points pack_points(const Eigen::ArrayXXd& points_lut,
                                               const Eigen::ArrayXXd& answered_lut,
                                               const Eigen::MatrixXd& weights) {
  const Eigen::Index code_rows = points_lut.rows();
  const Eigen::Index k = points_lut.cols();
  const Eigen::Index s_count = weights.cols();
  packed_points out;
  if (k >= (Eigen::Index{1} << packed_points::weight_shift)) return out;
  const auto whole = [](double x) { return std::isfinite(x) && x == std::round(x); };
  const double points_limit = std::ldexp(1.0, 63 - packed_points::points_shift);
  const double weight_limit = std::ldexp(1.0, packed_points::points_shift - packed_points::weight_shift);
  std::vector<std::uint64_t> words(static_cast<std::size_t>(s_count * k * code_rows), 0);
  // Whether the byte planes can carry the sums (checked with the words' own bounds below).
  bool narrow = k < 256 && code_rows <= static_cast<Eigen::Index>(packed_points::max_plane_codes);
  bool byte_weights = true;
  for (Eigen::Index s = 0; s < s_count; ++s) {
    double largest_points = 0.0, largest_weight = 0.0;  // over a whole row: sums of the largest
    for (Eigen::Index j = 0; j < k; ++j) {
      const double w = weights(j, s);
      if (!whole(w) || w < 0.0) return {};
      double item_points = 0.0;
      for (Eigen::Index c = 0; c < code_rows; ++c) {
        const double wp = w * points_lut(c, j);
        const double wa = w * answered_lut(c, j);
        if (!whole(points_lut(c, j)) || !whole(wp) || std::fabs(wp) >= points_limit) return {};
        item_points = std::max(item_points, std::fabs(wp));
        auto word = static_cast<std::uint64_t>(static_cast<std::int64_t>(wp)) << packed_points::points_shift;
        word += static_cast<std::uint64_t>(wa) << packed_points::weight_shift;
        if (s == 0) word += static_cast<std::uint64_t>(answered_lut(c, j) != 0.0 ? 1 : 0);
        words[static_cast<std::size_t>((s * k + j) * code_rows + c)] = word;
      }
      largest_points += item_points;
      largest_weight += w;
    }
    if (largest_points >= points_limit || largest_weight >= weight_limit) return {};
    narrow = narrow && largest_points < 32768.0 && largest_weight < 65536.0;
    byte_weights = byte_weights && largest_weight < 256.0;
  }
  out.words = std::move(words);
  if (narrow) {
    out.planes = detail::byte_planes(out.words, k, s_count, code_rows);
    out.byte_weights = byte_weights;
  }
  return out;
}

}  // namespace qscore
