// The integer kernel: when the plan packs its points (plan/packed_points.hpp), and that scoring
// through the packed words gives the same bits as the double kernel.
#include "qscore/plan/packed_points.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <utility>
#include <random>

#include "qscore/data/batch_builder.hpp"
#include "qscore/score/scorer.hpp"
#include "support/small_appraisal.hpp"

namespace {

using namespace qscore;

// The same plan without its packed table: score() then takes the double kernel.
scoring_plan double_kernel_plan(scoring_plan plan) {
  plan.packed = packed_points{};
  return plan;
}

response_batch random_batch(const scoring_plan& plan, int rows, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> code(0, plan.code_rows - 1);
  batch_builder builder(plan);
  std::vector<answer_code> codes(plan.item_count());
  for (int r = 0; r < rows; ++r) {
    for (auto& c : codes) c = static_cast<answer_code>(code(random));
    EXPECT_TRUE(builder.add_coded_row(r % 2, r % 3, codes));
  }
  return builder.take();
}

void expect_same_bits(const score_batch& a, const score_batch& b) {
  ASSERT_EQ(a.score.rows(), b.score.rows());
  ASSERT_EQ(a.score.cols(), b.score.cols());
  for (Eigen::Index i = 0; i < a.score.rows(); ++i) {
    for (Eigen::Index s = 0; s < a.score.cols(); ++s) {
      EXPECT_EQ(a.has_score(i, s), b.has_score(i, s)) << "row " << i << " column " << s;
      EXPECT_EQ(std::bit_cast<std::uint64_t>(a.score(i, s)), std::bit_cast<std::uint64_t>(b.score(i, s)))
          << "row " << i << " column " << s << ": " << a.score(i, s) << " vs " << b.score(i, s);
    }
    EXPECT_EQ(a.answered(i), b.answered(i));
    EXPECT_EQ(a.status(i), b.status(i));
  }
}

TEST(packed_points, whole_points_and_weights_are_packed) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  ASSERT_TRUE(plan.packed.usable());
  // Item q1 (weight 2) in column 0: option 1 adds 2 * 100 points, weight 2 and one answer;
  // option 4 (don't know) adds nothing but is no answer either; blank adds nothing.
  const auto word = [&](std::size_t s, std::size_t j, std::size_t c) {
    return plan.packed.words[(s * plan.item_count() + j) * static_cast<std::size_t>(plan.code_rows) + c];
  };
  EXPECT_EQ(packed_points::points_of(word(0, 0, 1)), 200);
  EXPECT_EQ(packed_points::weight_of(word(0, 0, 1)), 2);
  EXPECT_EQ(packed_points::count_of(word(0, 0, 1)), 1);
  EXPECT_EQ(word(0, 0, 4), 0U);
  EXPECT_EQ(word(0, 0, 0), 0U);
  // q3 belongs to dimension B (column 2), not A (column 1); answers are counted in column 0 only.
  EXPECT_EQ(word(1, 2, 1), 0U);
  EXPECT_EQ(packed_points::points_of(word(2, 2, 3)), 55);
  EXPECT_EQ(packed_points::count_of(word(2, 2, 3)), 0);
}

TEST(packed_points, negative_sums_come_back_signed) {
  // Penalty points: 3 items with -40 points each (weight 1) sum to -120 with weight 3, count 3.
  Eigen::ArrayXXd points(2, 3), answered(2, 3);
  points << 0, 0, 0, -40, -40, -40;
  answered << 0, 0, 0, 1, 1, 1;
  const packed_points packed = pack_points(points, answered, Eigen::MatrixXd::Ones(3, 1));
  ASSERT_TRUE(packed.usable());
  std::uint64_t sum = 0;
  for (std::size_t j = 0; j < 3; ++j) sum += packed.words[j * 2 + 1];
  EXPECT_EQ(packed_points::points_of(sum), -120);
  EXPECT_EQ(packed_points::weight_of(sum), 3);
  EXPECT_EQ(packed_points::count_of(sum), 3);
}

TEST(packed_points, fractions_and_overflow_leave_the_double_kernel) {
  Eigen::ArrayXXd points(2, 2), answered(2, 2);
  points << 0, 0, 100, 100;
  answered << 0, 0, 1, 1;
  EXPECT_TRUE(pack_points(points, answered, Eigen::MatrixXd::Ones(2, 1)).usable());
  Eigen::MatrixXd half = Eigen::MatrixXd::Ones(2, 1);
  half(1, 0) = 1.5;  // 1.5 * 100 = 150 is whole, but a weight of 1.5 is not
  EXPECT_FALSE(pack_points(points, answered, half).usable());
  Eigen::ArrayXXd fractional = points;
  fractional(1, 1) = 62.5;
  EXPECT_FALSE(pack_points(fractional, answered, Eigen::MatrixXd::Ones(2, 1)).usable());
  // Two items of 5,000,000 points: a row could reach 10^7 > 2^23 - 1 = 8,388,607.
  Eigen::ArrayXXd large = points;
  large.row(1).setConstant(5'000'000);
  EXPECT_FALSE(pack_points(large, answered, Eigen::MatrixXd::Ones(2, 1)).usable());
  large.row(1).setConstant(4'000'000);  // 8,000,000 fits
  EXPECT_TRUE(pack_points(large, answered, Eigen::MatrixXd::Ones(2, 1)).usable());
  // Weights summing to 2^24 overflow the weight field (points 0, so only the weights count).
  const Eigen::ArrayXXd no_points = Eigen::ArrayXXd::Zero(2, 2);
  EXPECT_FALSE(pack_points(no_points, answered, Eigen::MatrixXd::Constant(2, 1, 8'388'608)).usable());
  EXPECT_TRUE(pack_points(no_points, answered, Eigen::MatrixXd::Constant(2, 1, 8'388'607)).usable());
  // A definition with fractional points compiles to an unpacked plan and still scores.
  instrument def = fixtures::small_appraisal();
  def.scales[0].options[1].points = 62.5;
  EXPECT_FALSE(compile(def).value().packed.usable());
}

TEST(packed_points, integer_and_double_kernels_give_the_same_bits) {
  // Every code on every item, blanks and don't-knows included, across tiles of 256 rows and a
  // ragged last tile: the whole score, both dimensions, the answered count and the ballot rule.
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  ASSERT_TRUE(plan.packed.usable());
  const scoring_plan unpacked = double_kernel_plan(plan);
  const response_batch batch = random_batch(plan, 1000, 7);
  expect_same_bits(score(plan, batch), score(unpacked, batch));
}

TEST(packed_points, weights_and_points_that_do_not_divide_evenly_agree_too) {
  // Weights 3, 7, 11 and points 100 / 67 / 0: quotients such as 1037 / 21 are not exact in
  // binary, so both kernels must form the same integer numerator and denominator to agree.
  instrument def = fixtures::small_appraisal();
  def.items[0].weight = 3.0;
  def.items[1].weight = 7.0;
  def.items[2].weight = 11.0;
  def.scales[0].options[1].points = 67.0;
  def.scales[0].options[2].points = 0.0;
  const scoring_plan plan = compile(def).value();
  ASSERT_TRUE(plan.packed.usable());
  const response_batch batch = random_batch(plan, 777, 11);
  expect_same_bits(score(plan, batch), score(double_kernel_plan(plan), batch));
}

// ---- the byte planes of the AVX2 kernel (score/impl/packed_kernel_avx2.hpp) ----------------

// Plane f of item j in score column s, entry `code` (its first 16-byte copy) and the same entry
// in the second copy.
std::pair<int, int> plane_entry(const packed_points& packed, std::size_t k, std::size_t s, std::size_t j,
                                std::size_t f, std::size_t code) {
  const std::size_t at = ((s * k + j) * packed_points::plane_count + f) * packed_points::plane_bytes + code;
  return {packed.planes[at], packed.planes[at + packed_points::max_plane_codes]};
}

TEST(packed_points, byte_planes_split_each_word_into_low_and_high_bytes) {
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  ASSERT_TRUE(plan.packed.has_planes());
  const std::size_t k = plan.item_count();
  // q1, option 1, column 0: 200 points (0x00C8), weight 2, one answer; written in both lanes.
  EXPECT_EQ(plane_entry(plan.packed, k, 0, 0, 0, 1), std::make_pair(200, 200));
  EXPECT_EQ(plane_entry(plan.packed, k, 0, 0, 1, 1), std::make_pair(0, 0));
  EXPECT_EQ(plane_entry(plan.packed, k, 0, 0, 2, 1), std::make_pair(2, 2));
  EXPECT_EQ(plane_entry(plan.packed, k, 0, 0, 3, 1), std::make_pair(0, 0));
  EXPECT_EQ(plane_entry(plan.packed, k, 0, 0, 4, 1), std::make_pair(1, 1));
  // Column 2 (dimension B), q3, option 3: 55 points; the answer is counted in column 0 only.
  EXPECT_EQ(plane_entry(plan.packed, k, 2, 2, 0, 3), std::make_pair(55, 55));
  EXPECT_EQ(plane_entry(plan.packed, k, 2, 2, 4, 3), std::make_pair(0, 0));
  // Weights 2 + 1 + 1 = 4 < 256: added in bytes.
  EXPECT_TRUE(plan.packed.byte_weights);

  // -40 points is 0xFFD8 in 16-bit two's complement: low byte 0xD8 = 216, high byte 255.
  Eigen::ArrayXXd points(2, 3), answered(2, 3);
  points << 0, 0, 0, -40, -40, -40;
  answered << 0, 0, 0, 1, 1, 1;
  const packed_points negative = pack_points(points, answered, Eigen::MatrixXd::Ones(3, 1));
  ASSERT_TRUE(negative.has_planes());
  EXPECT_EQ(plane_entry(negative, 3, 0, 1, 0, 1), std::make_pair(216, 216));
  EXPECT_EQ(plane_entry(negative, 3, 0, 1, 1, 1), std::make_pair(255, 255));
}

TEST(packed_points, byte_planes_only_where_every_row_fits_sixteen_bits) {
  Eigen::ArrayXXd points(2, 2), answered(2, 2);
  answered << 0, 0, 1, 1;
  // Two items: the largest row sum is 2 * the item points.
  points << 0, 0, 16383, 16383;  // 32,766 < 2^15
  EXPECT_TRUE(pack_points(points, answered, Eigen::MatrixXd::Ones(2, 1)).has_planes());
  points.row(1).setConstant(-16384);  // |-32,768| is not below 2^15
  EXPECT_FALSE(pack_points(points, answered, Eigen::MatrixXd::Ones(2, 1)).has_planes());
  EXPECT_TRUE(pack_points(points, answered, Eigen::MatrixXd::Ones(2, 1)).usable());  // the words still serve
  // Weight sums: 2 * 127 = 254 in bytes; 2 * 128 = 256 in 16 bits; 2 * 32768 = 65,536 not at all.
  const Eigen::ArrayXXd no_points = Eigen::ArrayXXd::Zero(2, 2);
  const packed_points bytes = pack_points(no_points, answered, Eigen::MatrixXd::Constant(2, 1, 127));
  EXPECT_TRUE(bytes.has_planes() && bytes.byte_weights);
  const packed_points words16 = pack_points(no_points, answered, Eigen::MatrixXd::Constant(2, 1, 128));
  EXPECT_TRUE(words16.has_planes() && !words16.byte_weights);
  EXPECT_FALSE(pack_points(no_points, answered, Eigen::MatrixXd::Constant(2, 1, 32768)).has_planes());
  // 256 items: the answered count no longer fits a byte. 17 codes: no longer one shuffle table.
  const Eigen::ArrayXXd many_items = Eigen::ArrayXXd::Ones(2, 256);
  EXPECT_FALSE(pack_points(many_items, many_items, Eigen::MatrixXd::Ones(256, 1)).has_planes());
  const Eigen::ArrayXXd many_codes = Eigen::ArrayXXd::Ones(17, 2);
  EXPECT_FALSE(pack_points(many_codes, many_codes, Eigen::MatrixXd::Ones(2, 1)).has_planes());
}

#if QSCORE_HAS_AVX2
// The AVX2 blocks against the scalar integer kernel on the same rows, called directly (score()
// picks one of them): every score column, answered counts, has_score.
void expect_avx2_equals_scalar(const scoring_plan& plan, const response_batch& batch) {
  ASSERT_TRUE(plan.packed.has_planes());
  const Eigen::Index n = batch.rows(), s = static_cast<Eigen::Index>(plan.score_columns());
  ASSERT_EQ(n % detail::avx2_kernel_rows, 0);
  score_batch wide, scalar;
  for (score_batch* out : {&wide, &scalar}) {
    out->score.setConstant(n, s, -1.0);
    out->has_score.setConstant(n, s, true);
    out->answered.setConstant(n, -1);
  }
  if (plan.packed.byte_weights)
    detail::score_blocks_packed_avx2<true>(plan, batch, 0, n / detail::avx2_kernel_rows, wide);
  else
    detail::score_blocks_packed_avx2<false>(plan, batch, 0, n / detail::avx2_kernel_rows, wide);
  for (Eigen::Index first = 0; first < n; first += detail::score_tile_rows)  // at most a tile a call
    detail::score_tile_packed(plan, batch, first, std::min(detail::score_tile_rows, n - first), scalar);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index c = 0; c < s; ++c) {
      EXPECT_EQ(wide.has_score(i, c), scalar.has_score(i, c)) << "row " << i << " column " << c;
      EXPECT_EQ(std::bit_cast<std::uint64_t>(wide.score(i, c)), std::bit_cast<std::uint64_t>(scalar.score(i, c)))
          << "row " << i << " column " << c << ": " << wide.score(i, c) << " vs " << scalar.score(i, c);
    }
    EXPECT_EQ(wide.answered(i), scalar.answered(i)) << "row " << i;
  }
}

TEST(packed_points, avx2_blocks_equal_the_scalar_kernel) {
  if (!detail::avx2_available()) GTEST_SKIP() << "this processor has no AVX2";
  // Byte weights, both dimensions, blanks and don't-knows (which leave rows without a score).
  const scoring_plan plan = compile(fixtures::small_appraisal()).value();
  expect_avx2_equals_scalar(plan, random_batch(plan, 640, 3));
  // 16-bit weights (3 * 100 = 300 > 255) and negative points: sums wrap in 16-bit lanes and
  // must come back signed.
  instrument def = fixtures::small_appraisal();
  for (auto& item : def.items) item.weight = 100.0;
  def.scales[0].options[0].points = -70.0;
  def.scales[0].options[1].points = 30.0;
  const scoring_plan wide_weights = compile(def).value();
  ASSERT_FALSE(wide_weights.packed.byte_weights);
  expect_avx2_equals_scalar(wide_weights, random_batch(wide_weights, 640, 5));
}
#endif

}  // namespace
